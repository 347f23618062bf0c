"""Writes of the expert circles: joining, posting, moderating, reporting and digests.

Circle membership is mirrored into guardian object permissions in the same transaction, so a
person who leaves (or is removed) loses access at once.
"""

import datetime as dt
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from guardian.shortcuts import assign_perm, remove_perm

from lms.models import Notification, User

from ..models import AbuseReport, CircleMembership, ExpertCircle, Post, PostAttachment, Thread
from ..rendering import BERLIN, check_attachment
from .notify import notification_send_once

PARTICIPATE = "cdo_network.participate_circle"
MODERATE = "cdo_network.moderate_circle"


def _sync_circle_permissions(*, circle: ExpertCircle, user: User, membership) -> None:
    active = membership is not None and membership.status == CircleMembership.Status.ACTIVE
    moderator = active and membership.role == CircleMembership.Role.MODERATOR
    for perm, wanted in ((PARTICIPATE, active), (MODERATE, moderator)):
        if wanted:
            assign_perm(perm, user, circle)
        else:
            remove_perm(perm, user, circle)


@transaction.atomic
def circle_membership_set(
    *,
    circle: ExpertCircle,
    user: User,
    role: str = CircleMembership.Role.MEMBER,
    status: str = CircleMembership.Status.ACTIVE,
) -> CircleMembership:
    """Put ``user`` in ``circle`` with ``role``/``status`` and align their permissions."""
    membership, _created = CircleMembership.objects.update_or_create(
        circle=circle, user=user, defaults={"role": role, "status": status}
    )
    _sync_circle_permissions(circle=circle, user=user, membership=membership)
    return membership


@transaction.atomic
def circle_join(*, circle: ExpertCircle, user: User) -> CircleMembership:
    """Join an open circle at once, or ask to join a closed one (pending until approved)."""
    existing = CircleMembership.objects.filter(circle=circle, user=user).first()
    if existing:
        return existing
    status = CircleMembership.Status.ACTIVE if circle.is_open else CircleMembership.Status.PENDING
    return circle_membership_set(circle=circle, user=user, status=status)


@transaction.atomic
def circle_membership_approve(*, membership: CircleMembership, moderator: User) -> CircleMembership:
    """A moderator admits a person who asked to join."""
    if not moderator.has_perm(MODERATE, membership.circle):
        raise PermissionDenied
    return circle_membership_set(
        circle=membership.circle, user=membership.user, role=membership.role
    )


@transaction.atomic
def circle_digest_set(*, circle: ExpertCircle, user: User, digest: bool) -> int:
    """Switch the daily digest of one circle on or off for ``user``."""
    return CircleMembership.objects.filter(circle=circle, user=user).update(digest=digest)


@transaction.atomic
def circle_leave(*, circle: ExpertCircle, user: User) -> None:
    """Leave a circle (or withdraw a request); permissions go with it."""
    CircleMembership.objects.filter(circle=circle, user=user).delete()
    _sync_circle_permissions(circle=circle, user=user, membership=None)


def _attach(post: Post, files) -> None:
    for uploaded in files:
        mime = check_attachment(uploaded)
        PostAttachment.objects.create(
            post=post,
            file=uploaded,
            original_name=uploaded.name[:200],
            content_type=mime,
            size=uploaded.size,
        )


def _require_participant(user: User, circle: ExpertCircle) -> None:
    if not user.has_perm(PARTICIPATE, circle):
        raise PermissionDenied


@transaction.atomic
def thread_create(*, circle: ExpertCircle, author: User, title: str, body: str, files=()) -> Thread:
    """Open a discussion with its first post."""
    _require_participant(author, circle)
    if not title.strip() or not body.strip():
        raise ValidationError(_("Please enter a title and a text."))
    thread = Thread.objects.create(
        circle=circle, title=title.strip(), author=author, last_post_at=timezone.now()
    )
    post = Post.objects.create(thread=thread, author=author, body=body)
    _attach(post, files)
    return thread


@transaction.atomic
def post_create(*, thread: Thread, author: User, body: str, files=()) -> Post:
    """Reply in a thread; the thread moves to the top of its circle."""
    _require_participant(author, thread.circle)
    if not body.strip():
        raise ValidationError(_("Please enter a text."))
    post = Post.objects.create(thread=thread, author=author, body=body)
    _attach(post, files)
    Thread.objects.filter(pk=thread.pk).update(last_post_at=post.created_at)
    return post


@transaction.atomic
def post_hide(*, post: Post, moderator: User, hidden: bool = True) -> Post:
    """A moderator hides (or shows again) a post; the text stays for the record."""
    if not moderator.has_perm(MODERATE, post.thread.circle):
        raise PermissionDenied
    post.hidden_at = timezone.now() if hidden else None
    post.hidden_by = moderator if hidden else None
    post.save(update_fields=["hidden_at", "hidden_by"])
    return post


@transaction.atomic
def post_report(*, post: Post, reporter: User, reason: str) -> AbuseReport:
    """A member reports a post; the moderators get a mail once the report is stored."""
    from ..tasks import abuse_report_notify_task

    _require_participant(reporter, post.thread.circle)
    report, created = AbuseReport.objects.get_or_create(
        post=post, reporter=reporter, defaults={"reason": reason.strip()[:1000]}
    )
    if created:
        transaction.on_commit(lambda: abuse_report_notify_task.delay(report.pk))
    return report


def abuse_report_notify(*, report: AbuseReport) -> int:
    """Tell each moderator of the circle about a report (once per moderator and report)."""
    circle = report.post.thread.circle
    moderators = CircleMembership.objects.filter(
        circle=circle,
        role=CircleMembership.Role.MODERATOR,
        status=CircleMembership.Status.ACTIVE,
    ).select_related("user")
    sent = 0
    for membership in moderators:
        sent += notification_send_once(
            kind="abuse_report",
            recipient=membership.user,
            key=str(report.pk),
            subject=gettext_noop("A post in “%(circle)s” was reported"),
            subject_params={"circle": circle.name},
            template="cdo_network/mail/abuse_report.txt",
            context={"report": report, "circle": circle},
        )
    return sent


def circle_digests_send(*, day: dt.date) -> int:
    """Mail each member who wants it one digest of the visible posts others wrote on ``day``
    (Europe/Berlin) in their circles. Idempotent per person and day."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=BERLIN)
    end = start + dt.timedelta(days=1)
    posts = (
        Post.objects.filter(created_at__gte=start, created_at__lt=end, hidden_at__isnull=True)
        .select_related("thread__circle", "author")
        .order_by("thread__circle__name", "thread_id", "created_at")
    )
    by_circle = defaultdict(list)
    for post in posts:
        by_circle[post.thread.circle_id].append(post)
    if not by_circle:
        return 0
    memberships = CircleMembership.objects.filter(
        circle_id__in=by_circle, status=CircleMembership.Status.ACTIVE, digest=True
    ).select_related("user", "circle")
    per_user = defaultdict(list)
    for membership in memberships:
        own = [p for p in by_circle[membership.circle_id] if p.author_id != membership.user_id]
        if own:
            per_user[membership.user].append((membership.circle, own))
    sent = 0
    for user, sections in per_user.items():
        sent += notification_send_once(
            kind="circle_digest",
            recipient=user,
            key=day.isoformat(),
            subject=gettext_noop("New posts in your expert circles"),
            template="cdo_network/mail/digest.txt",
            context={"user": user, "sections": sections, "day": day},
            notice_kind=Notification.Kind.THREAD_REPLY,
            url=(
                reverse("cdo_network:circle_detail", args=[sections[0][0].slug])
                if len(sections) == 1
                else reverse("cdo_network:circle_list")
            ),
        )
    return sent
