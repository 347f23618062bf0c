"""Quiz presentation hides solutions; grading is exact and forgiving about formatting."""

import pytest

from courses.quiz import grade, normalise_short_answer, present_questions
from tests.courses.fixtures import quiz_of


def _answers(quiz, picks):
    """Build form answers from option texts: {question index: [option text or typed text]}."""
    answers = {}
    for index, child in enumerate(quiz.questions):
        wanted = picks.get(index, [])
        if child.block_type in ("single_choice", "multiple_choice"):
            ids = [c.id for c in child.value["choices"].bound_blocks if c.value["text"] in wanted]
            answers[child.id] = ids
        else:
            answers[child.id] = wanted
    return answers


def test_grade_all_correct_scores_100(course):
    """Right answers in every question type give 100 %."""
    quiz = quiz_of(course)
    answers = _answers(
        quiz,
        {
            0: ["216.000 Euro"],
            1: ["Funktionale Anforderungen", "Offene Schnittstellen"],
            2: ["false"],
            3: ["Acht "],
        },
    )
    result = grade(quiz.questions, answers)
    assert (result.score_percent, result.correct_count) == (100, 4)


def test_grade_partial_multiple_choice_is_wrong(course):
    """Ticking only some of the correct options does not count as correct."""
    quiz = quiz_of(course)
    result = grade(quiz.questions, _answers(quiz, {1: ["Funktionale Anforderungen"]}))
    assert result.questions[1].correct is False
    assert result.score_percent == 0


def test_grade_unknown_option_ids_do_not_count(course):
    """Forged option ids are ignored and make the answer wrong."""
    quiz = quiz_of(course)
    first = quiz.questions[0]
    right = next(c.id for c in first.value["choices"].bound_blocks if c.value["correct"])
    result = grade(quiz.questions, {first.id: [right, "forged-id"]})
    assert result.questions[0].correct is False


def test_grade_result_carries_solution_and_explanation(course):
    """After submission the learner sees the right answer and why."""
    quiz = quiz_of(course)
    result = grade(quiz.questions, {})
    assert result.questions[0].solution_display == ("216.000 Euro",)
    assert "subzentrale" in result.questions[0].explanation


@pytest.mark.parametrize(
    ("typed", "expected"), [("216.000", "216000"), (" 216 000 ", "216000"), ("Acht", "acht")]
)
def test_short_answer_normalisation(typed, expected):
    """Thousands separators, case and spaces do not matter."""
    assert normalise_short_answer(typed) == expected


def test_present_questions_hide_solutions(course):
    """What the page receives has no 'correct' flag, no accepted answers, no explanation."""
    quiz = quiz_of(course)
    presented = present_questions(quiz.questions)
    text = repr(presented)
    assert "correct" not in text and "acht" not in text.lower() and "subzentrale" not in text


def test_present_questions_shuffle_is_stable_per_seed(course):
    """A reload during an attempt shows the same order; another attempt may differ."""
    quiz = quiz_of(course)
    first = present_questions(quiz.questions, shuffle=True, seed="attempt-1")
    again = present_questions(quiz.questions, shuffle=True, seed="attempt-1")
    assert first == again
    assert sorted(q.id for q in first) == sorted(child.id for child in quiz.questions)
