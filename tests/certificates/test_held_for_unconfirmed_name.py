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
    client.post(link, {"password": password})
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


def test_bulk_issuance_holds_the_unconfirmed_name_too(course, learner_a, gemeinde_a):
    from certificates.bulk import certificates_issue_many
    from lms.services.names import name_set_from_source
    from tests.certificates.conftest import make_completed_enrolment

    unconfirmed = Person.objects.create(
        email="selbst@bonn.de", full_name="Selbst Gewählt", name_source=Person.NameSource.SELF
    )
    held = make_completed_enrolment(unconfirmed, course, 1)
    issued = make_completed_enrolment(learner_a, course, 1)
    certificates_issue_many(enrolment_ids=[held.pk, issued.pk])
    assert list(Certificate.objects.values_list("enrolment_id", flat=True)) == [issued.pk]
    name_set_from_source(user=unconfirmed, name="Selma Gewählt", source=Person.NameSource.HR)
    assert Certificate.objects.get(enrolment=held).learner_name == "Selma Gewählt"
