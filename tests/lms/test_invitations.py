"""People HR imports get an invitation mail with a single-use, expiring link.

Found: an imported employee got no message and no usable password."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lms.models import AuditEvent, Invitation, User
from lms.services.invitations import invitation_send
from lms.services.people_import import employee_import_apply
from tests.factories import make_identity_provider

NEW_PASSWORD = "Neues-Passwort-fuer-Bonn-2026"


def _import(hr_user, unit, capture, *people):
    rows = [
        {"line": n, "name": name, "email": email, "unit_name": unit.name, "job_profile_name": ""}
        for n, (name, email) in enumerate(people, start=2)
    ]
    with capture(execute=True):
        employee_import_apply(data=rows, unit=unit, hr_user=hr_user)


def _link(message) -> str:
    return re.search(r"http\S+/konto/einladung/\S+/", message.body).group(0)


def _path(link: str) -> str:
    return link.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def _set_password(client, link):
    return client.post(_path(link), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


@pytest.fixture
def invited(hr_a, amt_a, django_capture_on_commit_callbacks):
    _import(hr_a, amt_a, django_capture_on_commit_callbacks, ("Jonas Neumann", "neu@bonn.de"))
    return User.objects.get(email="neu@bonn.de")


def test_imported_person_gets_a_german_invitation_and_sets_a_password_once(client, invited, amt_a):
    (message,) = mail.outbox
    assert message.to == ["neu@bonn.de"]
    assert "Bürgerdienste Bonn" in message.subject
    assert "Legen Sie über diesen Link Ihr Passwort fest" in message.body
    link = _link(message)

    response = _set_password(client, link)

    assert response.status_code == 302
    assert client.get(reverse("profile")).status_code == 200  # signed in
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)
    client.logout()
    assert client.get(_path(link)).status_code == 410  # single use
    assert AuditEvent.objects.filter(action="invited", subject=invited).count() == 1


def test_expired_link_is_refused_with_a_german_message(client, invited):
    link = _link(mail.outbox[0])
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client.get(_path(link))

    assert response.status_code == 410
    assert "abgelaufen" in response.content.decode()
    assert _set_password(client, link).status_code == 410
    invited.refresh_from_db()
    assert not invited.has_usable_password()


def test_sending_again_replaces_the_old_link(
    client, invited, hr_a, amt_a, django_capture_on_commit_callbacks
):
    old_link = _link(mail.outbox[0])
    client.force_login(hr_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("hr_invitation_send", args=[amt_a.pk, invited.pk]))

    assert response.status_code == 302
    assert len(mail.outbox) == 2
    client.logout()
    assert client.get(_path(old_link)).status_code == 410
    assert client.get(_path(_link(mail.outbox[1]))).status_code == 200


def test_no_mail_where_the_organisation_switched_invitations_off(
    hr_a, gemeinde_a, amt_a, django_capture_on_commit_callbacks
):
    gemeinde_a.invitations_enabled = False  # switched off above the unit
    gemeinde_a.save()

    _import(hr_a, amt_a, django_capture_on_commit_callbacks, ("Stille Post", "still@bonn.de"))

    assert User.objects.filter(email="still@bonn.de").exists()
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_hr_sees_each_persons_state(client, invited, hr_a, amt_a, learner_a):
    client.force_login(learner_a)  # learner_a has signed in before
    client.force_login(hr_a)

    html = client.get(reverse("hr_invitations", args=[amt_a.pk])).content.decode()

    assert "Eingeladen" in html and invited.email in html
    assert "Aktiv" in html and learner_a.email in html
    Invitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    html = client.get(reverse("hr_invitations", args=[amt_a.pk])).content.decode()
    assert "Einladung abgelaufen" in html


def test_neighbouring_hr_gets_404(client, invited, hr_b, amt_a):
    client.force_login(hr_b)

    assert client.get(reverse("hr_invitations", args=[amt_a.pk])).status_code == 404
    response = client.post(reverse("hr_invitation_send", args=[amt_a.pk, invited.pk]))
    assert response.status_code == 404
    assert len(mail.outbox) == 1


def test_people_of_an_sso_administration_are_sent_to_its_sign_in(
    client, gemeinde_b, amt_b, hr_b, django_capture_on_commit_callbacks
):
    make_identity_provider(gemeinde_b)
    _import(hr_b, amt_b, django_capture_on_commit_callbacks, ("Ida Kraus", "ida@stadt-koeln.de"))
    message = mail.outbox[0]
    assert "mit dem Konto Ihrer Verwaltung (Stadt Köln)" in message.body

    page = client.get(_path(_link(message))).content.decode()

    assert "Mit dem Konto Ihrer Verwaltung anmelden" in page
    assert 'name="new_password1"' not in page


def test_a_person_who_can_already_sign_in_is_not_invited(learner_a, amt_a, hr_a):
    assert invitation_send(user=learner_a, organisation=amt_a, by=hr_a) is None


def test_invitation_list_queries_do_not_grow_with_people(client, hr_a, amt_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_member

    client.force_login(hr_a)
    url = reverse("hr_invitations", args=[amt_a.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    make_member(amt_a)
    few = queries()
    for _ in range(10):
        make_member(amt_a)
    assert queries() == few
