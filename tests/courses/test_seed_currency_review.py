"""The December 2026 currency review of the seed curriculum, read as a learner reads it."""

import re

import pytest

from courses.models import LessonPage, QuizPage

pytestmark = pytest.mark.django_db


def _text(client, slug):
    html = client.get(LessonPage.objects.get(slug=slug).url).content.decode()
    return re.sub(r"\s+", " ", html)


def test_first_procurement_lesson_states_reform_status_and_all_thresholds(client, seeded_courses):
    """A procurement officer learns the reform's status (with its printed paper and where to
    check), the thresholds for Stadtwerke and special services, and how long they hold."""
    text = _text(client, "ober-und-unterschwellenbereich")
    assert "21/1934" in text and "Stand prüfen" in text
    assert "432.000 Euro" in text and "Sektorenauftraggebern" in text
    assert "750.000 Euro" in text
    assert "31. Dezember 2027" in text
    assert "§ 8 UVgO" in text and "§ 14 UVgO" in text and "15.000 Euro" in text


def test_every_seed_lesson_shows_its_state_and_legal_basis(client, seeded_courses):
    """Each of the 21 lessons shows "Stand: Dezember 2026" and its legal bases."""
    for lesson in LessonPage.objects.live():
        html = client.get(lesson.url).content.decode()
        assert "Stand: Dezember 2026" in html, lesson.slug
        assert "Rechtsgrundlagen" in html, lesson.slug


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("registermodernisierung-once-only", ["31. August 2023", "bis Ende 2028"]),
        ("ozg-und-ozg-2-0", ["im Einvernehmen mit dem IT-Planungsrat", "1. Januar 2029"]),
        (
            "zusammenarbeit-it-dienstleister",
            ["keine direkte private Kapitalbeteiligung", "Grundschutz++", "6. Dezember 2025"],
        ),
        ("open-data-dcat-ap-de", ["26. Sitzung", "FITKO"]),
        ("open-data-recht", ["2022/868", "24. September 2023", "COM(2025) 837"]),
        ("evb-it-vertragstypen", ["Bundesministerium für Digitales und Staatsmodernisierung"]),
    ],
)
def test_reviewed_facts_are_in_the_lessons(client, seeded_courses, slug, expected):
    """The corrections of the review reach the learner's page."""
    text = _text(client, slug)
    for fact in expected:
        assert fact in text, fact
    assert "mit Zustimmung des IT-Planungsrats" not in text


def test_open_data_question_says_in_principle(seeded_courses):
    """The quiz statement on personal data as open data is qualified, not absolute."""
    questions = [
        block.value["question"]
        for quiz in QuizPage.objects.all()
        for block in quiz.questions
        if "Open Data" in block.value["question"]
    ]
    assert any("grundsätzlich nicht" in q and "Rechtsvorschrift" in q for q in questions)
    assert not any("dürfen nicht als Open Data" in q for q in questions)
