"""Celery tasks of the courses app: thin, take ids, idempotent."""

from celery import shared_task

from . import services


@shared_task(name="courses.legal_change_notify_trainers")
def legal_change_notify_trainers_task(change_id: int) -> int:
    return services.legal_change_notify_trainers(change_id=change_id)


@shared_task(name="courses.lesson_review_due_notify")
def lesson_review_due_notify_task() -> int:
    return services.lesson_review_due_notify()
