"""A recorded legal change tells the trainers of the lessons it flags (after the commit, when
the change's acts are saved too); a review requested or decided lands in the notifications of
the reviewers or of the author."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _
from wagtail.models import Page, Revision
from wagtail.signals import task_submitted, workflow_approved, workflow_rejected

from .models import LegalActChange


@receiver(post_save, sender=LegalActChange, dispatch_uid="legal_change_notify")
def legal_change_recorded(sender, instance, created, **kwargs):
    if created:
        from .tasks import legal_change_notify_trainers_task

        transaction.on_commit(lambda: legal_change_notify_trainers_task.delay(instance.pk))


@receiver(post_save, sender=Revision, dispatch_uid="review_restarts_on_new_revision")
def review_restarts_on_new_revision(sender, instance, created, **kwargs):
    """A revision saved while a page is in review restarts the review on that revision: the
    reviewer approves what they see, and approving the older revision is refused. The same for
    a page in an open course review (``courses.reviews.course_review_page_saved``)."""
    if not created:
        return
    if instance.base_content_type_id == ContentType.objects.get_for_model(Page).pk:
        from .reviews import course_review_page_saved

        course_review_page_saved(instance)
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


def _review_notify(user, *, key: str, subject: str, page) -> None:
    from django.urls import reverse

    from lms.models import Notification
    from lms.services.notifications import notify

    notify(  # Wagtail mails the moderators itself; this is the notice in the app
        user=user,
        kind=Notification.Kind.REVIEW,
        key=key,
        subject=subject,
        url=reverse("wagtailadmin_pages:edit", args=[page.pk]),
    )


@receiver(task_submitted, dispatch_uid="review_requested_notify")
def review_requested(sender, instance, user=None, **kwargs):
    """The second trainers who may approve see the request in their notifications."""
    task = instance.task.specific
    page = instance.workflow_state.content_object
    groups = getattr(task, "groups", None)
    if groups is None or not hasattr(page, "pk"):
        return
    reviewers = (
        get_user_model()
        .objects.filter(groups__in=groups.all(), is_active=True)
        .exclude(pk=getattr(user, "pk", None))
        .distinct()
    )
    for reviewer in reviewers:
        _review_notify(
            reviewer,
            key=f"review:{instance.pk}:requested",
            subject=_("Review requested: “%(title)s”") % {"title": page.title},
            page=page,
        )


def _review_decided(workflow_state, subject: str, outcome: str) -> None:
    requester = workflow_state.requested_by
    page = workflow_state.content_object
    if requester is None or not hasattr(page, "pk"):
        return
    _review_notify(
        requester,
        key=f"review:{workflow_state.pk}:{outcome}",
        subject=subject % {"title": page.title},
        page=page,
    )


@receiver(workflow_approved, dispatch_uid="review_approved_notify")
def review_approved(sender, instance, user=None, **kwargs):
    _review_decided(instance, _("Review approved and published: “%(title)s”"), "approved")


@receiver(workflow_rejected, dispatch_uid="review_rejected_notify")
def review_rejected(sender, instance, user=None, **kwargs):
    _review_decided(instance, _("Changes requested in the review: “%(title)s”"), "rejected")
