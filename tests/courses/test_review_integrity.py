"""Four-eyes review that cannot be bypassed: the reviewer cannot edit, an author cannot
approve, approval publishes exactly the revision that was reviewed, and a newer draft restarts
the review."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from courses.models import CoursePage
from tests.factories import UserFactory


@pytest.fixture
def trainers(seeded_courses):
    group = Group.objects.get(name="Trainer")
    course = seeded_courses[0]

    def trainer(email):
        user = UserFactory(is_staff=True, email=email)
        user.groups.add(group)
        return user

    author, reviewer, co_author = (
        trainer("autorin@bonn.de"),
        trainer("pruefer@koeln.de"),
        trainer("mitautor@bonn.de"),
    )
    course.responsible_trainers.add(author, co_author)
    return course, author, reviewer, co_author


def _submit(course, author, pass_mark):
    page = CoursePage.objects.get(pk=course.pk)
    page.pass_mark = pass_mark
    revision = page.save_revision(user=author)
    page.get_workflow().start(page, author)
    return revision


def _approve(client, course, user, task_state):
    url = reverse("wagtailadmin_pages:workflow_action", args=[course.pk, "approve", task_state.pk])
    return client.post(url, {})


def _live_pass_mark(course):
    return CoursePage.objects.get(pk=course.pk).pass_mark


def test_reviewer_cannot_open_the_editor_nor_change_and_approve(client, trainers):
    """The reported bypass: a second trainer opened the editor, set the pass mark to 1 % and
    approved in one request. Now the editor is closed to her and nothing changes."""
    course, author, reviewer, _co = trainers
    live_before = _live_pass_mark(course)
    _submit(course, author, pass_mark=80)
    client.force_login(reviewer)
    edit_url = reverse("wagtailadmin_pages:edit", args=[course.pk])
    assert client.get(edit_url).status_code in (302, 403)
    client.post(
        edit_url,
        {
            "title": course.title,
            "pass_mark": 1,
            "action-workflow-action": "1",
            "workflow-action-name": "approve",
        },
    )
    assert _live_pass_mark(course) == live_before
    assert not course.permissions_for_user(reviewer).can_edit()


def test_reviewer_approves_exactly_the_submitted_revision(client, trainers):
    course, author, reviewer, _co = trainers
    _submit(course, author, pass_mark=80)
    task_state = CoursePage.objects.get(pk=course.pk).current_workflow_state.current_task_state
    client.force_login(reviewer)
    assert _approve(client, course, reviewer, task_state).status_code in (200, 302)
    assert _live_pass_mark(course) == 80


def test_newer_draft_restarts_the_review_and_the_old_approval_is_refused(client, trainers):
    """The reported case: the author saved a newer draft after submitting, and approval
    published that unreviewed draft."""
    course, author, reviewer, _co = trainers
    live_before = _live_pass_mark(course)
    _submit(course, author, pass_mark=80)
    page = CoursePage.objects.get(pk=course.pk)
    reviewed = page.current_workflow_state.current_task_state
    page.pass_mark = 5
    newer = page.save_revision(user=author)
    reviewed.refresh_from_db()
    assert reviewed.status == reviewed.STATUS_CANCELLED
    client.force_login(reviewer)
    response = _approve(client, course, reviewer, reviewed)
    assert response.status_code in (302, 403)
    assert _live_pass_mark(course) == live_before
    restarted = CoursePage.objects.get(pk=course.pk).current_workflow_state.current_task_state
    assert restarted.revision_id == newer.pk and restarted.status == restarted.STATUS_IN_PROGRESS


def test_nobody_who_authored_the_change_may_approve(client, trainers):
    """Neither the submitter nor a co-author who saved a revision during the review sees the
    approve action or can post it."""
    course, author, reviewer, co_author = trainers
    _submit(course, author, pass_mark=80)
    page = CoursePage.objects.get(pk=course.pk)
    page.pass_mark = 85
    page.save_revision(user=co_author)
    page = CoursePage.objects.get(pk=course.pk)
    task_state = page.current_workflow_state.current_task_state
    task = task_state.task.specific
    for person in (author, co_author):
        assert task.get_actions(page, person) == []
        client.force_login(person)
        assert _approve(client, course, person, task_state).status_code in (302, 403)
        assert _live_pass_mark(course) != 85
    assert [name for name, *_ in task.get_actions(page, reviewer)] == [
        "reject",
        "approve",
        "approve",
    ]
    client.force_login(reviewer)
    _approve(client, course, reviewer, task_state)
    assert _live_pass_mark(course) == 85


def test_a_review_request_and_its_decision_reach_the_notifications(client, trainers):
    """The other trainers see the request in their notification centre (not the author), and
    the author sees the decision."""
    from lms.models import Notification

    course, author, reviewer, _co = trainers
    _submit(course, author, pass_mark=80)
    requested = Notification.objects.filter(kind=Notification.Kind.REVIEW)
    assert reviewer.pk in set(requested.values_list("user_id", flat=True))
    assert not requested.filter(user=author).exists()
    notice = requested.get(user=reviewer)
    assert course.title in notice.subject and f"/cms/pages/{course.pk}/edit/" == notice.url
    task_state = CoursePage.objects.get(pk=course.pk).current_workflow_state.current_task_state
    client.force_login(reviewer)
    _approve(client, course, reviewer, task_state)
    decided = Notification.objects.get(user=author, kind=Notification.Kind.REVIEW)
    assert decided.subject.startswith("Prüfung bestanden und veröffentlicht")
