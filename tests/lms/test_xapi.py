"""The learning record as other systems read it: xAPI 1.0.3 statements that a real learning
record store (ralph) accepts, activity IRIs that resolve, and forwarding to the record stores
set in the admin, exactly once per statement and store, through outages."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lms import xapi
from lms.models import LearningStatement, LrsDelivery, LrsEndpoint
from lms.services import hr as hr_services
from lms.services import learning as learning_services
from lms.tasks import lrs_forward_task
from tests.factories import make_member
from tests.lms.learning_helpers import answers_for, lessons_of, quiz_of
from tests.peers.ralph_lrs import PASSWORD, USERNAME, RalphLrs, ralph_available

pytestmark = pytest.mark.django_db

needs_ralph = pytest.mark.skipif(
    not ralph_available(), reason="ralph LRS not installed: `make peers` builds .peers/ralph"
)


@pytest.fixture(scope="module")
def ralph():
    if not ralph_available():
        pytest.skip("ralph LRS not installed: `make peers` builds .peers/ralph")
    with RalphLrs() as lrs:
        yield lrs


def _every_kind_of_statement(course, learner, hr, unit):
    """One person goes through everything that writes to the learning record: self-enrolment,
    opening and finishing a lesson, a failed and a passed quiz (which completes the course),
    the next cycle (recertification), and withdrawing; HR assigns a colleague the course."""
    enrolment = learning_services.enrolment_create(user=learner, course=course)
    for lesson in lessons_of(course):
        learning_services.lesson_complete(enrolment=enrolment, lesson=lesson)
    quiz = quiz_of(course)
    for correct in (False, True):
        attempt = learning_services.quiz_attempt_start(enrolment=enrolment, quiz=quiz)
        learning_services.quiz_attempt_submit(
            attempt=attempt, answers=answers_for(quiz, correct=correct)
        )
    following = learning_services.enrolment_next_cycle(enrolment=enrolment)
    learning_services.enrolment_withdraw(enrolment=following)
    colleague = make_member(unit, full_name="Jürgen Groß")
    hr_services.assignment_create(
        created_by=hr,
        organisation=unit,
        course=course,
        users=[colleague],
        due_date=timezone.localdate() + timedelta(days=30),
    )
    return enrolment, following


@pytest.fixture
def statements(course, learner_a, hr_a, amt_a):
    first, second = _every_kind_of_statement(course, learner_a, hr_a, amt_a)
    return {"first": first, "second": second, "rows": list(LearningStatement.objects.all())}


def test_statements_are_xapi_1_0_3_with_ids_registrations_types_and_durations(statements):
    rows = statements["rows"]
    assert {row.verb.removeprefix(xapi.VERB_BASE) for row in rows} == set(xapi.VERB_DISPLAY)
    first, second = statements["first"], statements["second"]
    for row in rows:
        data = row.as_xapi()
        assert uuid.UUID(data["id"]).version == 4
        assert uuid.UUID(data["context"]["registration"])
        assert data["object"]["definition"]["type"].startswith(xapi.ACTIVITY_TYPE_BASE)
        assert data["verb"]["display"]["de-DE"] != data["verb"]["display"]["en-US"]
        assert data["actor"]["account"]["name"] == str(row.actor_id)  # a number, no name
    by_verb = {}
    for row in rows:
        by_verb.setdefault(row.verb.removeprefix(xapi.VERB_BASE), []).append(row.as_xapi())
    assert by_verb["passed"][0]["verb"]["display"] == {
        "de-DE": "hat bestanden",
        "en-US": "passed",
    }
    quiz_statement = by_verb["failed"][0]
    assert quiz_statement["object"]["definition"]["type"] == xapi.activity_type_iri("assessment")
    assert quiz_statement["result"]["duration"].startswith("PT")
    assert quiz_statement["context"]["registration"] == str(first.registration)
    parent = quiz_statement["context"]["contextActivities"]["parent"][0]
    assert parent["id"] == xapi.activity_id(first.course_id)
    exited = by_verb["exited"][0]
    assert exited["context"]["registration"] == str(second.registration) != str(first.registration)
    assigned = [s for s in by_verb["registered"] if "extensions" in s["context"]]
    assert assigned and assigned[0]["context"]["extensions"] == {
        xapi.extension_iri("assigned"): True
    }


@needs_ralph
def test_ralph_accepts_every_statement_the_platform_writes(statements, ralph):
    sent = [row.as_xapi() for row in statements["rows"]]
    response = ralph.post(sent)
    assert response.status_code == 200, response.text
    assert sorted(response.json()) == sorted(statement["id"] for statement in sent)
    stored = {statement["id"]: statement for statement in ralph.statements()}
    assert {statement["id"] for statement in sent} <= set(stored)
    first = sent[0]
    assert stored[first["id"]]["verb"] == first["verb"]


def test_activity_ids_resolve_to_their_definition_or_page(client, course):
    quiz = quiz_of(course)
    path = xapi.activity_id(quiz.pk).removeprefix("http://testserver")
    path = path[path.index("/xapi/") :]
    as_json = client.get(path, headers={"Accept": "application/json"})
    assert as_json.status_code == 200
    assert as_json.json()["definition"]["type"] == xapi.activity_type_iri("assessment")
    assert as_json.json()["definition"]["name"] == {"de-DE": quiz.title}
    in_browser = client.get(path, headers={"Accept": "text/html"})
    assert in_browser.status_code == 302 and in_browser["Location"] == quiz.url
    quiz.unpublish()
    assert client.get(path, headers={"Accept": "application/json"}).status_code == 404
    extension = client.get(reverse("xapi_extension", args=["assigned"]))
    assert "Personalverwaltung" in extension.json()["description"]["de-DE"]
    assert client.get(reverse("xapi_extension", args=["erfunden"])).status_code == 404


def _endpoint(url, **kwargs) -> LrsEndpoint:
    return LrsEndpoint.objects.create(
        name="LRS Land NRW", url=url, username=USERNAME, password=PASSWORD, **kwargs
    )


def _in_store(ralph, rows) -> set[str]:
    ids = {str(row.statement_id) for row in rows}
    return ids & {statement["id"] for statement in ralph.statements()}


@needs_ralph
def test_forwarding_delivers_each_statement_once_and_drains_after_an_outage(statements, ralph):
    rows = statements["rows"]
    endpoint = _endpoint("http://127.0.0.1:9/xAPI/", batch_size=3)  # nothing listens on port 9
    lrs_forward_task.delay()
    endpoint.refresh_from_db()
    assert endpoint.failures == 1 and "ConnectionError" in endpoint.last_error
    assert (
        timedelta(seconds=25) < endpoint.next_attempt_at - timezone.now() <= timedelta(seconds=30)
    )
    assert not LrsDelivery.objects.exists()

    LrsEndpoint.objects.filter(pk=endpoint.pk).update(url=ralph.url)
    lrs_forward_task.delay()  # still backing off: nothing is tried
    assert not LrsDelivery.objects.exists()

    LrsEndpoint.objects.filter(pk=endpoint.pk).update(next_attempt_at=timezone.now())
    lrs_forward_task.delay()
    endpoint.refresh_from_db()
    assert endpoint.failures == 0 and endpoint.last_error == "" and endpoint.last_delivered_at
    assert LrsDelivery.objects.filter(endpoint=endpoint).count() == len(rows)
    assert _in_store(ralph, rows) == {str(row.statement_id) for row in rows}

    held = len(ralph.statements())
    lrs_forward_task.delay()  # a second round sends nothing
    LrsDelivery.objects.all().delete()  # delivery rows lost (a crash before the commit) …
    lrs_forward_task.delay()  # … so everything goes again: the store keeps one copy per id
    assert len(ralph.statements()) == held
    assert LrsDelivery.objects.filter(endpoint=endpoint).count() == len(rows)


@needs_ralph
def test_a_store_refusing_our_credentials_is_retried_later(statements, ralph):
    endpoint = LrsEndpoint.objects.create(
        name="LRS", url=ralph.url, username=USERNAME, password="falsch"
    )
    lrs_forward_task.delay()
    endpoint.refresh_from_db()
    assert endpoint.failures == 1 and endpoint.last_error.startswith("HTTP 401")
    assert not LrsDelivery.objects.exists()


@needs_ralph
def test_each_store_gets_only_what_its_filter_selects(
    course, learner_a, hr_a, amt_a, gemeinde_b, ralph
):
    _every_kind_of_statement(course, learner_a, hr_a, amt_a)
    neighbour = make_member(gemeinde_b, full_name="Bernd Köln")
    learning_services.enrolment_create(user=neighbour, course=course)
    land_a = _endpoint(ralph.url, verbs=["passed", "failed"])
    land_a.organisations.set([amt_a.get_parent()])
    lrs_forward_task.delay()
    delivered = LearningStatement.objects.filter(deliveries__endpoint=land_a)
    assert {row.verb for row in delivered} == {xapi.verb_iri("passed"), xapi.verb_iri("failed")}
    assert {row.actor_id for row in delivered} == {learner_a.pk}
    assert delivered.count() == 2
