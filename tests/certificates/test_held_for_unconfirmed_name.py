"""A self-registered learner's typed name never reaches a certificate: the certificate is held
until HR confirms the name, then issued with the confirmed one (completion is not blocked)."""

from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from lms.models import EmailDomain, NameChangeRequest
from lms.models import User as Person
from tests.certificates.conftest import complete_course


def test_certificate_waits_for_hr_to_confirm_the_name(
    client, course, gemeinde_a, hr_a, mailoutbox, django_capture_on_commit_callbacks
):
    EmailDomain.objects.create(
        organisation=gemeinde_a,
        domain="bonn.de",
        verification_address="it@bonn.de",
        verified_at=timezone.now(),
    )
    password = "Lernplattform-2026!"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("register"),
            {
                "email": "neu@bonn.de",
                "full_name": "Dr. h.c. Erfunden",
                "password1": password,
                "password2": password,
            },
        )
    link = next(w for w in mailoutbox[0].body.split() if "/konto/registrieren/" in w)
    client.post(link)
    person = Person.objects.get(email="neu@bonn.de")
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = complete_course(person, course)
    assert enrolment.status == "completed"
    assert not Certificate.objects.filter(user=person).exists()
    client.force_login(person)
    assert "Personalstelle" in client.get(reverse("learning_dashboard")).content.decode()
    request = NameChangeRequest.objects.get(user=person)
    # the learner cannot confirm their own name; HR of Bonn can (and corrects it first)
    client.force_login(hr_a)
    request.requested_name = "Erika Erfunden"
    request.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("hr_name_request_decide", args=[request.pk]), {"decision": "confirm"})
    certificate = Certificate.objects.get(user=person)
    assert certificate.learner_name == "Erika Erfunden"
