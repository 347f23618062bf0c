"""Page privacy holds for every learning action, not only for the pages: a course restricted
in Wagtail to a group cannot be enrolled in, learned, examined or certified by anyone outside
it (today's case: refused the pages, the person could still enrol, start the quiz, get all
questions, submit, pass and receive a certificate)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, reverse
from wagtail.models import PageViewRestriction

from courses.models import CoursePage
from lms.models import Enrolment, QuizAttempt
from lms.services import learning as svc
from lms.urls import learning_patterns
from tests.factories import UserFactory
from tests.lms.learning_helpers import answers_for, lessons_of, quiz_of

pytestmark = pytest.mark.django_db

ID_KWARGS = ("course_id", "lesson_id", "quiz_id", "attempt_id")


def _restrict(course, group):
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)


def _learning_urls(course, attempt):
    """Every learning URL of the URLconf that names a course, lesson, quiz or attempt."""
    ids = {
        "course_id": course.pk,
        "lesson_id": lessons_of(course)[0].pk,
        "quiz_id": quiz_of(course).pk,
        "attempt_id": attempt.pk,
    }
    urls = []
    for pattern in learning_patterns:
        assert isinstance(pattern, URLPattern)
        names = [name for name in ID_KWARGS if f"<int:{name}>" in str(pattern.pattern)]
        if not names or pattern.name in (
            "learning_withdraw",
            "course_statistics",
            "course_time_extensions",
        ):
            continue  # leaving is always allowed; the trainers' pages have their own check
        urls.append((pattern.name, reverse(pattern.name, kwargs={n: ids[n] for n in names})))
    return urls


@pytest.fixture
def members(course):
    group = Group.objects.create(name="Vergabestelle Bonn")
    member, outsider = UserFactory(), UserFactory()
    member.groups.add(group)
    # Both were enrolled and had an attempt before the course was restricted (the outsider
    # left the group): nothing they hold opens the course again.
    attempts = {}
    for person in (member, outsider):
        enrolment = svc.enrolment_create(user=person, course=course)
        attempts[person] = svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz_of(course))
    _restrict(course, group)
    return member, outsider, attempts


def test_every_learning_url_refuses_an_outsider(client, course, members):
    """Each learning URL answers 404 to the outsider, for GET and POST alike."""
    member, outsider, attempts = members
    urls = _learning_urls(course, attempts[outsider])
    assert {name for name, _url in urls} >= {
        "learning_enrol",
        "learning_lesson_done",
        "learning_heartbeat",
        "learning_quiz_start",
        "learning_quiz_page",
        "learning_quiz_submit",
        "learning_attempt_result",
    }
    client.force_login(outsider)
    for name, url in urls:
        response = client.post(url) if name != "learning_attempt_result" else client.get(url)
        assert response.status_code == 404, name
    assert QuizAttempt.objects.get(pk=attempts[outsider].pk).status == "in_progress"


def test_every_learning_url_serves_a_member(client, course, members):
    """The group's member uses the same URLs normally."""
    member, _outsider, attempts = members
    client.force_login(member)
    for name, url in _learning_urls(course, attempts[member]):
        if name == "learning_attempt_result":
            continue  # the attempt is still open: 404 for everyone until submitted
        response = client.post(url, {"bestaetigt": "1"})
        assert response.status_code in (200, 204, 302), name


def test_services_refuse_the_outsider_and_issue_no_certificate(course, members):
    """Called directly, the services refuse too: no enrolment, no quiz, no completion."""
    _member, outsider, attempts = members
    course = CoursePage.objects.get(pk=course.pk)  # as a new request loads it
    stranger = UserFactory()
    with pytest.raises(svc.NotAllowed):
        svc.enrolment_create(user=stranger, course=course)
    assert not Enrolment.objects.filter(user=stranger).exists()
    enrolment = Enrolment.objects.get(pk=attempts[outsider].enrolment_id)
    attempt = QuizAttempt.objects.get(pk=attempts[outsider].pk)
    with pytest.raises(svc.NotAllowed):
        svc.lesson_complete(enrolment=enrolment, lesson=lessons_of(course)[0])
    with pytest.raises(svc.NotAllowed):
        svc.quiz_attempt_submit(attempt=attempt, answers=answers_for(quiz_of(course), correct=True))
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE


def test_login_restricted_course_needs_no_group(client, course):
    """A course restricted to signed-in users is open to every signed-in learner."""
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)
    person = UserFactory()
    client.force_login(person)
    response = client.post(reverse("learning_enrol", args=[course.pk]))
    assert response.status_code == 302
    assert Enrolment.objects.filter(user=person, course=course).exists()
