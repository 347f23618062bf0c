"""Legal currency of lessons: state dates, structured sources, and changes that flag lessons."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from courses.demo import TRAINER_GROUP
from courses.legal_currency import lessons_flagged_by_change, lessons_to_review
from courses.models import LegalAct, LegalActChange, LessonLegalSource, LessonPage, ModulePage
from courses.services import legal_change_notify_trainers
from tests.courses.fixtures import publish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _lesson(module, slug, *, state, acts):
    lesson = LessonPage(
        title=f"Lektion {slug}",
        slug=slug,
        body=[{"type": "text", "value": "<p>Text.</p>"}],
        state_date=state,
    )
    lesson.legal_sources = [LessonLegalSource(act=act, reference="§ 1") for act in acts]
    module.add_child(instance=lesson)
    publish(lesson)
    return lesson


@pytest.fixture
def acts(db):
    return {
        name: LegalAct.objects.create(abbreviation=name, title=name, kind="federal_law")
        for name in ("GWB", "DSGVO")
    }


@pytest.fixture
def lessons(course, acts):
    module = ModulePage.objects.child_of(course).get()
    return {
        "old_gwb": _lesson(module, "alt-gwb", state=datetime.date(2026, 1, 1), acts=[acts["GWB"]]),
        "dsgvo": _lesson(module, "dsgvo", state=datetime.date(2026, 1, 1), acts=[acts["DSGVO"]]),
        "new_gwb": _lesson(
            module, "neu-gwb", state=datetime.date(2026, 12, 10), acts=[acts["GWB"]]
        ),
    }


def _record_change(acts, *, recorded_on=datetime.date(2026, 12, 2)):
    change = LegalActChange.objects.create(
        title="Reform des GWB", status="announced", recorded_on=recorded_on
    )
    change.acts.set(acts)
    return change


def test_change_flags_exactly_the_lessons_citing_it_checked_before(lessons, acts):
    """A change of the GWB flags the GWB lesson with an older state date, not the DSGVO lesson
    and not the GWB lesson already checked after the change."""
    change = _record_change([acts["GWB"]])
    flagged = list(lessons_flagged_by_change(change))
    assert [lesson.pk for lesson in flagged] == [lessons["old_gwb"].pk]


def test_moving_the_state_date_clears_the_flag(lessons, acts):
    """A trainer who revises the lesson and sets a new state date clears it from the list."""
    _record_change([acts["GWB"]])
    today = datetime.date(2026, 12, 3)
    assert [i.lesson.pk for i in lessons_to_review(today=today)] == [lessons["old_gwb"].pk]
    lesson = lessons["old_gwb"]
    lesson.state_date = datetime.date(2026, 12, 3)
    publish(lesson)
    assert lessons_to_review(today=today) == []


def test_review_date_passed_is_listed_with_reason(lessons):
    """A lesson whose review date has passed is listed as overdue for review."""
    lesson = lessons["dsgvo"]
    lesson.review_by = datetime.date(2026, 11, 30)
    publish(lesson)
    items = lessons_to_review(today=datetime.date(2026, 12, 3))
    assert [(i.lesson.pk, i.review_overdue, i.changes) for i in items] == [(lesson.pk, True, [])]


def test_recording_a_change_mails_the_responsible_trainers_once(
    lessons, acts, trainer, django_capture_on_commit_callbacks
):
    """After the commit, the trainer of the flagged lesson gets one mail naming it; running the
    task again (a retried Celery task) sends nothing more."""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        change = _record_change([acts["GWB"]])
    sent = [m for m in mail.outbox if "Reform des GWB" in m.subject]
    assert len(sent) == 1 and sent[0].to == [trainer.email]
    assert "Lektion alt-gwb" in sent[0].body and "Lektion neu-gwb" not in sent[0].body
    assert legal_change_notify_trainers(change_id=change.pk) == 0
    assert len([m for m in mail.outbox if "Reform des GWB" in m.subject]) == 1


def test_the_change_mail_speaks_the_trainers_language(
    lessons, acts, trainer, django_capture_on_commit_callbacks
):
    """A trainer who chose English gets the mail in English (it used to look for a language
    field the account does not have, and always wrote German)."""
    trainer.preferred_language = "en"
    trainer.save(update_fields=["preferred_language"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _record_change([acts["GWB"]])
    sent = next(m for m in mail.outbox if "Reform des GWB" in m.subject)
    assert sent.subject.startswith("Lessons to review:")


def test_dashboard_lists_flagged_lessons_to_their_trainer_only(client, lessons, acts, trainer):
    """The Wagtail dashboard of the course's trainer lists the flagged lesson; another
    trainer's dashboard does not."""
    group, _ = Group.objects.get_or_create(name=TRAINER_GROUP)
    from django.contrib.auth.models import Permission

    group.permissions.add(Permission.objects.get(codename="access_admin"))
    other = UserFactory(is_staff=True)
    for user in (trainer, other):
        user.groups.add(group)
    _record_change([acts["GWB"]])
    client.force_login(trainer)
    page = client.get("/cms/").content.decode()
    assert "Lektion alt-gwb" in page and "Reform des GWB" in page
    client.force_login(other)
    assert "Lektion alt-gwb" not in client.get("/cms/").content.decode()


def test_lesson_shows_state_sources_and_newer_change(client, lessons, acts):
    """Learners read the state date, the legal basis, and a note that a cited source has
    changed since."""
    _record_change([acts["GWB"]])
    html = client.get(lessons["old_gwb"].url).content.decode()
    assert "Stand: Januar 2026" in html
    assert "Rechtsgrundlagen" in html and "GWB § 1" in html
    assert "Reform des GWB" in html
    html = client.get(lessons["new_gwb"].url).content.decode()
    assert "Stand: Dezember 2026" in html and "Reform des GWB" not in html


def test_seed_lessons_have_state_date_sources_and_flagged_procurement(seeded_courses):
    """Every seeded lesson has a state date in December 2026 and at least one legal source;
    the recorded Vergabebeschleunigungsgesetz flags procurement lessons not yet checked
    against it, and not the ones that were."""
    lessons = list(LessonPage.objects.live())
    assert len(lessons) == 21
    assert all(lesson.state_date.strftime("%Y-%m") == "2026-12" for lesson in lessons)
    assert all(lesson.legal_sources.exists() for lesson in lessons)
    change = LegalActChange.objects.get(title__startswith="Vergabebeschleunigungsgesetz")
    flagged = {lesson.slug for lesson in lessons_flagged_by_change(change)}
    assert "markterkundung" in flagged
    assert "ober-und-unterschwellenbereich" not in flagged
    assert flagged <= {
        "markterkundung",
        "produktneutrale-leistungsbeschreibung",
        "angebote-bewerten-ufab",
    }


def test_trainers_are_told_once_when_a_review_date_passes(course, trainer):
    """A lesson past its review date: one notice (and mail) per responsible trainer; the next
    day's run sends nothing; a new review date notifies again once it has passed."""
    from courses.services import lesson_review_due_notify
    from lms.models import Notification

    today = datetime.date(2027, 3, 1)
    lesson = LessonPage.objects.descendant_of(course).get()
    lesson.review_by = datetime.date(2027, 2, 28)
    publish(lesson)
    fresh = _lesson(course.get_children().first(), "aktuell", state=today, acts=[])
    fresh.review_by = datetime.date(2027, 9, 1)
    publish(fresh)

    assert lesson_review_due_notify(today=today) == 1
    notice = Notification.objects.get(user=trainer, kind="lesson_review_due")
    assert lesson.title in notice.subject and f"/cms/pages/{lesson.pk}/edit/" == notice.url
    assert len(mail.outbox) == 1 and "28.02.2027" in mail.outbox[0].body
    assert lesson_review_due_notify(today=today + datetime.timedelta(days=1)) == 0

    lesson.review_by = datetime.date(2027, 6, 30)
    publish(lesson)
    assert lesson_review_due_notify(today=datetime.date(2027, 7, 1)) == 1
    assert Notification.objects.filter(user=trainer, kind="lesson_review_due").count() == 2
