"""Each kind of personal data goes after its retention period, by the nightly task; what is
younger stays; leavers are erased; the task logs what it deleted and can run again."""

import datetime as dt
import logging

import pytest
from axes.models import AccessAttempt, AccessLog
from django.utils import timezone

from lms.models import AccessibilityFeedback, AuditEvent, LearningStatement, Membership, User
from lms.services.retention import retention_enforce
from lms.tasks import retention_enforce_task
from tests.factories import UserFactory, make_member

NOW = timezone.make_aware(dt.datetime(2026, 12, 3, 3, 0))


def _days_ago(days):
    return NOW - dt.timedelta(days=days)


@pytest.fixture
def aged_rows(amt_a):
    person = make_member(amt_a, full_name="Lena Lang", email="lena@bonn.de")
    for days in (91, 10):
        AccessLog.objects.create(
            username="lena@bonn.de", ip_address="198.51.100.7", user_agent=f"Firefox {days}"
        )
        AccessAttempt.objects.create(
            username="lena@bonn.de",
            ip_address="198.51.100.7",
            user_agent=f"Firefox {days}",
            failures_since_start=1,
            get_data="",
            post_data="",
        )
    # attempt_time is set on creation (auto_now_add): age the rows afterwards
    for model in (AccessLog, AccessAttempt):
        for days in (91, 10):
            model.objects.filter(user_agent=f"Firefox {days}").update(attempt_time=_days_ago(days))
    for days in (731, 30):
        AuditEvent.objects.create(
            action="viewed_employee", subject=person, timestamp=_days_ago(days)
        )
        AccessibilityFeedback.objects.create(message="Kontrast", created_at=_days_ago(days))
    for days in (1826, 100):
        LearningStatement.objects.create(
            actor=person,
            verb="completed",
            object_id="x",
            object_name="Lektion",
            timestamp=_days_ago(days),
        )
    return person


def test_old_rows_go_and_young_rows_stay(aged_rows, caplog):
    with caplog.at_level(logging.INFO, logger="lms.services.retention"):
        deleted = retention_enforce(now=NOW)
    assert deleted["login_logs"] == 2 and deleted["audit_log"] == 1
    assert deleted["learning_statements"] == 1 and deleted["accessibility_feedback"] == 1
    assert AccessLog.objects.count() == 1 and AccessAttempt.objects.count() == 1
    assert AuditEvent.objects.count() == 1 and AccessibilityFeedback.objects.count() == 1
    assert LearningStatement.objects.count() == 1
    assert "Retention: deleted 2 login_logs older than 90 days" in caplog.text
    again = retention_enforce(now=NOW)
    assert set(again.values()) == {0}


def test_leavers_are_erased_after_a_year_without_sign_in(amt_a):
    """Someone who left every organisation and has not signed in for a year is erased; a
    member, a trainer (group) and someone who left recently stay."""
    from django.contrib.auth.models import Group

    left_long_ago = UserFactory(
        full_name="Alt Ausgeschieden", email="alt@bonn.de", last_login=_days_ago(400)
    )
    UserFactory(email="neu@bonn.de", last_login=_days_ago(30))
    trainer = UserFactory(email="trainerin@bonn.de", last_login=_days_ago(400))
    trainer.groups.add(Group.objects.create(name="Trainer"))
    member = make_member(amt_a, email="aktiv@bonn.de")
    User.objects.filter(pk=member.pk).update(last_login=_days_ago(400))
    deleted = retention_enforce(now=NOW)
    assert deleted["leavers"] == 1
    left_long_ago.refresh_from_db()
    assert left_long_ago.full_name == "Gelöschte Person" and not left_long_ago.is_active
    assert (
        User.objects.filter(email__in=["neu@bonn.de", "trainerin@bonn.de", "aktiv@bonn.de"]).count()
        == 3
    )
    assert Membership.objects.filter(user=member).exists()
    assert AuditEvent.objects.get(action="erased").actor is None
    assert retention_enforce(now=NOW)["leavers"] == 0


def test_retention_can_be_switched_off_per_kind(aged_rows, settings):
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "login_logs": 0}
    deleted = retention_enforce(now=NOW)
    assert "login_logs" not in deleted and AccessLog.objects.count() == 2


def test_nightly_task_is_scheduled_and_runs(settings, db):
    assert settings.CELERY_BEAT_SCHEDULE["retention-enforce"]["task"] == "lms.retention_enforce"
    assert isinstance(retention_enforce_task.delay().get(), dict)
