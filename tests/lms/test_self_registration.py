"""Self-registration by e-mail domain: verified domains, one organisation each; confirmed
addresses; optional HR approval; clear German answers for everyone else."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.models import (
    AuditEvent,
    EmailDomain,
    Membership,
    NameChangeRequest,
    Registration,
)
from lms.models import User as Person
from lms.services.registration import email_domain_add, registration_route
from tests.factories import make_identity_provider, make_member

PASSWORD = "Lernplattform-2026!"


@pytest.fixture
def org_admin_a(gemeinde_a):
    return make_member(gemeinde_a, Membership.Role.ORG_ADMIN, full_name="Ida Verwaltung")


@pytest.fixture
def bonn_domain(gemeinde_a, org_admin_a):
    domain = EmailDomain.objects.create(
        organisation=gemeinde_a,
        domain="bonn.de",
        verification_address="poststelle@bonn.de",
        verified_at=timezone.now(),
        added_by=org_admin_a,
    )
    return domain


def _link(mail, name):
    return re.search(rf"https?://[^\s]+/konto/{name}/[^\s/]+/", mail.body).group(0)


def _can_sign_in(email):
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    request = RequestFactory().post("/konto/anmelden/")
    return authenticate(request=request, username=email, password=PASSWORD) is not None


def _register(client, email, name="Jana Neumann", **extra):
    data = {"email": email, "full_name": name, "password1": PASSWORD, "password2": PASSWORD}
    return client.post(reverse("register"), {**data, **extra})


def test_org_admin_verifies_a_domain_through_a_mailbox_at_it(
    client, org_admin_a, gemeinde_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(org_admin_a)
    url = reverse("hr_email_domains", args=[gemeinde_a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "add", "domain": "Bonn.DE", "mailbox": "poststelle"})
    domain = EmailDomain.objects.get()
    assert domain.domain == "bonn.de" and domain.verified_at is None
    assert [m.to for m in mailoutbox] == [["poststelle@bonn.de"]]
    assert registration_route("jana@bonn.de").kind == "unknown"  # not before it is verified
    link = _link(mailoutbox[0], "domain-bestaetigen")
    client.logout()
    assert client.get(link).status_code == 200  # a button, so mail scanners verify nothing
    assert EmailDomain.objects.get().verified_at is None
    assert client.post(link).status_code == 200
    assert registration_route("jana@bonn.de").kind == "open"
    assert client.post(link).status_code == 410  # once
    changes = AuditEvent.objects.filter(action=AuditEvent.Action.EMAIL_DOMAIN)
    assert sorted(e.detail["change"] for e in changes) == ["added", "verified"]


def test_a_domain_belongs_to_one_organisation(client, bonn_domain, gemeinde_b, hr_b):
    koeln_admin = make_member(gemeinde_b, Membership.Role.ORG_ADMIN)
    client.force_login(koeln_admin)
    response = client.post(
        reverse("hr_email_domains", args=[gemeinde_b.pk]),
        {"action": "add", "domain": "bonn.de", "mailbox": "it"},
    )
    assert response.status_code == 400
    assert "gehört zu einer anderen Organisation" in response.content.decode()
    assert EmailDomain.objects.get().organisation == bonn_domain.organisation
    # … and Köln's admin cannot reach Bonn's page or change Bonn's domain
    assert (
        client.get(reverse("hr_email_domains", args=[bonn_domain.organisation.pk])).status_code
        == 404
    )
    client.post(
        reverse("hr_email_domains", args=[gemeinde_b.pk]),
        {"action": "remove", "pk": bonn_domain.pk},
    )
    assert EmailDomain.objects.filter(pk=bonn_domain.pk).exists()


def test_registration_creates_the_account_only_when_the_address_is_confirmed(
    client, bonn_domain, gemeinde_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _register(client, "Jana.Neumann@bonn.de")
    assert response.status_code == 200
    assert "jana.neumann@bonn.de" in response.content.decode()
    assert not Person.objects.filter(email="jana.neumann@bonn.de").exists()
    link = _link(mailoutbox[0], "registrieren")
    assert "Bundesstadt Bonn" in mailoutbox[0].body
    assert client.get(link).status_code == 200
    assert not Person.objects.filter(email="jana.neumann@bonn.de").exists()
    response = client.post(link, {"password": PASSWORD})
    assert response.status_code == 302
    person = Person.objects.get(email="jana.neumann@bonn.de")
    assert person.is_active and person.check_password(PASSWORD)
    assert Membership.objects.get(user=person).organisation == gemeinde_a
    assert person.certificate_name == ""  # the typed name waits for HR
    assert NameChangeRequest.objects.get(user=person).requested_name == "Jana Neumann"
    assert client.get(reverse("learning_dashboard")).status_code == 200  # signed in
    client.logout()
    assert client.post(link, {"password": PASSWORD}).status_code == 410  # single use


def test_expired_link_creates_nothing(
    client, bonn_domain, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _register(client, "spaet@bonn.de")
    Registration.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert (
        client.post(_link(mailoutbox[0], "registrieren"), {"password": PASSWORD}).status_code == 410
    )
    assert not Person.objects.filter(email="spaet@bonn.de").exists()


def test_other_domains_get_a_german_answer_saying_whom_to_ask_and_keep_what_was_typed(
    client, bonn_domain, gemeinde_b
):
    response = _register(client, "max@unbekannt-gemeinde.de", name="Max Muster")
    assert response.status_code == 400
    html = response.content.decode()
    assert "unbekannt-gemeinde.de" in html and "Personalstelle" in html
    assert 'value="Max Muster"' in html and 'value="max@unbekannt-gemeinde.de"' in html
    EmailDomain.objects.create(
        organisation=gemeinde_b,
        domain="stadt-koeln.de",
        verification_address="it@stadt-koeln.de",
        verified_at=timezone.now(),
        self_registration=False,
    )
    closed = _register(client, "anna@stadt-koeln.de").content.decode()
    assert "Stadt Köln" in closed and "einzuladen" in closed
    assert not Registration.objects.exists()


def test_a_domain_with_single_sign_on_hands_over_to_the_idp(client, bonn_domain, gemeinde_a):
    make_identity_provider(gemeinde_a, email_domains="bonn.de")
    response = _register(client, "jana@bonn.de")
    assert "anmelden/sso/" in response.content.decode()
    assert not Registration.objects.exists()


def test_an_existing_address_gets_the_same_answer_and_a_mail_to_sign_in(
    client, bonn_domain, learner_a, mailoutbox, django_capture_on_commit_callbacks
):
    learner_a.email = "seyma@bonn.de"
    learner_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = _register(client, "SEYMA@bonn.de", name="Jemand Anderes")
    assert response.status_code == 200
    assert not Registration.objects.exists()
    assert "bereits ein Konto" in mailoutbox[0].subject
    learner_a.refresh_from_db()
    assert learner_a.full_name == "Şeyma Çelik"


def test_with_approval_hr_decides_and_the_neighbour_cannot(
    client, bonn_domain, gemeinde_a, hr_a, hr_b, mailoutbox, django_capture_on_commit_callbacks
):
    gemeinde_a.registration_approval = True
    gemeinde_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        _register(client, "warte@bonn.de", name="Wanda Warte")
    response = client.post(_link(mailoutbox[0], "registrieren"), {"password": PASSWORD})
    assert "Personalstelle" in response.content.decode()
    person = Person.objects.get(email="warte@bonn.de")
    assert not person.is_active and not person.memberships.exists()
    assert not _can_sign_in("warte@bonn.de")
    registration = Registration.objects.get()
    client.force_login(hr_b)  # Köln
    assert client.get(reverse("hr_registrations", args=[gemeinde_a.pk])).status_code == 404
    client.post(
        reverse("hr_registrations", args=[hr_b.memberships.get().organisation.pk]),
        {"pk": registration.pk, "decision": "approve"},
    )
    person.refresh_from_db()
    assert not person.is_active
    client.force_login(hr_a)
    page = client.get(reverse("hr_registrations", args=[gemeinde_a.pk]))
    assert "Wanda Warte" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("hr_registrations", args=[gemeinde_a.pk]),
            {"pk": registration.pk, "decision": "approve"},
        )
    person.refresh_from_db()
    assert person.is_active and person.memberships.get().organisation == gemeinde_a
    assert "freigegeben" in mailoutbox[-1].subject
    assert _can_sign_in("warte@bonn.de")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REGISTRATION_DECIDED).exists()


def test_rejected_registration_leaves_no_account(
    client, bonn_domain, gemeinde_a, hr_a, mailoutbox, django_capture_on_commit_callbacks
):
    gemeinde_a.registration_approval = True
    gemeinde_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        _register(client, "nein@bonn.de")
    client.post(_link(mailoutbox[0], "registrieren"), {"password": PASSWORD})
    client.force_login(hr_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("hr_registrations", args=[gemeinde_a.pk]),
            {"pk": Registration.objects.get().pk, "decision": "reject"},
        )
    assert not Person.objects.filter(email="nein@bonn.de").exists()
    assert "nicht freigegeben" in mailoutbox[-1].subject


def test_domain_add_refuses_a_domain_of_another_organisation(bonn_domain, gemeinde_b, hr_b):
    from lms.services.registration import RegistrationError

    with pytest.raises(RegistrationError):
        email_domain_add(organisation=gemeinde_b, domain="bonn.de", mailbox="it", by=hr_b)


def test_a_click_by_the_owner_of_the_address_cannot_hand_the_account_to_whoever_registered_it(
    client, bonn_domain, mailoutbox, django_capture_on_commit_callbacks
):
    """Someone registers a colleague's address with their own password; the colleague opens the
    mail's link and confirms: without the registrant's password, no account comes into being."""
    with django_capture_on_commit_callbacks(execute=True):
        _register(client, "kollegin@bonn.de")
    link = _link(mailoutbox[0], "registrieren")
    response = client.post(link, {"password": "etwas-anderes"})
    assert response.status_code == 400
    assert "nicht das Passwort" in response.content.decode()
    assert not Person.objects.filter(email="kollegin@bonn.de").exists()
    assert client.post(link, {"password": PASSWORD}).status_code == 302  # still usable by them
