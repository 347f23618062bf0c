"""The name on a certificate comes from an authoritative source, never from the learner alone.

Found: a learner could rename themselves and the next certificate, publicly "valid", carried
any name they typed."""

from django.urls import reverse

from certificates.models import Certificate
from lms.models import AuditEvent, NameChangeRequest
from tests.certificates.conftest import complete_course


def _rename_self(client, user, name):
    client.force_login(user)
    return client.post(reverse("profile"), {"full_name": name, "preferred_language": "de"})


def _certificate_of(user, course, capture):
    with capture(execute=True):
        enrolment = complete_course(user, course)
    return Certificate.objects.get(enrolment=enrolment)


def test_a_self_chosen_name_never_reaches_a_certificate(
    client, learner_a, course, django_capture_on_commit_callbacks
):
    _rename_self(client, learner_a, "Prof. Dr. Hochstapler")
    learner_a.refresh_from_db()
    assert learner_a.full_name == "Prof. Dr. Hochstapler"  # how they are addressed: at once

    certificate = _certificate_of(learner_a, course, django_capture_on_commit_callbacks)

    assert certificate.learner_name == "Şeyma Çelik"
    page = client.get(reverse("certificate_verify", args=[certificate.code])).content.decode()
    assert "Şeyma Çelik" in page and "Hochstapler" not in page
    profile = client.get(reverse("profile")).content.decode()
    assert "wartet auf die Bestätigung" in profile


def test_hr_of_the_organisation_confirms_and_the_next_certificate_carries_it(
    client, learner_a, hr_a, course, django_capture_on_commit_callbacks
):
    _rename_self(client, learner_a, "Şeyma Yılmaz")
    name_request = NameChangeRequest.objects.get(user=learner_a)
    client.force_login(hr_a)
    listing = client.get(reverse("hr_name_requests")).content.decode()
    assert "Şeyma Yılmaz" in listing and learner_a.email in listing

    response = client.post(
        reverse("hr_name_request_decide", args=[name_request.pk]), {"decision": "confirm"}
    )

    assert response.status_code == 302
    learner_a.refresh_from_db()
    assert (learner_a.verified_name, learner_a.name_source) == ("Şeyma Yılmaz", "hr")
    certificate = _certificate_of(learner_a, course, django_capture_on_commit_callbacks)
    assert certificate.learner_name == "Şeyma Yılmaz"
    event = AuditEvent.objects.get(action=AuditEvent.Action.NAME_CONFIRMED)
    assert (event.actor, event.subject) == (hr_a, learner_a)


def test_rejected_request_leaves_the_certificate_name(client, learner_a, hr_a):
    _rename_self(client, learner_a, "Irgendwer")
    name_request = NameChangeRequest.objects.get(user=learner_a)
    client.force_login(hr_a)

    client.post(reverse("hr_name_request_decide", args=[name_request.pk]), {"decision": "reject"})

    learner_a.refresh_from_db()
    assert learner_a.verified_name == "Şeyma Çelik"
    assert NameChangeRequest.objects.get().status == NameChangeRequest.Status.REJECTED


def test_hr_of_the_neighbouring_municipality_gets_404(client, learner_a, hr_b):
    _rename_self(client, learner_a, "Şeyma Yılmaz")
    name_request = NameChangeRequest.objects.get(user=learner_a)
    client.force_login(hr_b)

    assert "Şeyma Yılmaz" not in client.get(reverse("hr_name_requests")).content.decode()
    response = client.post(
        reverse("hr_name_request_decide", args=[name_request.pk]), {"decision": "confirm"}
    )

    assert response.status_code == 404
    learner_a.refresh_from_db()
    assert learner_a.verified_name == "Şeyma Çelik"


def test_nobody_confirms_their_own_name(client, hr_a):
    _rename_self(client, hr_a, "Dr. Łukasz Żółć")
    name_request = NameChangeRequest.objects.get(user=hr_a)

    assert "Dr. Łukasz" not in client.get(reverse("hr_name_requests")).content.decode()
    response = client.post(
        reverse("hr_name_request_decide", args=[name_request.pk]), {"decision": "confirm"}
    )

    assert response.status_code == 404
    hr_a.refresh_from_db()
    assert hr_a.verified_name == "Łukasz Żółć"


def test_learner_without_hr_scope_cannot_see_the_list(client, learner_a):
    client.force_login(learner_a)
    assert client.get(reverse("hr_name_requests")).status_code == 404


def test_going_back_to_the_confirmed_name_withdraws_the_request(client, learner_a):
    _rename_self(client, learner_a, "Anders")
    _rename_self(client, learner_a, "Şeyma Çelik")
    assert not NameChangeRequest.objects.exists()
