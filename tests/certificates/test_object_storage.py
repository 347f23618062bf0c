"""Media in a real S3-compatible store (SeaweedFS on 127.0.0.1), as with several app servers
(issue 18): certificate PDFs and Wagtail documents are written to the private bucket, never to
the local disk, and reach people only through the permission-checking views (or a short-lived
signed URL); local files move into the bucket verified by SHA-256; readiness checks the
storage."""

import hashlib

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse

from certificates.models import Certificate
from tests.certificates.conftest import complete_course
from tests.peers.seaweedfs import BUCKET, SeaweedS3, seaweedfs_available

pytestmark = pytest.mark.skipif(
    not seaweedfs_available(), reason="SeaweedFS peer not installed (make peers)"
)


@pytest.fixture(scope="module")
def s3():
    with SeaweedS3() as server:
        yield server


@pytest.fixture
def bucket_storage(s3, settings, tmp_path):
    """The bucket as default storage; MEDIA_ROOT an empty folder that must stay empty."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": s3.storage_settings()}
    return s3


def _keys(s3, prefix=""):
    listing = s3.client().list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return {item["Key"] for item in listing.get("Contents", [])}


def test_certificate_pdf_is_in_the_bucket_and_downloads_through_the_view(
    client, bucket_storage, learner_a, course, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = complete_course(learner_a, course)
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.pdf.name in _keys(bucket_storage, "certificates/")
    assert not (settings.MEDIA_ROOT).exists()  # nothing on this machine's disk

    client.force_login(learner_a)
    response = client.get(reverse("certificate_download", args=[certificate.pk]))
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == certificate.sha256

    # The bucket is private: the plain object URL is refused, a signed one works for minutes.
    plain = f"{bucket_storage.endpoint}/{BUCKET}/{certificate.pdf.name}"
    assert requests.get(plain, timeout=10).status_code == 403
    signed = default_storage.url(certificate.pdf.name)
    assert "X-Amz-Signature" in signed and "X-Amz-Expires=300" in signed
    assert requests.get(signed, timeout=10).content == pdf


def test_certificate_zip_export_is_built_into_the_bucket(
    client,
    bucket_storage,
    learner_a,
    hr_a,
    amt_a,
    course,
    settings,
    django_capture_on_commit_callbacks,
):
    """A worker writes the ZIP into the bucket; any app server streams it to the requester."""
    import io
    import zipfile

    with django_capture_on_commit_callbacks(execute=True):
        certificate = Certificate.objects.get(enrolment=complete_course(learner_a, course))
    settings.CERTIFICATE_ZIP_STREAM_LIMIT = 0
    client.force_login(hr_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("certificate_organisation_zip", args=[amt_a.pk]))
    export_id = response.url.rstrip("/").split("/")[-1]
    assert any(key.startswith("exports/") for key in _keys(bucket_storage, "exports/"))
    download = client.get(reverse("certificate_export_download", args=[export_id]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert archive.namelist()[0].startswith(certificate.serial)
    assert not settings.MEDIA_ROOT.exists()


def test_wagtail_documents_are_stored_in_the_bucket(client, bucket_storage, django_user_model):
    from wagtail.documents.models import Document

    document = Document(title="Vergabevermerk (Muster)")
    document.file.save("vergabevermerk.txt", ContentFile(b"Vermerk nach \xc2\xa7 8 VgV"))
    assert document.file.name in _keys(bucket_storage, "documents/")
    response = client.get(document.url)
    # Wagtail's view checks the collection's privacy, then hands out a short-lived signed URL.
    assert response.status_code == 302
    assert "X-Amz-Signature" in response["Location"]
    body = requests.get(response["Location"], timeout=10).content
    assert body == "Vermerk nach § 8 VgV".encode()


def test_media_to_storage_copies_verifies_and_refuses_to_overwrite(bucket_storage, tmp_path):
    source = tmp_path / "alt-media"
    (source / "certificates" / "2026").mkdir(parents=True)
    (source / "certificates" / "2026" / "a.pdf").write_bytes(b"%PDF-1.7 erstes")
    (source / "hr_proofs").mkdir()
    (source / "hr_proofs" / "nachweis.pdf").write_bytes(b"%PDF-1.7 zweites")

    call_command("media_to_storage", source=str(source), stdout=(out := _Buffer()))
    assert "2 Dateien kopiert und geprüft, 0 schon vorhanden" in out.text
    assert {"certificates/2026/a.pdf", "hr_proofs/nachweis.pdf"} <= _keys(bucket_storage)
    with default_storage.open("hr_proofs/nachweis.pdf") as handle:
        assert handle.read() == b"%PDF-1.7 zweites"

    call_command("media_to_storage", source=str(source), stdout=(out := _Buffer()))
    assert "0 Dateien kopiert und geprüft, 2 schon vorhanden" in out.text

    bucket_storage.client().put_object(
        Bucket=BUCKET, Key="certificates/2026/a.pdf", Body=b"anderer Inhalt"
    )
    with pytest.raises(CommandError, match="1 Dateien haben im Speicher einen anderen Inhalt"):
        call_command("media_to_storage", source=str(source), stdout=_Buffer(), stderr=_Buffer())


def test_readiness_checks_the_storage(client, bucket_storage, settings, db):
    settings.CELERY_BROKER_URL = ""
    response = client.get(reverse("readyz"))
    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "cache": "ok",
        "storage": "ok",
    }
    unreachable = bucket_storage.storage_settings()
    unreachable["OPTIONS"]["endpoint_url"] = "http://127.0.0.1:9"
    settings.STORAGES = {**settings.STORAGES, "default": unreachable}
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["checks"]["storage"].startswith("error")


class _Buffer:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass
