"""Moderation: a course change is published only after a *second* trainer approves it, and
what they approve is exactly what they reviewed.

- Nobody who authored the change approves it: neither the trainer who submitted it nor anyone
  who saved a revision of the page while it was in review.
- Reviewing grants no edit rights (``user_can_access_editor``): a reviewer previews, approves or
  requests changes from the dashboard; they cannot change the course and approve it in one go.
- An approval counts only for the task state that is current and whose revision is still the
  page's latest: saving a new revision restarts the review (``courses.signals``), so an approval
  of the older revision is refused, and ``courses.workflows.publish_approved_revision``
  publishes the approved revision, never a newer draft.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, Revision, TaskState


def authored_under_review(obj, user) -> bool:
    """Did ``user`` submit the object's change under review, or save a revision since?"""
    workflow_state = obj.current_workflow_state if obj is not None else None
    if workflow_state is None:
        return False
    if workflow_state.requested_by_id == user.pk:
        return True
    return Revision.objects.filter(
        base_content_type=obj.get_base_content_type(),
        object_id=str(obj.pk),
        created_at__gte=workflow_state.created_at,
        user=user,
    ).exists()


class SecondTrainerApprovalTask(AbstractGroupApprovalTask):
    """Like Wagtail's group approval, with four eyes that cannot be bypassed."""

    def user_can_access_editor(self, obj, user):
        return user.is_superuser

    def user_can_lock(self, obj, user):
        return user.is_superuser

    def get_actions(self, obj, user):
        if not user.is_superuser and authored_under_review(obj, user):
            return []
        return super().get_actions(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        if user.is_superuser:
            return states
        return states.exclude(workflow_state__requested_by=user)

    def on_action(self, task_state: TaskState, user, action_name, **kwargs):
        obj = task_state.revision.content_object
        if action_name == "approve":
            if not user.is_superuser and authored_under_review(obj, user):
                raise PermissionDenied("Trainers cannot approve a change they authored.")
            workflow_state = task_state.workflow_state
            current = workflow_state.current_task_state_id == task_state.pk
            latest = obj.get_latest_revision()
            if (
                not current
                or task_state.status != TaskState.STATUS_IN_PROGRESS
                or (latest is not None and latest.pk != task_state.revision_id)
            ):
                raise PermissionDenied("This review is out of date: the page changed since.")
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _("A trainer other than the authors approves the change")

    class Meta:
        verbose_name = _("Approval by a second trainer")
        verbose_name_plural = _("Approvals by a second trainer")
