"""A recorded legal change tells the trainers of the lessons it flags (after the commit, when
the change's acts are saved too)."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import Revision

from .models import LegalActChange


@receiver(post_save, sender=LegalActChange, dispatch_uid="legal_change_notify")
def legal_change_recorded(sender, instance, created, **kwargs):
    if created:
        from .tasks import legal_change_notify_trainers_task

        transaction.on_commit(lambda: legal_change_notify_trainers_task.delay(instance.pk))


@receiver(post_save, sender=Revision, dispatch_uid="review_restarts_on_new_revision")
def review_restarts_on_new_revision(sender, instance, created, **kwargs):
    """A revision saved while a page is in review restarts the review on that revision: the
    reviewer approves what they see, and approving the older revision is refused."""
    if not created:
        return
    obj = instance.content_object
    workflow_state = getattr(obj, "current_workflow_state", None)
    if workflow_state is None or workflow_state.status != workflow_state.STATUS_IN_PROGRESS:
        return
    task_state = workflow_state.current_task_state
    if (
        task_state is None
        or task_state.status != task_state.STATUS_IN_PROGRESS
        or task_state.revision_id == instance.pk
    ):
        return
    task_state.specific.cancel(
        user=instance.user, resume=True, comment="Neue Fassung gespeichert: Prüfung beginnt neu."
    )
    # The page's latest-revision pointer is set only after this signal: the restarted task
    # reviews the revision just saved.
    workflow_state.refresh_from_db()
    restarted = workflow_state.current_task_state
    if restarted is not None and restarted.revision_id != instance.pk:
        restarted.revision = instance
        restarted.save(update_fields=["revision"])
