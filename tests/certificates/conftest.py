"""Certificate test helpers: a complete snapshot with overridable fields, and a signer."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import override_settings
from PIL import Image, ImageDraw

from certificates.rendering import CertificateSnapshot, load_platform_signer

VERIFY_URL = "https://campus.example.org/zertifikate/pruefen/Q7XK-M2PA-9TVD/"


def _logo() -> bytes:
    image = Image.new("RGB", (300, 90), "white")
    ImageDraw.Draw(image).rectangle((0, 0, 90, 90), fill="#004b87")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def make_snapshot(**overrides) -> CertificateSnapshot:
    """A realistic certificate; pass any field to change it."""
    fields = {
        "serial": "KDSR-2026-000123",
        "code": "Q7XK-M2PA-9TVD",
        "learner_name": "Łukasz Żółć",
        "course_title": "Digitale Verwaltung: Onlinezugangsgesetz in der Praxis",
        "content_revision": "Revision 42 vom 12.03.2026",
        "modules": (
            "Grundlagen des OZG 2.0",
            "Barrierefreie Formulare",
            "Datenschutz im Bürgerservice",
            "Registermodernisierung",
            "Abschlussprüfung",
        ),
        "hours": Decimal("8.5"),
        "issued_on": date(2026, 3, 12),
        "valid_until": date(2029, 3, 31),
        "issuer_name": "Kompetenzzentrum Digitale Städte und Regionen",
        "signatory_name": "Dr. Růžena Dvořáková",
        "signatory_role": "Leiterin des Kompetenzzentrums",
        "wording": "hat erfolgreich an der folgenden Qualifizierung teilgenommen:",
        "colour": "#004b87",
        "logo": _logo(),
        "verify_url": VERIFY_URL,
        "language": "de",
    }
    fields.update(overrides)
    return CertificateSnapshot(**fields)


@pytest.fixture(scope="session")
def signing_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("signing")


@pytest.fixture(scope="session")
def platform_signer(signing_dir):
    """The self-signed platform signer, generated once per test session in a temporary dir."""
    with override_settings(
        CERTIFICATE_SIGNING_KEY_FILE="",
        CERTIFICATE_SIGNING_CERT_FILE="",
        CERTIFICATE_SIGNING_DIR=signing_dir,
    ):
        return load_platform_signer()


def b64url_decode(part: str) -> bytes:
    """A JWT part (base64url without padding) as bytes."""
    import base64

    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


# --- Issued certificates through the real services -------------------------------------------


def complete_course(user, course):
    """Enrol ``user``, finish every lesson and pass the final quiz: the course completes."""
    from lms.services import learning as svc
    from tests.lms.learning_helpers import answers_for, lessons_of, quiz_of

    enrolment = svc.enrolment_create(user=user, course=course)
    for lesson in lessons_of(course):
        svc.lesson_complete(enrolment=enrolment, lesson=lesson)
    attempt = svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz_of(course))
    svc.quiz_attempt_submit(
        attempt=attempt, answers=answers_for(attempt.quiz.specific, correct=True)
    )
    enrolment.refresh_from_db()
    return enrolment


def make_completed_enrolment(user, course, cycle: int):
    """A completed enrolment without going through lessons (for list sizes)."""
    from django.utils import timezone

    from lms.models import Enrolment
    from tests.factories import refresh_statuses

    enrolment = Enrolment.objects.create(
        user=user, course=course, cycle=cycle, status="completed", completed_at=timezone.now()
    )
    refresh_statuses(user)
    return enrolment


@pytest.fixture(autouse=True)
def _certificate_signing(signing_dir, settings):
    """Every certificate test signs with the session's throwaway key."""
    settings.CERTIFICATE_SIGNING_KEY_FILE = ""
    settings.CERTIFICATE_SIGNING_CERT_FILE = ""
    settings.CERTIFICATE_SIGNING_DIR = signing_dir
    settings.STORAGES = {**settings.STORAGES}  # a fresh in-memory storage per test


@pytest.fixture
def issued(learner_a, course, django_capture_on_commit_callbacks):
    """``learner_a`` completed ``course``; the certificate is rendered (eager Celery)."""
    from certificates.models import Certificate

    with django_capture_on_commit_callbacks(execute=True):
        enrolment = complete_course(learner_a, course)
    return Certificate.objects.get(enrolment=enrolment)
