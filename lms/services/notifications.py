"""Notifications: one entry in the person's notification centre per event, and the mail the
person chose for its kind (at once, in a daily or weekly summary, or none).

Every mail-sending path of the platform (assignments, due dates, certificates, events,
circles, reviews) calls ``notify`` first: it records the notification once per (person, key)
and says whether the caller's mail should go out now (``Notified.mail_now``). The summaries
(``notification_digests_send``) collect what was kept for them. The bell's unread count is
cached per person and dropped whenever a notification is added or read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import Notification, NotificationPreference, User

logger = logging.getLogger(__name__)

Kind = Notification.Kind
Delivery = NotificationPreference.Delivery

# Notices a person cannot switch off: what is required of them.
MANDATORY = frozenset({Kind.ASSIGNED, Kind.OVERDUE})
UNREAD_CACHE_SECONDS = 10 * 60
PAGE_SIZE = 25


def _unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_forget(user_id: int) -> None:
    cache.delete(_unread_key(user_id))
    transaction.on_commit(lambda: cache.delete(_unread_key(user_id)))


def unread_count(user: User) -> int:
    """The number on the bell: cached; on a miss one query on the partial index."""
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(user=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def delivery_for(user: User, kind: str) -> str:
    if kind in MANDATORY:
        return Delivery.MAIL
    chosen = (
        NotificationPreference.objects.filter(user=user, kind=kind)
        .values_list("delivery", flat=True)
        .first()
    )
    return chosen or Delivery.MAIL


def deliveries_of(user: User) -> dict[str, str]:
    """Every kind with the person's choice (or the default), for the settings page."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {
        kind: Delivery.MAIL if kind in MANDATORY else chosen.get(kind, Delivery.MAIL)
        for kind in Kind.values
    }


@transaction.atomic
def notification_preferences_set(*, user: User, choices: dict[str, str]) -> None:
    """Store the person's choices; mandatory kinds are not theirs to change."""
    for kind, delivery in choices.items():
        if kind in MANDATORY or kind not in Kind.values or delivery not in Delivery.values:
            continue
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )


@dataclass
class Notified:
    notification: Notification
    created: bool
    mail_now: bool  # the person wants this kind by mail at once: the caller sends its mail


def notify(
    *, user: User, kind: str, key: str, subject: str, text: str = "", url: str = ""
) -> Notified:
    """Record the event for the person once (per ``key``) and say whether the caller's mail
    goes out now. The callers keep their own once-only bookkeeping for the mail (a failed send
    is retried by them); an event notified before is returned as it is."""
    mail_now = delivery_for(user, kind) == Delivery.MAIL
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user,
                kind=kind,
                key=key[:200],
                subject=subject[:300],
                text=text,
                url=url,
                mailed_at=timezone.now() if mail_now else None,
            )
    except IntegrityError:
        return Notified(Notification.objects.get(user=user, key=key[:200]), False, mail_now)
    unread_forget(user.pk)
    return Notified(notification, True, mail_now)


def notifications_mark_read(*, user: User, ids=None) -> int:
    """Mark the person's notifications (all, or those of ``ids``) read."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    marked = rows.update(read_at=timezone.now())
    if marked:
        unread_forget(user.pk)
    return marked


def notification_digests_send(*, frequency: str, today: date | None = None) -> int:
    """The daily or weekly summary mail: for every person who chose ``frequency`` for some
    kinds, the notifications of those kinds not mailed yet, in one mail. Each notification is
    claimed (``mailed_at``) before the mail goes; a failed send releases the claim for the next
    run. Returns the number of mails sent."""
    today = today or timezone.localdate()
    since = timezone.now() - timedelta(days=30)  # older unmailed ones were seen in the app
    kinds_of: dict[int, list[str]] = {}
    for user_id, kind in NotificationPreference.objects.filter(delivery=frequency).values_list(
        "user_id", "kind"
    ):
        if kind not in MANDATORY:
            kinds_of.setdefault(user_id, []).append(kind)
    sent = 0
    for user in User.objects.filter(pk__in=kinds_of, is_active=True).order_by("pk"):
        pending = Notification.objects.filter(
            user=user, kind__in=kinds_of[user.pk], mailed_at__isnull=True, created_at__gte=since
        )
        now = timezone.now()
        ids = list(pending.values_list("pk", flat=True))
        if not ids or not Notification.objects.filter(pk__in=ids, mailed_at__isnull=True).update(
            mailed_at=now
        ):
            continue
        items = list(Notification.objects.filter(pk__in=ids, mailed_at=now).order_by("created_at"))
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            subject = (
                _("Your daily summary from Kommunal-Campus")
                if frequency == Delivery.DAILY
                else _("Your weekly summary from Kommunal-Campus")
            )
            body = render_to_string(
                "lms/mail/notification_digest.txt",
                {"user": user, "items": items, "site_url": settings.SITE_URL, "today": today},
            )
        try:
            send_mail(subject, body, None, [user.email])
        except Exception:
            logger.exception("Summary mail to %s failed; released for the next run", user.pk)
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(mailed_at=None)
            continue
        sent += 1
    return sent
