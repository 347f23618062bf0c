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


def start_attempt(client, quiz):
    """Press "Quiz starten"; the (only) attempt."""
    from django.urls import reverse

    from lms.models import QuizAttempt

    client.post(reverse("learning_quiz_start", args=[quiz.pk]))
    return QuizAttempt.objects.get()


def page_form(answers, ids, *, page, target=None, confirmed=False) -> dict:
    """The POST of one quiz page: its answers, the page number, where to go, "submit anyway"."""
    data = {"seite": str(page)}
    if target:
        data["ziel"] = str(target)
    if confirmed:
        data["bestaetigt"] = "1"
    data.update({f"q-{qid}": answers[qid] for qid in ids})
    return data
