"""HR corrects the name printed on a certificate: re-issued under a new number, the old one
superseded and pointing to the new one; scoped exactly like revocation."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from certificates import services
from certificates.models import Certificate
from tests.factories import UserFactory


def _url(certificate):
    return reverse("certificate_correct", args=[certificate.pk])


def _correct(client, certificate, **data):
    return client.post(_url(certificate), {"learner_name": "", "reason": "", **data})


@pytest.fixture
def second_hr(gemeinde_a):
    from lms.models import Membership
    from tests.factories import make_member

    return make_member(gemeinde_a, Membership.Role.HR, full_name="Zweite Personalerin")


def _confirm(client, certificate):
    return client.post(_url(certificate), {"aktion": "bestaetigen"})


def test_hr_corrects_name_and_old_page_links_new(
    client, issued, hr_a, second_hr, django_capture_on_commit_callbacks
):
    """HR of the learner's city proposes the name with a reason, a second HR person confirms:
    a new serial with the new name is issued and mailed; the old verification page says
    superseded and links it."""
    client.force_login(hr_a)
    response = _correct(
        client, issued, learner_name="Şeyma Yılmaz", reason="Namensänderung nach Heirat"
    )
    assert response.status_code == 302 and response.url == reverse("certificate_hr_list")
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.ISSUED and issued.superseded_by is None
    assert issued.correction_proposed_name == "Şeyma Yılmaz"
    # The proposer cannot confirm it.
    assert _confirm(client, issued).status_code == 400
    assert Certificate.objects.get(pk=issued.pk).status == Certificate.Status.ISSUED

    client.force_login(second_hr)
    page = client.get(_url(issued)).content.decode()
    assert "Şeyma Yılmaz" in page and "Namensänderung nach Heirat" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = _confirm(client, issued)
    assert response.status_code == 302 and response.url == reverse("certificate_hr_list")
    issued.refresh_from_db()
    new = issued.superseded_by
    assert issued.status == Certificate.Status.SUPERSEDED and new is not None
    assert new.serial != issued.serial and new.learner_name == "Şeyma Yılmaz"
    assert new.status == Certificate.Status.ISSUED and new.pdf
    assert (issued.corrected_by, issued.correction_reason) == (
        second_hr,
        "Namensänderung nach Heirat",
    )
    assert issued.correction_proposed_by == hr_a
    assert [message.subject for message in mail.outbox][-1].startswith("Ihr Zertifikat")
    listing = client.get(response.url).content.decode()
    assert f"{issued.serial} berichtigt" in listing and new.serial in listing
    client.logout()
    old_page = client.get(reverse("certificate_verify", args=[issued.code])).content.decode()
    assert 'data-state="superseded"' in old_page
    assert f'href="/verify/{new.code}/"' in old_page
    new_page = client.get(reverse("certificate_verify", args=[new.code])).content.decode()
    assert 'data-state="valid"' in new_page and "Şeyma Yılmaz" in new_page


def test_correction_form_prefilled_and_linked_from_hr_list(client, issued, hr_a):
    """The HR list links the correction next to revocation; the form shows the printed name."""
    client.force_login(hr_a)
    listing = client.get(reverse("certificate_hr_list")).content.decode()
    assert _url(issued) in listing
    page = client.get(_url(issued))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="Şeyma Çelik"' in html and "csrfmiddlewaretoken" in html


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"learner_name": "Şeyma Yılmaz"}, "Bitte geben Sie einen Grund für die Berichtigung an."),
        ({"reason": "Tippfehler"}, "Bitte geben Sie den berichtigten Namen ein."),
        (
            {"learner_name": "Şeyma Çelik", "reason": "Tippfehler"},
            "Dieser Name steht bereits auf dem Zertifikat.",
        ),
    ],
    ids=["no-reason", "no-name", "same-name"],
)
def test_bad_input_keeps_entries_and_explains_in_german(client, issued, hr_a, data, error):
    """Missing reason, missing or unchanged name: 400, a German message, the entries kept,
    nothing re-issued."""
    client.force_login(hr_a)
    response = _correct(client, issued, **data)
    html = response.content.decode()
    assert response.status_code == 400
    assert error in html
    for value in data.values():
        assert value in html
    assert Certificate.objects.count() == 1
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.ISSUED


def test_revoked_certificate_cannot_be_corrected(client, issued, hr_a):
    """A revoked certificate shows why it cannot be corrected and a POST changes nothing."""
    services.certificate_revoke(certificate=issued, by=hr_a, reason="Täuschung")
    client.force_login(hr_a)
    assert "nicht mehr berichtigt" in client.get(_url(issued)).content.decode()
    response = _correct(client, issued, learner_name="Şeyma Yılmaz", reason="Heirat")
    assert response.status_code == 400 and Certificate.objects.count() == 1


def test_neighbour_hr_gets_404(client, issued, hr_b):
    """HR of the neighbouring municipality can neither open nor submit the correction."""
    client.force_login(hr_b)
    assert client.get(_url(issued)).status_code == 404
    response = _correct(client, issued, learner_name="Fremder Name", reason="x")
    assert response.status_code == 404
    assert Certificate.objects.count() == 1


def test_learner_cannot_correct_own_certificate(client, issued, learner_a):
    """The holder is no HR: 404 for the form and the POST."""
    client.force_login(learner_a)
    assert client.get(_url(issued)).status_code == 404
    response = _correct(client, issued, learner_name="Wunschname", reason="x")
    assert response.status_code == 404
    assert Certificate.objects.count() == 1


def test_anonymous_is_sent_to_login(client, issued):
    """Without login the correction page redirects to the login page."""
    response = client.get(_url(issued))
    assert response.status_code == 302 and "anmelden" in response.url


def test_superuser_can_correct(client, issued, hr_a):
    """A platform admin may propose a correction of any certificate; HR confirms it."""
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = _correct(client, issued, learner_name="Şeyma Yılmaz", reason="Heirat")
    assert response.status_code == 302
    assert Certificate.objects.current().get().learner_name == "Şeyma Çelik"
    client.force_login(hr_a)
    assert _confirm(client, issued).status_code == 302
    assert Certificate.objects.current().get().learner_name == "Şeyma Yılmaz"


def test_a_proposal_can_be_discarded(client, issued, hr_a, second_hr):
    client.force_login(hr_a)
    _correct(client, issued, learner_name="Şeyma Yılmaz", reason="Heirat")
    client.force_login(second_hr)
    client.post(_url(issued), {"aktion": "verwerfen"})
    issued.refresh_from_db()
    assert not issued.correction_proposed_name and issued.status == Certificate.Status.ISSUED
    assert _confirm(client, issued).status_code == 400  # nothing left to confirm


def test_correction_requires_csrf_token(issued, hr_a):
    """With CSRF checks on, a POST without the token is refused and nothing is re-issued."""
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(hr_a)
    response = _correct(csrf_client, issued, learner_name="Şeyma Yılmaz", reason="Heirat")
    assert response.status_code == 403
    assert Certificate.objects.count() == 1


def test_corrections_and_revocations_are_audited_without_names(issued, hr_a, learner_a):
    """The access log of the person's unit records who corrected or revoked which certificate
    (serials, not the names typed)."""
    from lms.models import AuditEvent

    new = services.certificate_reissue(
        certificate=issued, by=hr_a, reason="Tippfehler", learner_name="Şeyma Çelik-Yılmaz"
    )
    services.certificate_revoke(certificate=new, by=hr_a, reason="Täuschung")
    corrected = AuditEvent.objects.get(action="cert_corrected")
    assert (corrected.actor, corrected.subject) == (hr_a, learner_a)
    assert corrected.detail == {"serial": issued.serial, "new_serial": new.serial}
    assert corrected.organisation is not None
    revoked = AuditEvent.objects.get(action="cert_revoked")
    assert revoked.detail == {"serial": new.serial}
    assert "Yılmaz" not in str(corrected.detail)


def test_hr_cannot_correct_the_name_on_their_own_certificate(
    client, hr_a, course, django_capture_on_commit_callbacks
):
    """Found: an HR user could correct the name on their own certificate. A second person
    must do it."""
    from tests.certificates.conftest import complete_course

    with django_capture_on_commit_callbacks(execute=True):
        enrolment = complete_course(hr_a, course)
    own = Certificate.objects.get(enrolment=enrolment)
    client.force_login(hr_a)

    response = _correct(client, own, learner_name="Dr. Łukasz Żółć", reason="Titel ergänzt")

    assert response.status_code == 400
    assert "eigenen Zertifikat" in response.content.decode()
    own.refresh_from_db()
    assert own.status == Certificate.Status.ISSUED and own.superseded_by is None
    with pytest.raises(services.CertificateError):
        services.certificate_reissue(
            certificate=own, by=hr_a, reason="Titel ergänzt", learner_name="Dr. Łukasz Żółć"
        )
