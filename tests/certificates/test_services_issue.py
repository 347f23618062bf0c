"""Issuing certificates: one per enrolment, a frozen snapshot, gap-free serials."""

import re
from datetime import date

import pytest
from django.core import mail
from django.db import transaction

from certificates import services
from certificates.models import Certificate, CertificateTemplate
from lms.dates import add_months
from lms.models import Enrolment
from tests.certificates.conftest import complete_course, make_completed_enrolment


def test_certificate_issue_on_completion_renders_and_mails(issued, learner_a):
    """Completing a course yields one issued certificate with a stored PDF and one mail."""
    assert Certificate.objects.count() == 1
    assert issued.status == Certificate.Status.ISSUED
    assert issued.pdf and len(issued.sha256) == 64
    assert issued.mailed_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [learner_a.email]
    assert issued.verify_url in mail.outbox[0].body


def test_certificate_issue_freezes_snapshot(issued, learner_a, course):
    """Renaming the person or the course later does not change the issued certificate."""
    learner_a.full_name = "Neuer Name"
    learner_a.save()
    course.title = "Umbenannt"
    course.save_revision().publish()
    issued.refresh_from_db()
    assert issued.learner_name == "Şeyma Çelik"
    assert issued.course_title == "Vergabe kompakt"
    assert issued.modules == ["Grundlagen"]
    assert issued.hours == 1
    assert issued.issuer_name == "Kompetenzzentrum Digitale Städte und Regionen"
    assert issued.content_revision.startswith("Inhaltsstand ")


def test_certificate_identifiers_are_random_and_sequential(learner_a, course, db):
    """Codes are URL-safe with ≥128 bits; serials count up per year without gaps."""
    certificates = [
        services.certificate_issue(enrolment=make_completed_enrolment(learner_a, course, cycle))[0]
        for cycle in (1, 2, 3)
    ]
    year = date.today().year
    assert [c.serial for c in certificates] == [f"KDSR-{year}-{n:06d}" for n in (1, 2, 3)]
    for certificate in certificates:
        assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", certificate.code)
    assert len({c.code for c in certificates}) == 3


def test_certificate_issue_is_idempotent(learner_a, course, db):
    """Issuing twice for one enrolment returns the first certificate."""
    enrolment = make_completed_enrolment(learner_a, course, 1)
    first, created = services.certificate_issue(enrolment=enrolment)
    again, created_again = services.certificate_issue(enrolment=enrolment)
    assert created and not created_again and first.pk == again.pk


def test_certificate_valid_until_follows_course_validity(learner_a, course, db):
    """A course valid for 24 months gives a certificate valid 24 months from issue."""
    course.certificate_validity_months = 24
    course.save()
    enrolment = make_completed_enrolment(learner_a, course, 1)
    certificate, _ = services.certificate_issue(enrolment=enrolment)
    assert certificate.valid_until == add_months(certificate.issued_on, 24)


def test_add_months_clamps_to_month_end():
    """31 January plus one month is the last day of February."""
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_certificate_issue_uses_course_template(learner_a, course, db):
    """A template that lists the course supplies wording, signatory and colour."""
    template = CertificateTemplate.objects.create(
        name="Vergabe",
        signatory_name="Dr. Růžena Dvořáková",
        signatory_role="Leiterin",
        colour="#7a1f5c",
        wording="hat mit Erfolg teilgenommen an:",
    )
    template.courses.add(course)
    template.save()
    certificate, _ = services.certificate_issue(
        enrolment=make_completed_enrolment(learner_a, course, 1)
    )
    assert certificate.signatory_name == "Dr. Růžena Dvořáková"
    assert certificate.colour == "#7a1f5c"


def test_completion_rollback_leaves_no_certificate(
    learner_a, course, django_capture_on_commit_callbacks
):
    """When the completing transaction rolls back, no certificate exists and no task is queued."""
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        complete_course(learner_a, course)
        assert Certificate.objects.count() == 1
        raise RuntimeError("boom")
    assert callbacks == []
    assert Certificate.objects.count() == 0
    assert Enrolment.objects.filter(status="completed").count() == 0


def test_certificate_reissue_supersedes(issued, hr_a, django_capture_on_commit_callbacks):
    """A correction issues a new serial and code with the new name and the old issue date;
    the old certificate is superseded with who corrected it and why."""
    with django_capture_on_commit_callbacks(execute=True):
        new = services.certificate_reissue(
            certificate=issued, by=hr_a, learner_name="Şeyma Yılmaz", reason="Heirat"
        )
    issued.refresh_from_db()
    new.refresh_from_db()
    assert issued.status == Certificate.Status.SUPERSEDED
    assert issued.superseded_by == new
    assert (issued.corrected_by, issued.correction_reason) == (hr_a, "Heirat")
    assert issued.corrected_at is not None
    assert new.serial != issued.serial and new.code != issued.code
    assert new.learner_name == "Şeyma Yılmaz" and new.status == Certificate.Status.ISSUED
    assert new.issued_on == issued.issued_on and new.course_title == issued.course_title


@pytest.mark.parametrize(
    ("name", "reason"),
    [("Şeyma Yılmaz", "  "), ("  ", "Heirat"), ("Şeyma Çelik", "Heirat")],
    ids=["no-reason", "no-name", "same-name"],
)
def test_certificate_reissue_refuses_incomplete_correction(issued, hr_a, name, reason):
    """Without a reason, without a name or with the printed name nothing is re-issued."""
    with pytest.raises(services.CertificateError):
        services.certificate_reissue(certificate=issued, by=hr_a, learner_name=name, reason=reason)
    assert Certificate.objects.get().status == Certificate.Status.ISSUED


def test_certificate_reissue_refuses_revoked(issued, hr_a):
    """A revoked certificate cannot be corrected back to life."""
    services.certificate_revoke(certificate=issued, by=hr_a, reason="Täuschung")
    with pytest.raises(services.CertificateError):
        services.certificate_reissue(
            certificate=issued, by=hr_a, learner_name="Şeyma Yılmaz", reason="Heirat"
        )
    assert Certificate.objects.count() == 1


def test_certificate_uses_template_logo_and_colour(
    learner_a, course, django_capture_on_commit_callbacks
):
    """The template's logo is frozen onto the certificate and drawn into its PDF."""
    import io

    from django.core.files.storage import default_storage
    from pypdf import PdfReader
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    logo = get_image_model().objects.create(title="Logo", file=get_test_image_file())
    template = CertificateTemplate.objects.create(
        name="Mit Logo", signatory_name="A", signatory_role="B", colour="#7a1f5c", logo=logo
    )
    template.courses.add(course)
    template.save()
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = complete_course(learner_a, course)
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.logo_file == logo.file.name and certificate.colour == "#7a1f5c"
    page = PdfReader(io.BytesIO(default_storage.open(certificate.pdf.name).read())).pages[0]
    assert len(page.images) == 1
