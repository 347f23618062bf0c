"""Erasure and export are complete (DSGVO Art. 15, 17, 20): a person who used every feature of
the platform is found nowhere afterwards, neither in a dump of the whole database nor in the
stored files, while aggregates and certificate counts stay; before that, their export holds
one entry for every row the registry of personal data lists for them."""

import datetime as dt
import io
import json

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from cdo_network import services as network
from cdo_network.models import ExpertCircle, FundingProgramme
from certificates.models import Certificate
from lms.models import Enrolment, Membership, User
from lms.personal_data import REGISTRY
from lms.services.privacy import person_erase
from lms.services.qualifications import external_qualification_upload
from tests.cdo_network import conftest as network_fixtures
from tests.cdo_network.test_views_circles import PNG
from tests.cdo_network.test_views_projects import SUBMISSION
from tests.cdo_network.test_views_stocktaking import _answers
from tests.certificates.conftest import complete_course
from tests.factories import TEST_PASSWORD, make_member

# The CDO network's page fixtures, shared with this module.
site_root = network_fixtures.site_root
event_index = network_fixtures.event_index
make_event = network_fixtures.make_event
project_index = network_fixtures.project_index

NAME, EMAIL = "Xaveria Quellmann", "Xaveria.Quellmann@bonn.de"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def operator(db):
    return User.objects.create_superuser(
        email="betrieb@example.org", full_name="Plattform Betrieb", password="Betrieb-2026-x"
    )


@pytest.fixture
def busy_person(
    client,
    amt_a,
    hr_a,
    course,
    make_event,
    project_index,
    django_capture_on_commit_callbacks,
):
    """Someone who signed in (once wrongly), learnt, holds a certificate, uploaded a proof, is
    in the directory and a circle (posts, attachment, abuse report), registered for an event,
    submitted a project, filled in the stocktaking and subscribed to a funding programme."""
    person = make_member(amt_a, full_name=NAME, email=EMAIL)
    client.post(reverse("login"), {"username": EMAIL.lower(), "password": "falsch-falsch"})
    client.post(reverse("login"), {"username": EMAIL, "password": TEST_PASSWORD})
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(person, course)
    external_qualification_upload(
        user=person,
        uploaded_by=person,
        course=course,
        title=f"Datenschutzschulung {NAME}",
        provider="VHS Bonn",
        completed_on=dt.date(2026, 5, 4),
        valid_until=None,
        file=SimpleUploadedFile("nachweis-quellmann.pdf", PDF, content_type="application/pdf"),
    )
    network.profile_save(
        user=person,
        organisation=amt_a,
        bio=f"{NAME} leitet die Digitalisierung.",
        contact_detail=EMAIL,
        role_title="CDO",
    )
    circle = ExpertCircle.objects.create(name="Open Data", slug="open-data", description="x")
    network.circle_join(circle=circle, user=person)
    colleague = make_member(amt_a, full_name="Kollege Korn")
    network.circle_join(circle=circle, user=colleague)
    thread = network.thread_create(
        circle=circle,
        author=person,
        title="Datenportal",
        body=f"Gruß, {NAME}",
        files=[SimpleUploadedFile("quellmann.png", PNG, content_type="image/png")],
    )
    other_post = network.post_create(thread=thread, author=colleague, body="Antwort")
    network.post_report(post=other_post, reporter=person, reason=f"Ruf mich an: 0228 4711, {NAME}")
    network.registration_create(event=make_event(), user=person)
    client.force_login(person)
    client.post(
        reverse("cdo_network:project_submit"), {**SUBMISSION, "contact": f"{NAME}, {EMAIL}"}
    )
    network.assessment_complete(organisation=amt_a, user=person, answers=_answers())
    programme = FundingProgramme.objects.create(
        name="Digitale Kommune",
        funder_level="bund",
        funder="BMDS",
        target_group="Kommunen",
        funding_rate="50 %",
        url="https://example.org/foerderung",
    )
    network.funding_subscription_set(programme=programme, user=person, subscribed=True)
    client.force_login(hr_a)
    client.get(reverse("hr_employee", args=[person.pk]))
    client.logout()
    return person


def _database_dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", format="json", stdout=out)
    return json.dumps(json.loads(out.getvalue()), ensure_ascii=False).casefold()


def _stored_files(directory: str = "") -> dict[str, bytes]:
    folders, files = default_storage.listdir(directory)
    found = {}
    for name in files:
        path = f"{directory}/{name}" if directory else name
        with default_storage.open(path) as handle:
            found[path] = handle.read()
    for folder in folders:
        found |= _stored_files(f"{directory}/{folder}" if directory else folder)
    return found


def _traces(text: str) -> list[str]:
    return [word for word in (EMAIL.casefold(), "xaveria", "quellmann") if word in text]


def test_export_holds_one_entry_per_registered_row(client, busy_person):
    """The JSON has a format version and, for every declaration with exported fields, exactly
    the person's rows; the features used above all appear."""
    client.force_login(busy_person)
    expected = {
        key: declaration.queryset(busy_person).count()
        for key, declaration in REGISTRY.items()
        if declaration.export
    }
    data = json.loads(client.get(reverse("account_data_export")).content)
    assert data["format_version"] == "2.0"
    records = data["records"]
    assert {key: len(record["rows"]) for key, record in records.items()} == expected
    used = {key for key, record in records.items() if record["rows"]}
    assert used >= {
        "lms.User.account",
        "lms.Membership.user",
        "lms.Enrolment.user",
        "lms.LessonProgress.enrolment__user",
        "lms.QuizAttempt.enrolment__user",
        "lms.ExternalQualification.user",
        "lms.AuditEvent.subject",
        "lms.QualificationStatus.user",
        "certificates.Certificate.user",
        "cdo_network.Profile.user",
        "cdo_network.CircleMembership.user",
        "cdo_network.Post.author",
        "cdo_network.AbuseReport.reporter",
        "cdo_network.Registration.user",
        "cdo_network.ProjectPage.submitted_by",
        "cdo_network.Assessment.created_by",
        "cdo_network.FundingSubscription.user",
        "axes.AccessLog.username",
    }
    certificate = records["certificates.Certificate.user"]["rows"][0]
    assert certificate["learner_name"] == NAME and certificate["code"]


def test_erased_person_is_found_nowhere(
    busy_person, operator, course, django_capture_on_commit_callbacks
):
    """After erasure neither the e-mail address nor the name is in the database dump or in any
    stored file; enrolment and certificate counts stay; erasing again changes nothing."""
    from cdo_network.models import PostAttachment
    from lms.models import ExternalQualification

    assert _traces(_database_dump())  # the test would see them
    own_files = {
        Certificate.objects.get(user=busy_person).pdf.name,
        ExternalQualification.objects.get(user=busy_person).file.name,
        PostAttachment.objects.get(post__author=busy_person).file.name,
    }
    assert own_files <= set(_stored_files())  # stored under random names
    enrolments = Enrolment.objects.filter(course=course).count()
    certificates = Certificate.objects.filter(course=course).count()
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(user=busy_person, by=operator)
    assert _traces(_database_dump()) == []
    assert not own_files & set(_stored_files())
    for name, content in _stored_files().items():
        assert _traces(name.casefold()) == [], name
        assert _traces(content.decode("latin-1").casefold()) == [], name
    assert Enrolment.objects.filter(course=course).count() == enrolments
    assert Certificate.objects.filter(course=course).count() == certificates
    assert not Membership.objects.filter(user=busy_person).exists()
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(user=busy_person, by=operator)  # re-runnable
    assert _traces(_database_dump()) == []


def test_export_validates_against_the_published_schema(client, busy_person):
    """The JSON passes its own published JSON Schema (fetched from the platform), so another
    program can rely on the format."""
    from jsonschema import Draft202012Validator

    schema = client.get(reverse("account_data_schema")).json()
    Draft202012Validator.check_schema(schema)
    client.force_login(busy_person)
    data = json.loads(client.get(reverse("account_data_export")).content)
    errors = sorted(Draft202012Validator(schema).iter_errors(data), key=str)
    assert errors == []
    assert data["schema"] == reverse("account_data_schema")


def test_readable_summary_lists_every_kind_of_data_in_german(client, busy_person):
    """Staff who cannot read JSON see their data as German tables: certificate, proof,
    circle posts, event registration, sign-ins; the page is never cached."""
    client.force_login(busy_person)
    response = client.get(reverse("account_data_summary"))
    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    for heading in (
        "Zertifikate",
        "Externe Qualifikationen",
        "Beiträge",
        "Anmeldungen",
        "Verzeichniseinträge",
    ):
        assert heading in html, heading
    assert f"Datenschutzschulung {NAME}" in html and "0228 4711" in html
    assert "Kollege Korn" not in html
