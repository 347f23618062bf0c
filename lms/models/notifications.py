"""The notification centre: what the platform tells a person, kept in the app (a bell with the
unread count, a list) and delivered by mail as the person chooses per kind."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("A course was assigned to me")
        DUE_SOON = "due_soon", _("A course is due soon")
        OVERDUE = "overdue", _("A course is overdue")
        CERTIFICATE_ISSUED = "certificate_issued", _("A certificate was issued")
        CERTIFICATE_EXPIRING = "certificate_expiring", _("A certificate is expiring")
        WAITLIST_PROMOTED = "waitlist_promoted", _("I got a place at an event")
        THREAD_REPLY = "thread_reply", _("A reply in a thread I follow")
        REVIEW = "review", _("A course review was requested or decided")
        LESSON_REVIEW_DUE = "lesson_review_due", _("A lesson I look after is due for review")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("Kind"), max_length=24, choices=Kind.choices)
    # What the notification is about, unique per person: the same event never notifies twice.
    key = models.CharField(max_length=200)
    subject = models.CharField(_("Subject"), max_length=300)
    text = models.TextField(_("Text"), blank=True)
    url = models.CharField(_("Link"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(_("Read at"), null=True, blank=True)
    # When it went out by mail (at once or in a digest); never set for "in the app only".
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Notification")
        verbose_name_plural = _("Notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_event")
        ]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_list"),
            # The bell's unread count reads only this (small) index.
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(
                fields=["user", "kind"],
                condition=Q(mailed_at__isnull=True),
                name="notification_unmailed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.subject}"


class NotificationPreference(models.Model):
    """How one person wants one kind of notification; no row means the default (by mail at
    once). Mandatory kinds (assigned, overdue) always go by mail and cannot be changed."""

    class Delivery(models.TextChoices):
        APP = "app", _("In the app only")
        MAIL = "mail", _("In the app and by mail at once")
        DAILY = "daily", _("In the app and in a daily summary mail")
        WEEKLY = "weekly", _("In the app and in a weekly summary mail")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=24, choices=Notification.Kind.choices)
    delivery = models.CharField(max_length=8, choices=Delivery.choices, default=Delivery.MAIL)

    class Meta:
        verbose_name = _("Notification preference")
        verbose_name_plural = _("Notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} → {self.delivery}"
