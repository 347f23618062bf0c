"""Quizzes on several pages: answers saved on every page change, nothing lost, nothing forged."""

import pytest
from django.urls import reverse

from lms.models import QuizAttempt
from tests.factories import UserFactory
from tests.lms.learning_helpers import answers_for, page_form, quiz_of, start_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def paged_quiz(enrolment):
    """The course's four-question quiz shown two questions per page."""
    quiz = quiz_of(enrolment.course)
    quiz.questions_per_page = 2
    quiz.save_revision().publish()
    return quiz


def test_paged_quiz_saves_each_page_and_grades_all(client, enrolment, paged_quiz):
    """Page 1 is saved when moving on, shown again with its answers when going back, and the
    submit on the last page grades all four answers: a full score."""
    client.force_login(enrolment.user)
    attempt = start_attempt(client, paged_quiz)
    html = client.get(paged_quiz.url).content.decode()
    assert "Seite 1 von 2" in html and "Speichern und weiter" in html
    ids = [child.id for child in paged_quiz.questions]
    assert f'name="q-{ids[0]}"' in html and f'name="q-{ids[2]}"' not in html
    right = answers_for(paged_quiz, correct=True)

    response = client.post(
        reverse("learning_quiz_page", args=[attempt.pk]),
        page_form(right, ids[:2], page=1, target=2),
        HTTP_HX_REQUEST="true",
    )
    fragment = response.content.decode()
    assert response.status_code == 200 and "Seite 2 von 2" in fragment
    assert "Frage 3" in fragment and "Antworten abgeben" in fragment
    attempt.refresh_from_db()
    assert set(attempt.answers) == set(ids[:2])

    back = client.post(
        reverse("learning_quiz_page", args=[attempt.pk]),
        page_form(right, ids[2:], page=2, target=1),
    )
    assert back.status_code == 302 and back["Location"].endswith("?seite=1#quiz-form")
    page_one = client.get(paged_quiz.url + "?seite=1").content.decode()
    assert f'value="{right[ids[0]][0]}" checked' in page_one

    client.post(
        reverse("learning_quiz_submit", args=[attempt.pk]),
        page_form(right, ids[2:], page=2),
    )
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.SUBMITTED
    assert attempt.score_percent == 100 and set(attempt.answers) == set(ids)


def test_page_save_ignores_answers_to_other_pages(client, enrolment, paged_quiz):
    """A forged page save that also answers page 2's questions stores only page 1's."""
    client.force_login(enrolment.user)
    attempt = start_attempt(client, paged_quiz)
    ids = [child.id for child in paged_quiz.questions]
    right = answers_for(paged_quiz, correct=True)
    client.post(
        reverse("learning_quiz_page", args=[attempt.pk]),
        page_form(right, ids, page=1, target=2),
    )
    attempt.refresh_from_db()
    assert set(attempt.answers) == set(ids[:2])


def test_unticking_an_answer_on_a_page_clears_it(client, enrolment, paged_quiz):
    """Sending page 1 again without an answer removes the one saved before."""
    client.force_login(enrolment.user)
    attempt = start_attempt(client, paged_quiz)
    ids = [child.id for child in paged_quiz.questions]
    right = answers_for(paged_quiz, correct=True)
    url = reverse("learning_quiz_page", args=[attempt.pk])
    client.post(url, page_form(right, ids[:2], page=1, target=2))
    client.post(url, page_form(right, ids[:1], page=1, target=2))
    attempt.refresh_from_db()
    assert set(attempt.answers) == {ids[0]}


def test_page_save_of_closed_or_foreign_attempt_is_refused(client, enrolment, paged_quiz):
    """Saving into a submitted attempt is 409; into someone else's attempt 404."""
    client.force_login(enrolment.user)
    attempt = start_attempt(client, paged_quiz)
    ids = [child.id for child in paged_quiz.questions]
    right = answers_for(paged_quiz, correct=True)
    client.post(
        reverse("learning_quiz_submit", args=[attempt.pk]),
        {f"q-{qid}": right[qid] for qid in ids},
    )
    url = reverse("learning_quiz_page", args=[attempt.pk])
    response = client.post(url, page_form(right, ids[:2], page=1, target=2))
    assert response.status_code == 409

    client.force_login(UserFactory())
    assert client.post(url, {"seite": "1", "ziel": "2"}).status_code == 404
