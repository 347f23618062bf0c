"""A recorded legal change tells the trainers of the lessons it flags (after the commit, when
the change's acts are saved too)."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import LegalActChange


@receiver(post_save, sender=LegalActChange, dispatch_uid="legal_change_notify")
def legal_change_recorded(sender, instance, created, **kwargs):
    if created:
        from .tasks import legal_change_notify_trainers_task

        transaction.on_commit(lambda: legal_change_notify_trainers_task.delay(instance.pk))
