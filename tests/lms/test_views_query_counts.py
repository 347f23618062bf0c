"""Query counts of the learner's hottest requests, pinned at two data sizes.

The lesson page and "mark as done" are what every learner hits all day; their cost must not
grow with the size of the course or with the number of other learners. Each test runs once on
a small course (1 module × 2 lessons, 1 other learner) and once on a larger one (4 modules × 6
lessons, 50 other learners) and expects the same number of queries.

The counts are for the steady state: the course outline is cached per content version (see
``courses.selectors.course_outline``), so the first request after a publish costs
``OUTLINE_MISS_QUERIES`` more; that is pinned too.
"""

import pytest

from courses.models import CourseOutcome, CoursePage, LessonPage, ModulePage, QuizPage
from courses.quiz import question_data_with_ids
from lms.services import learning as learning_services
from tests.courses.fixtures import QUESTIONS, publish
from tests.factories import UserFactory

SIZES = [
    pytest.param((1, 2, 1), id="1x2-lessons-1-other"),
    pytest.param((4, 6, 50), id="4x6-lessons-50-others"),
]

# Wagtail's site, the catalogue page (two queries), the course page looked up by its URL path
# (two, ``CourseIndexPage.route``), session, user, the enrolment joined to its course, opening
# the lesson (savepoint, select, release), the outline fingerprint and two for progress. Before
# the outline cache and the one-query enrolment look-up it was 23; with Wagtail's routing (two
# queries per segment) 20. One more for the lesson's legal sources (a lesson that cites some adds
# one for the changes recorded since its state date).
# The page privacy lookup (Wagtail's ancestors and restrictions, 2) is skipped for pages below
# no restricted page (the restricted paths are cached): 17 before.
LESSON_PAGE_QUERIES = 15
# Session, user, the lesson, the enrolment, the completion write (savepoints, progress row,
# conditional UPDATE, learning record, completion check), then the outline
# fingerprint and progress for the partial (htmx) or the next lesson's URL (plain POST).
# Ten of them refresh the HR matrix's stored status of this (person, course) in the same
# transaction (lock the person, required-by-profile, enrolments, external qualifications,
# course, required lessons, lessons done, stored row, upsert, the person's units for the
# changed status's counts; the count insert is skipped here, the learner has no unit):
# 19/18 before ``QualificationStatus``, 27/26 before the units' counts. Two more for the page
# privacy of the lesson and its course (Wagtail's ancestors and restrictions), checked for
# every learning action, now only for pages below a restricted page (cached paths), and the
# learning record writes its actor's id without loading the person: 31/30 before.
MARK_DONE_HTMX_QUERIES = 28
MARK_DONE_PLAIN_QUERIES = 27
OUTLINE_MISS_QUERIES = 3


def build_course(catalogue, topic, *, modules: int, lessons_per_module: int) -> CoursePage:
    course = CoursePage(
        title=f"Kurs {modules}x{lessons_per_module}",
        slug=f"kurs-{modules}x{lessons_per_module}",
        teaser="Ein Kurs für die Zählung der Abfragen.",
        topic=topic,
        level="einsteiger",
        duration_minutes=60,
    )
    course.outcomes = [CourseOutcome(text="Sie kennen die Grundlagen.")]
    catalogue.add_child(instance=course)
    publish(course)
    for m in range(1, modules + 1):
        module = ModulePage(title=f"Modul {m}", slug=f"modul-{m}")
        course.add_child(instance=module)
        publish(module)
        for n in range(1, lessons_per_module + 1):
            lesson = LessonPage(
                title=f"Lektion {m}.{n}",
                slug=f"lektion-{m}-{n}",
                body=[{"type": "text", "value": f"<p>Inhalt der Lektion {m}.{n}.</p>"}],
            )
            module.add_child(instance=lesson)
            publish(lesson)
        if m == modules:
            quiz = QuizPage(
                title="Abschlusstest",
                slug="abschlusstest",
                questions=question_data_with_ids(QUESTIONS, f"tests/qc-{modules}"),
            )
            module.add_child(instance=quiz)
            publish(quiz)
    return course


@pytest.fixture
def sized_course(request, catalogue, topic):
    """(course, its lessons, an enrolled learner) with other learners who made progress."""
    modules, lessons_per_module, others = request.param
    course = build_course(catalogue, topic, modules=modules, lessons_per_module=lessons_per_module)
    lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
    for number in range(others):
        other = UserFactory(email=f"andere{number}@bonn.de")
        enrolment = learning_services.enrolment_create(user=other, course=course)
        learning_services.lesson_complete(enrolment=enrolment, lesson=lessons[0])
    learner = UserFactory(email="lernende@bonn.de")
    learning_services.enrolment_create(user=learner, course=course)
    return course, lessons, learner


@pytest.mark.parametrize("sized_course", SIZES, indirect=True)
def test_lesson_page_queries_constant(client, sized_course, django_assert_num_queries):
    """The enrolled learner's lesson page costs the same queries for any course size."""
    _course, lessons, learner = sized_course
    client.force_login(learner)
    client.get(lessons[0].url)  # the first visit opens the lesson and fills the outline cache
    with django_assert_num_queries(LESSON_PAGE_QUERIES):
        response = client.get(lessons[0].url)
    assert response.status_code == 200
    assert b"course-outline" in response.content


@pytest.mark.parametrize("sized_course", SIZES, indirect=True)
def test_lesson_page_outline_miss_queries_constant(client, sized_course, django_assert_num_queries):
    """After a publish the outline is rebuilt with a fixed number of extra queries."""
    _course, lessons, learner = sized_course
    client.force_login(learner)
    client.get(lessons[0].url)
    publish(lessons[-1])  # a new live revision: the cached outline no longer applies
    with django_assert_num_queries(LESSON_PAGE_QUERIES + OUTLINE_MISS_QUERIES):
        response = client.get(lessons[0].url)
    assert response.status_code == 200


@pytest.mark.parametrize("sized_course", SIZES, indirect=True)
def test_mark_done_htmx_queries_constant(client, sized_course, django_assert_num_queries):
    """Marking a lesson done via htmx costs the same queries for any course size."""
    _course, lessons, learner = sized_course
    client.force_login(learner)
    client.get(lessons[0].url)
    with django_assert_num_queries(MARK_DONE_HTMX_QUERIES):
        response = client.post(
            f"/lernen/lektion/{lessons[0].pk}/erledigt/", headers={"HX-Request": "true"}
        )
    assert response.status_code == 200
    assert b"lesson-status" in response.content


@pytest.mark.parametrize("sized_course", SIZES, indirect=True)
def test_mark_done_plain_queries_constant(client, sized_course, django_assert_num_queries):
    """Marking a lesson done with a plain form POST costs the same queries for any size."""
    _course, lessons, learner = sized_course
    client.force_login(learner)
    client.get(lessons[0].url)
    with django_assert_num_queries(MARK_DONE_PLAIN_QUERIES):
        response = client.post(f"/lernen/lektion/{lessons[0].pk}/erledigt/")
    assert response.status_code == 302
    assert response["Location"] == lessons[1].url
