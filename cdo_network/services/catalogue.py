"""Funding subscriptions and deadline reminders."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from lms.models import User

from ..models import FundingProgramme, FundingSubscription
from .notify import notification_send_once

REMINDER_DAYS = (14, 3)


@transaction.atomic
def funding_subscription_set(*, programme: FundingProgramme, user: User, subscribed: bool) -> bool:
    """Subscribe to (or unsubscribe from) a programme's deadline reminders."""
    if subscribed:
        FundingSubscription.objects.get_or_create(programme=programme, user=user)
    else:
        FundingSubscription.objects.filter(programme=programme, user=user).delete()
    return subscribed


def funding_deadline_reminders_send(*, today: dt.date | None = None) -> int:
    """Mail subscribers 14 and 3 days before a deadline (once per programme, person and stage)."""
    today = today or timezone.localdate()
    sent = 0
    for days in REMINDER_DAYS:
        deadline = today + dt.timedelta(days=days)
        subscriptions = FundingSubscription.objects.filter(
            programme__deadline=deadline, programme__accepting_applications=True
        ).select_related("programme", "user")
        for subscription in subscriptions:
            programme = subscription.programme
            sent += notification_send_once(
                kind="funding_deadline",
                recipient=subscription.user,
                key=f"{programme.pk}:{deadline.isoformat()}:{days}",
                subject=gettext_noop("Deadline in %(days)s days: %(name)s"),
                subject_params={"days": days, "name": programme.name},
                template="cdo_network/mail/funding_deadline.txt",
                context={"programme": programme, "days": days},
            )
    return sent
