"""Exam integrity: a retry is a different test, answers are withheld until they may be shown,
the result follows the attempt, unanswered questions are confirmed, short answers are read as
a person writes them, and a passed exam leads to the certificate."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from courses.quiz import QuestionResult, grade, normalise_short_answer
from lms.models import QuizAttempt
from lms.services import learning as svc
from tests.courses.fixtures import publish
from tests.lms.learning_helpers import answers_for, lessons_of, quiz_of

pytestmark = pytest.mark.django_db


def _form(answers, **extra):
    return {**{f"q-{qid}": values for qid, values in answers.items()}, **extra}


def _pooled(quiz, *, per_pool=1, copies=3):
    """Give every question a pool of its own type and add copies, so each pool holds
    ``copies`` + 1 questions and an attempt draws ``per_pool`` from each."""
    from courses.quiz import question_data_with_ids

    raw = []
    for n, child in enumerate(quiz.questions.raw_data):
        for copy in range(copies + 1):
            value = dict(child["value"])
            value["pool"] = child["type"]
            value["question"] = f"{value['question']} (Variante {copy})"
            if "choices" in value:
                value["choices"] = [item["value"] for item in value["choices"]]
            if "accepted_answers" in value:
                value["accepted_answers"] = [item["value"] for item in value["accepted_answers"]]
            raw.append({"type": child["type"], "value": value})
        del n
    quiz.questions = question_data_with_ids(raw, f"tests/pooled/{quiz.pk}")
    quiz.questions_per_pool = per_pool
    quiz.attempt_limit = 5
    publish(quiz)
    return quiz


@pytest.fixture
def pooled(enrolment):
    return _pooled(quiz_of(enrolment.course))


def test_retry_draws_other_questions_and_stores_the_draw(enrolment, pooled):
    """Each attempt stores its own draw of one question per pool; the next attempt asks
    different questions (a blank first attempt no longer teaches the second)."""
    first = svc.quiz_attempt_start(enrolment=enrolment, quiz=pooled)
    assert len(first.question_ids) == 4
    svc.quiz_attempt_submit(attempt=first, answers={})
    draws = {tuple(sorted(first.question_ids))}
    for _ in range(3):
        attempt = svc.quiz_attempt_start(enrolment=enrolment, quiz=pooled)
        assert len(attempt.question_ids) == 4
        draws.add(tuple(sorted(attempt.question_ids)))
        svc.quiz_attempt_submit(attempt=attempt, answers={})
    assert len(draws) > 1
    stored = QuizAttempt.objects.filter(enrolment=enrolment).values_list("question_ids", flat=True)
    assert all(len(ids) == 4 for ids in stored)


def test_grading_counts_only_the_drawn_questions(enrolment, pooled):
    """Answering the drawn questions right is 100 %, whatever the rest of the bank holds."""
    attempt = svc.quiz_attempt_start(enrolment=enrolment, quiz=pooled)
    right = answers_for(pooled, correct=True)
    attempt = svc.quiz_attempt_submit(
        attempt=attempt, answers={qid: right[qid] for qid in attempt.question_ids}
    )
    assert attempt.score_percent == 100 and attempt.passed


def test_attempt_form_and_result_follow_the_attempts_order(client, enrolment):
    """With shuffling on, the result lists the questions in the order the attempt showed."""
    quiz = quiz_of(enrolment.course)
    quiz.shuffle = True
    publish(quiz)
    client.force_login(enrolment.user)
    for _ in range(3):
        attempt = svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz)
        texts = {child.id: child.value["question"] for child in quiz.questions}
        shown = client.get(quiz.url).content.decode()
        order_shown = sorted(texts, key=lambda qid: shown.index(texts[qid]))
        assert order_shown == attempt.question_ids
        client.post(
            reverse("learning_quiz_submit", args=[attempt.pk]),
            _form(answers_for(quiz, correct=False)),
        )
        result = client.get(reverse("learning_attempt_result", args=[attempt.pk])).content.decode()
        assert sorted(texts, key=lambda qid: result.index(texts[qid])) == attempt.question_ids


def test_unanswered_questions_are_listed_before_submitting(client, enrolment):
    """Without JavaScript: a submit with two unanswered questions keeps the attempt open,
    saves the answers given and names the questions; "submit anyway" then grades it."""
    client.force_login(enrolment.user)
    quiz = quiz_of(enrolment.course)
    attempt = svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz)
    answers = answers_for(quiz, correct=True)
    partial = {qid: answers[qid] for qid in attempt.question_ids[:2]}
    response = client.post(reverse("learning_quiz_submit", args=[attempt.pk]), _form(partial))
    assert response.status_code == 302 and "abgabe=1" in response["Location"]
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.IN_PROGRESS
    assert set(attempt.answers) == set(partial)
    page = client.get(response["Location"]).content.decode()
    assert "2 Fragen sind noch nicht beantwortet: 3, 4" in page
    assert 'name="bestaetigt"' in page
    client.post(reverse("learning_quiz_submit", args=[attempt.pk]), _form(partial, bestaetigt="1"))
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.SUBMITTED and attempt.score_percent == 50


def test_unanswered_confirmation_with_htmx_keeps_the_form(client, enrolment):
    """With htmx the form comes back in place with the warning; nothing is graded yet."""
    client.force_login(enrolment.user)
    quiz = quiz_of(enrolment.course)
    attempt = svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz)
    response = client.post(
        reverse("learning_quiz_submit", args=[attempt.pk]), {}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "4 Fragen sind noch nicht beantwortet" in html and 'role="alert"' in html
    for child in quiz.questions:
        assert child.value["explanation"] not in html


@pytest.mark.parametrize(
    ("typed", "accepted", "right"),
    [
        ("Once-Only-Prinzip.", "Once-Only-Prinzip", True),
        ("once only prinzip", "Once-Only-Prinzip", True),
        ("„Once–Only–Prinzip“", "Once-Only-Prinzip", True),
        ("Maßnahme", "Massnahme", True),
        ("ＶｇＶ", "VgV", True),
        ("216.000 Euro!", "216.000 Euro", True),
        ("216.000", "216000", True),
        ("Once-Only", "Once-Only-Prinzip", False),
    ],
)
def test_short_answers_are_read_as_a_person_writes(typed, accepted, right):
    """Unicode forms, case, ß/ss, hyphens or spaces and surrounding punctuation do not matter;
    a different answer still does."""
    assert (normalise_short_answer(typed) == normalise_short_answer(accepted)) is right


def test_short_answer_with_full_stop_is_graded_right(enrolment):
    """The grader accepts "Once-Only-Prinzip." for "Once-Only-Prinzip"."""

    class Child:
        id = "q1"
        block_type = "short_answer"
        value = {
            "question": "Prinzip?",
            "accepted_answers": ["Once-Only-Prinzip"],
            "explanation": "",
        }

    result = grade([Child()], {"q1": ["Once-Only-Prinzip."]})
    assert isinstance(result.questions[0], QuestionResult) and result.questions[0].correct


def test_passed_result_links_to_the_certificate(client, enrolment):
    """After passing the final quiz the result page leads to the certificate."""
    client.force_login(enrolment.user)
    for lesson in lessons_of(enrolment.course):
        svc.lesson_complete(enrolment=enrolment, lesson=lesson)
    quiz = quiz_of(enrolment.course)
    attempt = svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz)
    svc.quiz_attempt_submit(attempt=attempt, answers=answers_for(quiz, correct=True))
    html = client.get(reverse("learning_attempt_result", args=[attempt.pk])).content.decode()
    assert reverse("certificate_list") in html and "Zu Ihrem Zertifikat" in html


def test_trainer_is_warned_when_a_pool_is_too_small(enrolment):
    """Drawing as many questions as a pool holds would repeat the test: publishing is refused
    with a message naming the pools."""
    with pytest.raises(ValidationError) as error:
        _pooled(quiz_of(enrolment.course), per_pool=1, copies=0)
    assert "single_choice" in str(error.value) and "questions_per_pool" in str(error.value)


def test_empty_text_field_counts_as_unanswered(client, enrolment):
    """A short-answer field left empty (the browser still sends it) is unanswered."""
    client.force_login(enrolment.user)
    quiz = quiz_of(enrolment.course)
    attempt = svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz)
    answers = answers_for(quiz, correct=True)
    short = next(c.id for c in quiz.questions if c.block_type == "short_answer")
    answers[short] = [""]
    response = client.post(reverse("learning_quiz_submit", args=[attempt.pk]), _form(answers))
    page = client.get(response["Location"]).content.decode()
    number = attempt.question_ids.index(short) + 1
    assert f"1 Frage ist noch nicht beantwortet: {number}" in page
