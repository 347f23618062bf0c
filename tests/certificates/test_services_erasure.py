"""DSGVO erasure (``lms.services.privacy.person_erase``) reaches the certificates: the pages
say "no longer available" (410) and name no one, PDFs and badges are gone, counts stay."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certificates import services
from certificates.models import Certificate, CertificateExport
from lms.models import User
from lms.services.privacy import person_erase
from tests.certificates.conftest import complete_course
from tests.factories import make_member

GONE = "Dieses Zertifikat ist nicht mehr verfügbar."


@pytest.fixture
def operator(db):
    return User.objects.create_superuser(
        email="betrieb@example.org", full_name="Plattform Betrieb", password="Betrieb-2026-x"
    )


def _erase(person, operator, capture):
    with capture(execute=True):
        person_erase(user=person, by=operator)


def test_erased_person_verify_page_is_gone_without_personal_data(
    client, issued, learner_a, operator, django_capture_on_commit_callbacks
):
    """The verification page answers 410 with the German notice and shows neither name,
    course, serial nor dates; the row keeps no name and no PDF."""
    pdf_name = issued.pdf.name
    _erase(learner_a, operator, django_capture_on_commit_callbacks)
    response = client.get(reverse("certificate_verify", args=[issued.code]))
    html = response.content.decode()
    assert response.status_code == 410
    assert GONE in html
    for personal in ("Şeyma", "Çelik", "Gelöschte Person", issued.serial, issued.course_title):
        assert personal not in html
    issued.refresh_from_db()
    assert issued.erased_at is not None and issued.learner_name == ""
    assert not issued.pdf and issued.sha256 == ""
    assert not default_storage.exists(pdf_name)


def test_erased_certificate_pdf_no_longer_matches_upload(
    client, issued, learner_a, operator, django_capture_on_commit_callbacks
):
    """A copy of the PDF kept elsewhere is no longer reported as byte-identical."""
    data = default_storage.open(issued.pdf.name).read()
    _erase(learner_a, operator, django_capture_on_commit_callbacks)
    response = client.post(
        reverse("certificate_verify_start"),
        {"pdf": SimpleUploadedFile("z.pdf", data, content_type="application/pdf")},
    )
    html = response.content.decode()
    assert 'data-result="unknown"' in html and issued.serial not in html


def test_erased_person_download_and_badge_are_gone(
    client, issued, learner_a, operator, django_capture_on_commit_callbacks
):
    """The old session is logged out; even a re-activated account gets 404 for the PDF and
    the Open Badge (JWT and JSON), and an empty certificate list."""
    client.force_login(learner_a)
    download = reverse("certificate_download", args=[issued.pk])
    badge = reverse("certificate_badge", args=[issued.pk])
    assert client.get(badge).status_code == 200
    _erase(learner_a, operator, django_capture_on_commit_callbacks)
    assert client.get(download).status_code == 302  # session ended: to the login page
    learner_a.refresh_from_db()
    learner_a.is_active = True
    learner_a.save()
    client.force_login(learner_a)
    assert client.get(download).status_code == 404
    assert client.get(badge).status_code == 404
    assert client.get(badge, {"format": "json"}).status_code == 404
    assert issued.serial not in client.get(reverse("certificate_list")).content.decode()


def test_erasure_covers_superseded_certificates_and_keeps_counts(
    client, issued, learner_a, hr_a, amt_a, course, operator, django_capture_on_commit_callbacks
):
    """Old and corrected certificates of the person are both gone; another person's stays
    valid and the number of certificates per course is unchanged."""
    with django_capture_on_commit_callbacks(execute=True):
        new = services.certificate_reissue(
            certificate=issued, by=hr_a, learner_name="Şeyma Yılmaz", reason="Heirat"
        )
        other = Certificate.objects.get(
            enrolment=complete_course(make_member(amt_a, full_name="Jonas Weber"), course)
        )
    per_course = Certificate.objects.filter(course=course).count()
    _erase(learner_a, operator, django_capture_on_commit_callbacks)
    for certificate in (issued, new):
        response = client.get(reverse("certificate_verify", args=[certificate.code]))
        assert response.status_code == 410 and "Yılmaz" not in response.content.decode()
    assert Certificate.objects.filter(course=course).count() == per_course
    assert Certificate.objects.filter(course=course, erased_at__isnull=True).get() == other
    page = client.get(reverse("certificate_verify", args=[other.code])).content.decode()
    assert 'data-state="valid"' in page and "Jonas Weber" in page


def test_erased_pending_certificate_is_never_rendered(
    learner_a, course, operator, django_capture_on_commit_callbacks
):
    """A certificate still pending at erasure is not re-queued and a late render task stores
    no PDF with the person's name."""
    certificate = Certificate.objects.get(enrolment=complete_course(learner_a, course))
    _erase(learner_a, operator, django_capture_on_commit_callbacks)
    Certificate.objects.filter(pk=certificate.pk).update(created_at="2020-01-01T00:00Z")
    assert services.certificates_requeue_stuck() == []
    services.certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert not certificate.pdf and certificate.learner_name == ""
    assert not services.certificate_mail(certificate_id=certificate.pk)


def test_erased_certificate_can_be_neither_revoked_nor_corrected(
    issued, learner_a, hr_a, operator, django_capture_on_commit_callbacks
):
    """Once erased, neither service brings the certificate back."""
    _erase(learner_a, operator, django_capture_on_commit_callbacks)
    issued.refresh_from_db()
    with pytest.raises(services.CertificateError):
        services.certificate_reissue(
            certificate=issued, by=hr_a, learner_name="Neuer Name", reason="x"
        )
    with pytest.raises(services.CertificateError):
        services.certificate_revoke(certificate=issued, by=hr_a, reason="x")
    assert Certificate.objects.count() == 1


def test_erasure_removes_finished_zip_exports_of_their_unit(
    client, issued, learner_a, hr_a, amt_a, settings, operator, django_capture_on_commit_callbacks
):
    """A ZIP of the person's unit built before the erasure is deleted with its file."""
    settings.CERTIFICATE_ZIP_STREAM_LIMIT = 0
    client.force_login(hr_a)
    with django_capture_on_commit_callbacks(execute=True):
        status_url = client.get(reverse("certificate_organisation_zip", args=[amt_a.pk])).url
    export = CertificateExport.objects.get()
    assert export.status == CertificateExport.Status.READY
    _erase(learner_a, operator, django_capture_on_commit_callbacks)
    assert not CertificateExport.objects.exists()
    assert not default_storage.exists(export.file.name)
    assert client.get(status_url).status_code == 404
