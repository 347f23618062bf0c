"""Expert circles (Expertenkreise): members, discussion threads, posts, attachments, reports.

Membership is kept in ``CircleMembership`` and mirrored into django-guardian object
permissions (``participate_circle``, ``moderate_circle``) by the services, so permission checks
use the usual ``user.has_perm(perm, circle)``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .common import Topic


class ExpertCircle(models.Model):
    """A nationwide circle of experts on one subject."""

    class Access(models.TextChoices):
        OPEN = "open", _("Open: every network member can join")
        REQUEST = "request", _("Closed: members are admitted on request")

    name = models.CharField(_("Name"), max_length=150, unique=True)
    slug = models.SlugField(_("Short name"), max_length=150, unique=True)
    description = models.TextField(_("Description"))
    access = models.CharField(
        _("Access"), max_length=10, choices=Access.choices, default=Access.OPEN
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="circles", verbose_name=_("Topics")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Expert circle")
        verbose_name_plural = _("Expert circles")
        ordering = ["name"]
        permissions = [
            ("participate_circle", _("Can read and post in the circle")),
            ("moderate_circle", _("Can moderate the circle")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.access == self.Access.OPEN


class CircleUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign key for guardian, as for organisations."""

    content_object = models.ForeignKey(ExpertCircle, on_delete=models.CASCADE)


class CircleGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(ExpertCircle, on_delete=models.CASCADE)


class CircleMembership(models.Model):
    """A person in a circle: pending (asked to join) or active, as member or moderator."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        MODERATOR = "moderator", _("Moderator")

    class Status(models.TextChoices):
        PENDING = "pending", _("Request pending")
        ACTIVE = "active", _("Active")

    circle = models.ForeignKey(ExpertCircle, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle_memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    digest = models.BooleanField(_("Daily e-mail digest of new posts"), default=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Circle membership")
        verbose_name_plural = _("Circle memberships")
        constraints = [
            models.UniqueConstraint(fields=["circle", "user"], name="circle_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.circle}"


class Thread(models.Model):
    """A discussion in a circle."""

    circle = models.ForeignKey(ExpertCircle, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(_("Title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_post_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("Thread")
        verbose_name_plural = _("Threads")
        ordering = ["-last_post_at"]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    """One contribution to a thread: plain text or Markdown, sanitised when rendered."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("Text"), max_length=20_000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Post")
        verbose_name_plural = _("Posts")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.thread}: {self.body[:40]}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


def attachment_path(instance: "PostAttachment", filename: str) -> str:
    """A random name: files of closed circles must not be found by guessing their URL.

    They are only ever served through the scoped download view; the original name is kept in
    ``original_name`` for the download.
    """
    ending = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"cdo/attachments/{uuid.uuid4().hex}.{ending}"


class PostAttachment(models.Model):
    """A file on a post; its type was sniffed from its bytes, not taken from the browser."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.original_name


class AbuseReport(models.Model):
    """A member's report of a post to the moderators; one per person and post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(_("Reason"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Abuse report")
        verbose_name_plural = _("Abuse reports")
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="abuse_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.reporter} – {self.post_id}"
