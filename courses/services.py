"""Writes for course content that are not page edits: telling trainers about legal changes."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .legal_currency import courses_of_lessons, lessons_flagged_by_change
from .models import LegalActChange, LessonPage

logger = logging.getLogger(__name__)


@transaction.atomic
def legal_change_notify_trainers(*, change_id: int) -> int:
    """Mail the responsible trainers of every course with a lesson the change flags, once per
    change (the conditional UPDATE claims it; a second run sends nothing). Returns the number
    of mails sent."""
    claimed = LegalActChange.objects.filter(pk=change_id, trainers_notified_at__isnull=True).update(
        trainers_notified_at=timezone.now()
    )
    if not claimed:
        return 0
    change = LegalActChange.objects.get(pk=change_id)
    lessons = list(lessons_flagged_by_change(change))
    lessons_by_trainer: dict = {}
    for course in courses_of_lessons(lessons):
        own = [lesson for lesson in lessons if lesson.path.startswith(course.path)]
        for trainer in course.responsible_trainers.all():
            lessons_by_trainer.setdefault(trainer, []).extend(own)
    for trainer, own in lessons_by_trainer.items():
        with translation.override(trainer.preferred_language or settings.LANGUAGE_CODE):
            body = render_to_string(
                "courses/mail/legal_change.txt",
                {
                    "trainer": trainer,
                    "change": change,
                    "lessons": own,
                    "site_url": settings.SITE_URL,
                },
            )
            subject = _("Lessons to review: %(title)s") % {"title": change.title}
        send_mail(subject, body, None, [trainer.email])
    logger.info("Legal change %s flagged %d lessons", change_id, len(lessons))
    return len(lessons_by_trainer)


def lesson_review_due_notify(*, today=None) -> int:
    """Tell the responsible trainers of each live lesson whose review date has passed, once per
    lesson and review date (a new review date after the check notifies again when it passes):
    a notice in the app, by mail as each trainer chose. Returns the number of new notices."""
    from lms.models import Notification
    from lms.services.notifications import notify

    today = today or timezone.localdate()
    lessons = list(LessonPage.objects.live().filter(review_by__lt=today).defer("body"))
    created = 0
    for course in courses_of_lessons(lessons):
        own = [lesson for lesson in lessons if lesson.path.startswith(course.path)]
        for trainer in course.responsible_trainers.filter(is_active=True):
            for lesson in own:
                with translation.override(trainer.preferred_language or settings.LANGUAGE_CODE):
                    subject = _("Lesson due for review: %(title)s") % {"title": lesson.title}
                    text = _(
                        "The review date %(date)s of the lesson “%(title)s” (course “%(course)s”)"
                        " has passed. Check its content and legal sources, then set a new state"
                        " date and review date."
                    ) % {
                        "date": lesson.review_by.strftime("%d.%m.%Y"),
                        "title": lesson.title,
                        "course": course.title,
                    }
                url = f"/cms/pages/{lesson.pk}/edit/"
                notified = notify(
                    user=trainer,
                    kind=Notification.Kind.LESSON_REVIEW_DUE,
                    key=f"lesson-review:{lesson.pk}:{lesson.review_by.isoformat()}",
                    subject=subject,
                    text=text,
                    url=url,
                )
                if not notified.created:
                    continue
                created += 1
                if notified.mail_now:
                    send_mail(subject, f"{text}\n\n{settings.SITE_URL}{url}", None, [trainer.email])
    return created


def trainers_queryset():
    """People who may be made responsible for a course: members of the Trainer group."""
    from django.contrib.auth import get_user_model

    from .demo import TRAINER_GROUP

    return get_user_model().objects.filter(groups__name=TRAINER_GROUP, is_active=True)


def may_manage_responsible_trainers(user, course) -> bool:
    """Platform admins, and the course's own responsible trainers (the saved relation)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or course.responsible_trainers.filter(pk=user.pk).exists()


@transaction.atomic
def responsible_trainers_set(*, course, trainers, changed_by) -> None:
    """Replace the course's responsible trainers at once (no revision, no review: the relation
    says who may edit, so editing the course cannot change it)."""
    before = set(course.responsible_trainers.values_list("pk", flat=True))
    course.responsible_trainers.set(trainers)
    after = set(course.responsible_trainers.values_list("pk", flat=True))
    logger.info(
        "Course %s: responsible trainers %s -> %s (by %s)",
        course.pk,
        sorted(before),
        sorted(after),
        getattr(changed_by, "pk", None),
    )
