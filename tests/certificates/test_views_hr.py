"""HR: scoped certificate list, revocation with a reason, ZIP export of a unit."""

import io
import zipfile

import pytest
from django.urls import reverse

from certificates import services
from certificates.models import Certificate, CertificateExport
from tests.certificates.conftest import make_completed_enrolment
from tests.factories import UserFactory, make_member


def _login(client, user):
    client.force_login(user)


def test_hr_revokes_certificate_and_verify_page_says_revoked(client, issued, hr_a):
    """HR of the learner's city revokes with a reason; the public page says revoked at once."""
    _login(client, hr_a)
    response = client.post(
        reverse("certificate_revoke", args=[issued.pk]), {"reason": "Prüfung wiederholt"}
    )
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.REVOKED
    assert issued.revocation_reason == "Prüfung wiederholt" and issued.revoked_by == hr_a
    client.logout()
    page = client.get(reverse("certificate_verify", args=[issued.code])).content.decode()
    assert 'data-state="revoked"' in page


def test_revoke_needs_a_reason(client, issued, hr_a):
    """Without a reason nothing is revoked."""
    _login(client, hr_a)
    client.post(reverse("certificate_revoke", args=[issued.pk]), {"reason": "  "})
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.ISSUED


def test_neighbour_hr_cannot_see_or_revoke(client, issued, hr_b):
    """HR of another city gets 404 for the revocation and sees nothing in the list."""
    _login(client, hr_b)
    response = client.post(reverse("certificate_revoke", args=[issued.pk]), {"reason": "x"})
    assert response.status_code == 404
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.ISSUED
    assert issued.serial not in client.get(reverse("certificate_hr_list")).content.decode()


def test_learner_cannot_open_hr_pages(client, issued, learner_a):
    """People without an HR role get 404 for the HR list and revocation."""
    _login(client, learner_a)
    assert client.get(reverse("certificate_hr_list")).status_code == 404
    response = client.post(reverse("certificate_revoke", args=[issued.pk]), {"reason": "x"})
    assert response.status_code == 404


def test_superuser_can_revoke(client, issued):
    """A platform admin may revoke any certificate."""
    admin = UserFactory(is_superuser=True, is_staff=True)
    _login(client, admin)
    client.post(reverse("certificate_revoke", args=[issued.pk]), {"reason": "Fehler"})
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.REVOKED


def test_zip_export_contains_unit_certificates(client, issued, hr_a, amt_a, gemeinde_b, course):
    """The ZIP of a unit holds its members' PDFs, and none from other cities."""
    foreign = make_member(gemeinde_b)
    services.certificate_issue(enrolment=make_completed_enrolment(foreign, course, 1))
    _login(client, hr_a)
    response = client.get(reverse("certificate_organisation_zip", args=[amt_a.pk]))
    assert response.status_code == 200 and response.streaming
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert len(names) == 1 and names[0].startswith(issued.serial)
    assert archive.read(names[0])[:5] == b"%PDF-"


def test_zip_export_of_foreign_unit_is_404(client, issued, hr_b, amt_a):
    """HR cannot export a unit of another city."""
    _login(client, hr_b)
    response = client.get(reverse("certificate_organisation_zip", args=[amt_a.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("count", [1, 6])
def test_hr_list_query_count_is_constant(
    client, hr_a, amt_a, course, count, django_assert_num_queries
):
    """The HR list costs the same number of queries for one certificate or six."""
    for _ in range(count):
        person = make_member(amt_a)
        services.certificate_issue(enrolment=make_completed_enrolment(person, course, 1))
    _login(client, hr_a)
    with django_assert_num_queries(4):  # session, user, organisations, certificates
        response = client.get(reverse("certificate_hr_list"))
    assert response.content.decode().count("widerrufen/") == count


def test_large_unit_zip_is_built_by_a_task(
    client, issued, hr_a, amt_a, settings, django_capture_on_commit_callbacks
):
    """Above the streaming limit the ZIP is built in the background; the export page shows
    progress (htmx partial) and then offers the download, to the requester only."""
    settings.CERTIFICATE_ZIP_STREAM_LIMIT = 0
    client.force_login(hr_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("certificate_organisation_zip", args=[amt_a.pk]))
    assert response.status_code == 302
    status_url = response.url
    partial = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="export-status"' in partial and "<h1>" not in partial
    download = reverse("certificate_export_download", args=[status_url.rstrip("/").split("/")[-1]])
    assert download in partial  # eager Celery: already built
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(download).streaming_content)))
    assert archive.namelist()[0].startswith(issued.serial)
    client.force_login(UserFactory())
    assert client.get(download).status_code == 404


def _certificate_hr_url_names() -> list[str]:
    """Every named URL under /zertifikate/verwaltung/ that takes an id, from the URLconf."""
    from django.urls import URLPattern, URLResolver, get_resolver

    names = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif (
                isinstance(pattern, URLPattern)
                and "zertifikate/verwaltung/" in route
                and "<int:" in route
            ):
                names.append(pattern.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_certificate_hr_url_of_neighbour_is_404(
    client, issued, hr_a, hr_b, amt_a, settings, django_capture_on_commit_callbacks
):
    """HR of the neighbouring municipality gets 404 on every id-taking certificate HR URL
    (GET and POST) for A's certificate, unit and export; a new URL must be added here."""
    settings.CERTIFICATE_ZIP_STREAM_LIMIT = 0
    client.force_login(hr_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("certificate_organisation_zip", args=[amt_a.pk]))
    export = CertificateExport.objects.get()
    ids = {
        "certificate_revoke": issued.pk,
        "certificate_correct": issued.pk,
        "certificate_organisation_zip": amt_a.pk,
        "certificate_export": export.pk,
        "certificate_export_download": export.pk,
    }
    names = _certificate_hr_url_names()
    assert set(names) == set(ids), "map every certificate HR URL to an id of Gemeinde A"
    client.force_login(hr_b)
    for name in names:
        url = reverse(name, args=[ids[name]])
        codes = {
            client.get(url).status_code,
            client.post(url, {"reason": "x", "learner_name": "Fremd"}).status_code,
        }
        assert 404 in codes and codes <= {404, 405}, (name, codes)  # 405: method not offered
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.ISSUED
