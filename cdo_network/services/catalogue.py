"""Funding subscriptions and deadline reminders."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

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
            body = render_to_string(
                "cdo_network/mail/funding_deadline.txt",
                {"programme": programme, "days": days, "site_url": settings.SITE_URL},
            )
            sent += notification_send_once(
                kind="funding_deadline",
                recipient=subscription.user,
                key=f"{programme.pk}:{deadline.isoformat()}:{days}",
                subject=_("Deadline in %(days)s days: %(name)s")
                % {"days": days, "name": programme.name},
                body=body,
            )
    return sent
