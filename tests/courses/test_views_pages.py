"""Course pages as visitors and trainers see them."""

import pytest
from django.urls import reverse
from wagtail.models import Page

from courses.models import CoursePage, LessonPage, QuizPage
from tests.courses.fixtures import quiz_of
from tests.factories import UserFactory


def test_seeded_pages_all_return_200(client, seeded_courses):
    """Every published page of the seed curriculum opens (modules redirect to their course)."""
    pages = Page.objects.live().descendant_of(seeded_courses[0].get_parent(), inclusive=True)
    assert pages.count() > 3 * (1 + 3 + 6 + 1)
    for page in pages.specific():
        response = client.get(page.url, follow=True)
        assert response.status_code == 200, page.url


def test_seed_curriculum_is_complete(seeded_courses):
    """Three courses, each with ≥3 modules, ≥2 lessons per module and a final quiz of ≥8."""
    assert len(seeded_courses) == 3
    for course in seeded_courses:
        modules = course.get_children().live()
        assert modules.count() >= 3
        for module in modules:
            assert LessonPage.objects.child_of(module).live().count() >= 2
        assert len(quiz_of(course).questions) >= 8


def test_quiz_page_gives_visitors_no_questions(client, course):
    """A visitor learns what the quiz asks of them (count, pass mark, attempts) but not its
    questions: the question bank is not handed out before an attempt."""
    quiz = quiz_of(course)
    html = client.get(quiz.url).content.decode()
    assert "4 Fragen" in html
    assert "Ab welchem Wert gilt" not in html and "216.000 Euro" not in html
    for child in quiz.questions:
        assert child.value["explanation"] not in html
    assert "acht" not in html.lower()
    assert '"correct"' not in html and "data-correct" not in html


def test_catalogue_filters_by_topic_and_level(client, seeded_courses):
    """Choosing a topic shows only that topic's courses."""
    catalogue = seeded_courses[0].get_parent()
    html = client.get(catalogue.url, {"thema": "it-beschaffung"}).content.decode()
    assert "Herstellerneutrale IT-Beschaffung" in html
    assert "Datenmanagement in der Kommune" not in html
    html = client.get(catalogue.url, {"niveau": "experte"}).content.decode()
    assert "Herstellerneutrale IT-Beschaffung" not in html


def test_catalogue_search_finds_course_by_content_word(client, seeded_courses):
    """Searching 'Vergabe' finds the procurement course, not the data course."""
    catalogue = seeded_courses[0].get_parent()
    html = client.get(catalogue.url, {"q": "Vergaberecht"}).content.decode()
    assert "Herstellerneutrale IT-Beschaffung" in html
    assert "Datenmanagement in der Kommune" not in html


def test_catalogue_open_to_anonymous_with_outline(client, course):
    """Anyone sees the course page with outline, duration and outcomes."""
    html = client.get(course.url).content.decode()
    for text in ["Grundlagen", "Schwellenwerte", "Abschlusstest", "60", "Schwellenwerte einordnen"]:
        assert text in html


def test_catalogue_query_count_constant(client, seeded_courses, django_assert_max_num_queries):
    """The catalogue costs a fixed number of queries whatever the number of courses."""
    catalogue = seeded_courses[0].get_parent()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(catalogue.url)  # warm the site and view-restriction caches
    with CaptureQueriesContext(connection) as three:
        client.get(catalogue.url)
    extra = CoursePage(
        title="Noch ein Kurs",
        slug="noch-einer",
        teaser="t",
        topic=seeded_courses[0].topic,
        level="einsteiger",
        duration_minutes=10,
    )
    catalogue.add_child(instance=extra)
    extra.save_revision().publish()
    with CaptureQueriesContext(connection) as four:
        client.get(catalogue.url)
    assert len(four.captured_queries) == len(three.captured_queries)


# --- Trainer rights in the Wagtail admin -----------------------------------------------------


@pytest.fixture
def trainer_group(seeded_courses):
    from django.contrib.auth.models import Group

    return Group.objects.get(name="Trainer")


def _trainer(group, **fields):
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(group)
    return user


def test_trainer_edits_own_course(client, seeded_courses, trainer_group):
    """A responsible trainer opens the editor of their course and its lessons."""
    course = seeded_courses[0]
    owner = _trainer(trainer_group)
    course.responsible_trainers.add(owner)
    course.save()
    client.force_login(owner)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).status_code == 200
    lesson = LessonPage.objects.descendant_of(course).first()
    assert client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk])).status_code == 200


def test_trainer_cannot_edit_other_trainers_course(client, seeded_courses, trainer_group):
    """Another trainer is turned away from the course and its lessons, and cannot add modules."""
    course = seeded_courses[0]
    stranger = _trainer(trainer_group)
    client.force_login(stranger)
    lesson = LessonPage.objects.descendant_of(course).first()
    for page in (course, lesson):
        response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        assert response.status_code in (302, 403)
    response = client.get(reverse("wagtailadmin_pages:add_subpage", args=[course.pk]))
    assert response.status_code in (302, 403)
    assert not course.permissions_for_user(stranger).can_edit()


def test_trainer_may_create_a_new_course(client, seeded_courses, trainer_group):
    """Any trainer may start a course in the catalogue; they become responsible for it."""

    catalogue = seeded_courses[0].get_parent()
    trainer = _trainer(trainer_group)
    client.force_login(trainer)
    url = reverse("wagtailadmin_pages:add", args=["courses", "coursepage", catalogue.pk])
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert "responsible_trainers" not in form.fields  # not page content: outside revisions
    data = {
        "title": "Offene Daten in der Kommune",
        "slug": "offene-daten-kommune",
        "teaser": "Grundlagen zu Open Data.",
        "description": (
            '{"blocks":[{"key":"a","type":"unstyled","text":"Open Data.","depth":0,'
            '"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}'
        ),
        "topic": seeded_courses[0].topic_id,
        "level": "einsteiger",
        "duration_minutes": "45",
        "pass_mark": "70",
        "outcomes-TOTAL_FORMS": "1",
        "outcomes-INITIAL_FORMS": "0",
        "outcomes-MIN_NUM_FORMS": "1",
        "outcomes-MAX_NUM_FORMS": "1000",
        "outcomes-0-text": "Sie kennen das Datennutzungsgesetz.",
        "outcomes-0-ORDER": "1",
        "outcomes-0-id": "",
        "outcomes-0-DELETE": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, [
        (f, e) for f, e in response.context["form"].errors.items()
    ] + [response.context["form"].formsets["outcomes"].errors]
    course = CoursePage.objects.get(slug="offene-daten-kommune")
    assert list(course.responsible_trainers.all()) == [trainer]


def test_trainer_cannot_publish_directly(seeded_courses, trainer_group):
    """Publishing is only possible through the four-eyes workflow."""
    trainer = _trainer(trainer_group)
    course = seeded_courses[0]
    course.responsible_trainers.add(trainer)
    course.save()
    assert course.permissions_for_user(trainer).can_edit()
    assert not course.permissions_for_user(trainer).can_publish()


def test_quiz_page_pass_mark_falls_back_to_course(course):
    """A quiz without its own pass mark uses the course's."""
    quiz = quiz_of(course)
    quiz.pass_mark = None
    assert quiz.effective_pass_mark() == course.pass_mark == 70
    assert isinstance(quiz, QuizPage)


def test_workflow_has_second_trainer_task(seeded_courses):
    """The catalogue's workflow really contains the four-eyes approval step."""
    from wagtail.models import Task

    catalogue = seeded_courses[0].get_parent()
    workflow = catalogue.get_workflow()
    assert [
        task.specific.__class__.__name__
        for task in Task.objects.filter(workflow_tasks__workflow=workflow, active=True)
    ] == ["SecondTrainerApprovalTask"]
