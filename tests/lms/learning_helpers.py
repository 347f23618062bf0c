"""Helpers that act like a learner: find lessons of a course and build right or wrong answers."""

from courses.models import LessonPage, QuizPage


def lessons_of(course):
    return list(LessonPage.objects.live().descendant_of(course).order_by("path"))


def quiz_of(course):
    return QuizPage.objects.live().descendant_of(course).get()


def answers_for(quiz, *, correct: bool) -> dict:
    """Answers as the form sends them: question id -> list of option ids / typed text."""
    answers = {}
    for child in quiz.questions:
        value = child.value
        if child.block_type in ("single_choice", "multiple_choice"):
            options = value["choices"].bound_blocks
            answers[child.id] = [o.id for o in options if o.value["correct"] == correct]
        elif child.block_type == "true_false":
            answers[child.id] = [str(value["correct"] == correct).lower()]
        else:
            answers[child.id] = [value["accepted_answers"][0] if correct else "falsch"]
    return answers
