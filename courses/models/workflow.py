"""Moderation: a course change is published only after a *second* trainer approves it."""

from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, TaskState


class SecondTrainerApprovalTask(AbstractGroupApprovalTask):
    """Like Wagtail's group approval, but the trainer who submitted cannot approve their own
    change: four eyes on everything learners will read."""

    def _is_requester(self, obj, user) -> bool:
        workflow_state = obj.current_workflow_state if obj is not None else None
        return bool(workflow_state and workflow_state.requested_by_id == user.pk)

    def get_actions(self, obj, user):
        if self._is_requester(obj, user) and not user.is_superuser:
            return []
        return super().get_actions(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        if user.is_superuser:
            return states
        return states.exclude(workflow_state__requested_by=user)

    def on_action(self, task_state: TaskState, user, action_name, **kwargs):
        if (
            action_name == "approve"
            and self._is_requester(task_state.revision.content_object, user)
            and not user.is_superuser
        ):
            raise PermissionError("Trainers cannot approve their own submission.")
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _("A trainer other than the submitter approves the change")

    class Meta:
        verbose_name = _("Approval by a second trainer")
        verbose_name_plural = _("Approvals by a second trainer")
