"""Fixtures for course tests: a small published course built with ``add_child``."""

import pytest
from wagtail.models import Site

from courses.demo import catalogue_page, seed_courses
from courses.models import CourseOutcome, CoursePage, LessonPage, ModulePage, QuizPage, Topic
from courses.quiz import question_data_with_ids
from lms.models import User
from tests.factories import UserFactory

QUESTIONS = [
    {
        "type": "single_choice",
        "value": {
            "question": "Ab welchem Wert gilt der EU-Schwellenwert für Lieferungen?",
            "choices": [
                {"text": "216.000 Euro", "correct": True},
                {"text": "25.000 Euro", "correct": False},
                {"text": "1.000 Euro", "correct": False},
            ],
            "explanation": "Für subzentrale Auftraggeber 2026/2027.",
        },
    },
    {
        "type": "multiple_choice",
        "value": {
            "question": "Was gehört in eine herstellerneutrale Leistungsbeschreibung?",
            "choices": [
                {"text": "Funktionale Anforderungen", "correct": True},
                {"text": "Offene Schnittstellen", "correct": True},
                {"text": "Ein bestimmtes Markenprodukt", "correct": False},
            ],
            "explanation": "§ 31 Abs. 6 VgV.",
        },
    },
    {
        "type": "true_false",
        "value": {
            "question": "Das DNG begründet einen Anspruch auf Zugang zu Daten.",
            "correct": False,
            "explanation": "§ 1 Abs. 2 DNG.",
        },
    },
    {
        "type": "short_answer",
        "value": {
            "question": "Wie viele Ziffern hat ein Amtlicher Gemeindeschlüssel?",
            "accepted_answers": ["8", "acht"],
            "explanation": "Land, Regierungsbezirk, Kreis, Gemeinde.",
        },
    },
]


def publish(page):
    page.save_revision().publish()
    return page


@pytest.fixture
def topic(db):
    return Topic.objects.get_or_create(slug="it-beschaffung", defaults={"name": "IT-Beschaffung"})[
        0
    ]


@pytest.fixture
def catalogue(db):
    return catalogue_page()


@pytest.fixture
def trainer(db):
    return UserFactory(full_name="Trainer Eins", is_staff=True)


@pytest.fixture
def course(catalogue, topic, trainer):
    course = CoursePage(
        title="Vergabe kompakt",
        slug="vergabe-kompakt",
        teaser="Die Grundlagen des Vergaberechts.",
        topic=topic,
        level="einsteiger",
        duration_minutes=60,
    )
    course.outcomes = [CourseOutcome(text="Sie können Schwellenwerte einordnen.")]
    catalogue.add_child(instance=course)
    course.responsible_trainers.set([trainer])
    publish(course)
    module = ModulePage(title="Grundlagen", slug="grundlagen")
    course.add_child(instance=module)
    publish(module)
    lesson = LessonPage(
        title="Schwellenwerte",
        slug="schwellenwerte",
        body=[{"type": "text", "value": "<p>Oberhalb der EU-Schwellenwerte gilt die VgV.</p>"}],
    )
    module.add_child(instance=lesson)
    publish(lesson)
    quiz = QuizPage(
        title="Abschlusstest",
        slug="abschlusstest",
        questions=question_data_with_ids(QUESTIONS, "tests/abschlusstest"),
    )
    module.add_child(instance=quiz)
    publish(quiz)
    return course


@pytest.fixture
def seeded_courses(db):
    """The real seed curriculum, as ``seed_demo`` publishes it."""
    trainer = UserFactory(email="trainer@example.org", full_name="Trainer Seed")
    assert Site.objects.filter(is_default_site=True).exists()
    return seed_courses(trainers=[trainer], job_profiles_by_name={})


def quiz_of(course) -> QuizPage:
    return QuizPage.objects.descendant_of(course).get()


__all__ = ["QUESTIONS", "User", "publish", "quiz_of"]
