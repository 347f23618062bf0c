"""One review per course: the author submits every changed page of the course in one go; a
second trainer reads what changed since the published version, page by page, and approves or
rejects the whole once, with one mail each way. Four eyes hold: authors cannot decide, a page
saved again refuses an approval of what the reviewer saw before, approval publishes exactly
the held revisions."""

import pytest
from django.core import mail
from django.urls import reverse

from courses.demo import _seed_trainer_rights
from courses.models import CoursePage, CourseReview, LessonPage, ModulePage
from courses.reviews import course_review_submit, review_fingerprint
from tests.factories import UserFactory


@pytest.fixture
def team(course, trainer, catalogue):
    """The course's responsible trainer (author) and two other trainers (reviewers)."""
    group = _seed_trainer_rights(catalogue)
    trainer.groups.add(group)
    reviewers = []
    for email, name in (("pruefer@koeln.de", "Paula Prüfer"), ("zweit@koeln.de", "Zora Zweit")):
        person = UserFactory(email=email, full_name=name, is_staff=True)
        person.groups.add(group)
        reviewers.append(person)
    return trainer, reviewers


def _draft(page, user, **fields):
    page = type(page).objects.get(pk=page.pk)
    for name, value in fields.items():
        setattr(page, name, value)
    return page.save_revision(user=user)


def _lesson(course):
    return LessonPage.objects.descendant_of(course).get()


def _changed_course(course, author):
    """Three pages changed: the pass mark, a lesson's text and a new lesson (never live)."""
    _draft(course, author, pass_mark=80)
    lesson = _lesson(course)
    _draft(
        lesson,
        author,
        body=[
            {"type": "text", "value": "<p>Oberhalb der EU-Schwellenwerte gilt die VgV 2026.</p>"}
        ],
    )
    module = ModulePage.objects.child_of(course).get()
    new = LessonPage(title="Unterschwellenvergabe", slug="uvgo", live=False)
    module.add_child(instance=new)
    new.save_revision(user=author)
    return lesson, new


def _submit(client, course, author, django_capture_on_commit_callbacks):
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("course_review_submit", args=[course.pk]), {"message": ""})
    assert response.status_code == 302
    return CourseReview.objects.get(course=course, status="open")


def _decide(client, review, user, button, comment="", fingerprint=None):
    client.force_login(user)
    return client.post(
        reverse("course_review_detail", args=[review.pk]),
        {
            button: "1",
            "comment": comment,
            "fingerprint": fingerprint or review_fingerprint(review),
        },
    )


def test_author_submits_the_whole_course_in_one_go_and_reviewers_get_one_mail(
    client, course, team, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://campus.example.org"
    author, reviewers = team
    _changed_course(course, author)
    mail.outbox.clear()
    review = _submit(client, course, author, django_capture_on_commit_callbacks)
    assert sorted(review.items.values_list("page__title", flat=True)) == sorted(
        [course.title, "Schwellenwerte", "Unterschwellenvergabe"]
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in reviewers)
    body = mail.outbox[0].body
    assert settings.SITE_URL + reverse("course_review_detail", args=[review.pk]) in body
    assert "localhost" not in body and "3 changed pages" not in body  # German, with the count
    assert "3 geänderten Seiten" in body
    assert author.email not in {m.to[0] for m in mail.outbox}


def test_reviewer_reads_a_diff_per_page_and_one_labelled_approve_publishes_all(
    client, course, team, django_capture_on_commit_callbacks
):
    author, (reviewer, _other) = team
    lesson, new = _changed_course(course, author)
    review = _submit(client, course, author, django_capture_on_commit_callbacks)
    client.force_login(reviewer)
    html = client.get(reverse("course_review_detail", args=[review.pk])).content.decode()
    assert "VgV 2026" in html and "addition" in html  # the changed text, marked as added
    assert "Bestehensgrenze" in html  # the changed field, by its label
    assert "Zuerst publiziert" not in html and ">Depth<" not in html  # no tree bookkeeping
    assert "Kurs freigeben und veröffentlichen" in html  # a labelled button, not a menu
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _decide(client, review, reviewer, "approve")
    assert response.status_code == 302
    assert CoursePage.objects.get(pk=course.pk).pass_mark == 80
    assert "VgV 2026" in str(LessonPage.objects.get(pk=lesson.pk).body)
    assert LessonPage.objects.get(pk=new.pk).live
    review.refresh_from_db()
    assert review.status == "approved" and review.decided_by == reviewer
    assert [m.to for m in mail.outbox] == [[author.email]]  # one mail, to the author


def test_an_author_cannot_decide_and_sees_no_buttons(
    client, course, team, django_capture_on_commit_callbacks
):
    author, _reviewers = team
    _changed_course(course, author)
    review = _submit(client, course, author, django_capture_on_commit_callbacks)
    html = client.get(reverse("course_review_detail", args=[review.pk])).content.decode()
    assert "Kurs freigeben und veröffentlichen" not in html
    refused = _decide(client, review, author, "approve")  # Wagtail's admin: back to its home
    assert refused.status_code in (302, 403) and refused.get("Location", "/cms/") == "/cms/"
    assert CoursePage.objects.get(pk=course.pk).pass_mark != 80


def test_a_page_saved_after_opening_refuses_the_approval_and_makes_its_author_an_author(
    client, course, team, django_capture_on_commit_callbacks
):
    """The reported "newer draft published" case: what is approved is what was seen."""
    author, (reviewer, co_author) = team
    lesson, _new = _changed_course(course, author)
    review = _submit(client, course, author, django_capture_on_commit_callbacks)
    seen = review_fingerprint(review)
    course.responsible_trainers.add(co_author)
    _draft(lesson, co_author, body=[{"type": "text", "value": "<p>Ungeprüft: 1 %.</p>"}])
    response = _decide(client, review, reviewer, "approve", fingerprint=seen)
    assert response.status_code == 400
    assert "nach dem Öffnen" in response.content.decode()
    assert f'value="{review_fingerprint(review)}"' in response.content.decode()  # decide again
    assert "Ungeprüft" not in str(LessonPage.objects.get(pk=lesson.pk).body)
    # Who saved during the review may not approve it; the reviewer may, after reading again.
    refused = _decide(client, review, co_author, "approve")
    assert refused.status_code in (302, 403) and refused.get("Location", "/cms/") == "/cms/"
    assert "Ungeprüft" not in str(LessonPage.objects.get(pk=lesson.pk).body)
    approved = _decide(client, review, reviewer, "approve")
    assert approved["Location"] == reverse("course_review_detail", args=[review.pk])
    assert "Ungeprüft" in str(LessonPage.objects.get(pk=lesson.pk).body)


def test_rejecting_needs_a_comment_and_publishes_nothing(
    client, course, team, django_capture_on_commit_callbacks
):
    author, (reviewer, _other) = team
    _changed_course(course, author)
    review = _submit(client, course, author, django_capture_on_commit_callbacks)
    response = _decide(client, review, reviewer, "reject", comment="  ")
    assert response.status_code == 400 and "was geändert werden soll" in response.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _decide(client, review, reviewer, "reject", comment="Quelle zur VgV fehlt.")
    review.refresh_from_db()
    assert review.status == "rejected"
    assert CoursePage.objects.get(pk=course.pk).pass_mark != 80
    assert [m.to for m in mail.outbox] == [[author.email]]
    assert "Quelle zur VgV fehlt." in mail.outbox[0].body


def test_only_trainers_and_the_author_see_reviews_and_only_the_responsible_submit(
    client, course, team, learner_a, django_capture_on_commit_callbacks
):
    author, (reviewer, _other) = team
    _changed_course(course, author)
    review = _submit(client, course, author, django_capture_on_commit_callbacks)
    client.force_login(reviewer)  # a trainer, not responsible for this course
    assert client.get(reverse("course_review_submit", args=[course.pk])).status_code == 404
    learner_a.is_staff = True  # even with admin access
    learner_a.save()
    client.force_login(learner_a)
    for url in (
        reverse("course_review_detail", args=[review.pk]),
        reverse("course_review_list"),
        reverse("course_review_submit", args=[course.pk]),
    ):
        assert client.get(url).status_code in (302, 403, 404), url


def test_nothing_to_submit_says_so(client, course, team):
    author, _reviewers = team
    client.force_login(author)
    response = client.get(reverse("course_review_submit", args=[course.pk]))
    assert "Nichts zu prüfen" in response.content.decode()
    with pytest.raises(Exception, match="Nothing to review|Nichts zu prüfen"):
        course_review_submit(course=course, user=author)


def test_review_list_query_count_does_not_grow(
    client, course, team, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    author, (reviewer, _other) = team
    _changed_course(course, author)
    _submit(client, course, author, django_capture_on_commit_callbacks)
    client.force_login(reviewer)
    client.get(reverse("course_review_list"))  # warm the admin's caches
    with django_assert_max_num_queries(25) as first:
        client.get(reverse("course_review_list"))
    for _ in range(5):
        CourseReview.objects.create(course=course, submitted_by=author, status="rejected")
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(reverse("course_review_list")).status_code == 200


def test_a_co_author_of_an_earlier_draft_cannot_approve_either(
    client, course, team, django_capture_on_commit_callbacks
):
    """The diff shows every unpublished revision since the live one, so whoever wrote any of
    them is an author, even when someone else saved the latest and submitted."""
    author, (co_author, reviewer) = team
    course.responsible_trainers.add(co_author)
    _draft(course, co_author, pass_mark=60)  # the co-author's draft first …
    _draft(course, author, pass_mark=80)  # … then the author's, who submits
    review = _submit(client, course, author, django_capture_on_commit_callbacks)
    refused = _decide(client, review, co_author, "approve")
    assert refused.status_code in (302, 403) and refused.get("Location", "/cms/") == "/cms/"
    assert CoursePage.objects.get(pk=course.pk).pass_mark not in (60, 80)
    assert _decide(client, review, reviewer, "approve").status_code == 302
    assert CoursePage.objects.get(pk=course.pk).pass_mark == 80
