"""Course reviews (``CourseReview``): submit a course's changed pages in one go, read what
changed, decide once. Every write goes through these functions; the admin views only call them.

Four eyes hold whatever path is taken: nobody who submitted the review or saved a revision of
a page in it decides it; the decision form carries the fingerprint of the revisions the reviewer
saw, and a page saved again since refuses the approval; approving publishes exactly the held
revisions (never a newer draft), each through Wagtail's ``Revision.publish``.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import Page, Revision

from .models import CoursePage, CourseReview, CourseReviewItem
from .services import trainers_queryset

logger = logging.getLogger(__name__)


def course_changed_pages(course: CoursePage) -> list[Page]:
    """The pages of the course (itself included) with a saved draft that is not live, in
    tree order: what a review of the course covers."""
    return list(
        Page.objects.descendant_of(course, inclusive=True)
        .filter(Q(has_unpublished_changes=True) | Q(live=False))
        .exclude(latest_revision=None)
        .select_related("latest_revision", "live_revision")
        .order_by("path")
    )


def may_submit(course: CoursePage, user) -> bool:
    """The course's responsible trainers (and platform admins) submit its changes."""
    return course.permissions_for_user(user).can_edit()


def review_authors(review: CourseReview) -> set[int]:
    """Everyone who wrote what the review holds: the submitter and whoever saved a revision of
    one of its pages after the page's live version (all of them, not only the latest: the diff
    shows their work too), including during the review."""
    unpublished = Q()
    for page_id, live_at in review.items.values_list("page_id", "live_revision__created_at"):
        since = {"created_at__gt": live_at} if live_at else {}
        unpublished |= Q(object_id=str(page_id), **since)
    authors = set()
    if unpublished:
        authors |= set(
            Revision.objects.page_revisions()
            .filter(unpublished)
            .exclude(user=None)
            .values_list("user_id", flat=True)
        )
    if review.submitted_by_id:
        authors.add(review.submitted_by_id)
    return authors


def may_decide(review: CourseReview, user, *, authors: set[int] | None = None) -> bool:
    """A trainer (or platform admin) who wrote none of it, while the review is open
    (``authors``: ``review_authors(review)`` when the caller has it already)."""
    if review.status != CourseReview.Status.OPEN or not user.is_active:
        return False
    if user.pk in (review_authors(review) if authors is None else authors):
        return False
    return user.is_superuser or trainers_queryset().filter(pk=user.pk).exists()


def review_fingerprint(review: CourseReview) -> str:
    """What the reviewer saw: the held (page, revision) pairs. Sent with the decision form; a
    page saved since changes it and the approval is refused."""
    pairs = sorted(review.items.values_list("page_id", "revision_id"))
    return hashlib.sha256(repr(pairs).encode()).hexdigest()[:16]


def _reviewers_of(review: CourseReview):
    return trainers_queryset().exclude(pk__in=review_authors(review)).distinct()


def _mail(user, *, template: str, subject: str, context: dict) -> None:
    """One mail in the recipient's language, links on the site's address (``SITE_URL``)."""
    from lms.models import Notification
    from lms.services.notifications import notify

    url = reverse("course_review_detail", args=[context["review"].pk])
    notified = notify(
        user=user,
        kind=Notification.Kind.REVIEW,
        key=f"course-review:{context['review'].pk}:{context['event']}",
        subject=subject,
        url=url,
    )
    if not (notified.created and notified.mail_now):
        return
    body = render_to_string(
        template,
        {**context, "user": user, "url": settings.SITE_URL + url, "site_url": settings.SITE_URL},
    )
    send_mail(subject, body, None, [user.email])


def _tell_reviewers(review: CourseReview) -> None:
    for reviewer in _reviewers_of(review):
        with translation.override(reviewer.preferred_language or settings.LANGUAGE_CODE):
            subject = _("Course to review: “%(title)s”") % {"title": review.course.title}
            _mail(
                reviewer,
                template="courses/mail/course_review_requested.txt",
                subject=subject,
                context={"review": review, "event": "requested", "items": review.items.all()},
            )


def _tell_submitter(review: CourseReview) -> None:
    submitter = review.submitted_by
    if submitter is None:
        return
    with translation.override(submitter.preferred_language or settings.LANGUAGE_CODE):
        if review.status == CourseReview.Status.APPROVED:
            subject = _("Course approved and published: “%(title)s”")
        else:
            subject = _("Changes requested for the course “%(title)s”")
        _mail(
            submitter,
            template="courses/mail/course_review_decided.txt",
            subject=subject % {"title": review.course.title},
            context={"review": review, "event": review.status},
        )


@transaction.atomic
def course_review_submit(*, course: CoursePage, user, message: str = "") -> CourseReview:
    """Submit every changed page of the course for one review; the reviewers are told once
    (a notice, and a mail as each chose). A review still open for the course is withdrawn and
    replaced (the new one holds the newer revisions)."""
    course = CoursePage.objects.select_for_update().get(pk=course.pk)
    if not may_submit(course, user):
        raise PermissionDenied("Only the course's responsible trainers submit it.")
    pages = course_changed_pages(course)
    if not pages:
        raise ValidationError(_("Nothing to review: every page of the course is published."))
    CourseReview.objects.filter(course=course, status=CourseReview.Status.OPEN).update(
        status=CourseReview.Status.WITHDRAWN, decided_at=timezone.now(), decided_by=user
    )
    review = CourseReview.objects.create(course=course, submitted_by=user, message=message)
    CourseReviewItem.objects.bulk_create(
        CourseReviewItem(
            review=review,
            page=page,
            revision_id=page.latest_revision_id,
            live_revision_id=page.live_revision_id if page.live else None,
        )
        for page in pages
    )
    transaction.on_commit(lambda: _tell_reviewers(review))
    return review


def course_review_page_saved(revision: Revision) -> None:
    """A page under review was saved again: its item now holds the new revision (a reviewer
    approves what they see), its author is one of the review's authors, and a decision form
    opened before refuses the approval (its fingerprint no longer matches)."""
    items = CourseReviewItem.objects.filter(
        review__status=CourseReview.Status.OPEN, page_id=revision.object_id
    )
    for item in items:
        if item.revision_id != revision.pk:
            item.revision = revision
            item.save(update_fields=["revision"])
            CourseReview.objects.filter(pk=item.review_id).update(changed_at=timezone.now())


def _locked_open(review: CourseReview) -> CourseReview:
    review = CourseReview.objects.select_for_update().select_related("course").get(pk=review.pk)
    if review.status != CourseReview.Status.OPEN:
        raise ValidationError(_("This review has already been decided."))
    return review


@transaction.atomic
def course_review_approve(*, review: CourseReview, user, fingerprint: str) -> CourseReview:
    """Publish exactly the held revisions, parents before children, and tell the submitter."""
    review = _locked_open(review)
    if not may_decide(review, user):
        raise PermissionDenied("Authors of a change do not approve it.")
    if fingerprint != review_fingerprint(review):
        raise ValidationError(
            _("The course was changed after you opened the review. Please read it again.")
        )
    items = list(review.items.select_related("revision", "page").order_by("page__path"))
    for item in items:
        if item.page.latest_revision_id != item.revision_id:  # saved past the signal
            raise ValidationError(
                _("The course was changed after you opened the review. Please read it again.")
            )
    for item in items:
        item.revision.publish(user=user, skip_permission_checks=True)
    review.status = CourseReview.Status.APPROVED
    review.decided_by, review.decided_at = user, timezone.now()
    review.save(update_fields=["status", "decided_by", "decided_at"])
    logger.info("course review %s approved: %d pages published", review.pk, len(items))
    transaction.on_commit(lambda: _tell_submitter(review))
    return review


@transaction.atomic
def course_review_reject(*, review: CourseReview, user, comment: str) -> CourseReview:
    """Send the course back with a comment (required: the author must learn what to change)."""
    review = _locked_open(review)
    if not may_decide(review, user):
        raise PermissionDenied("Authors of a change do not decide it.")
    if not comment.strip():
        raise ValidationError(_("Please say what should be changed."))
    review.status = CourseReview.Status.REJECTED
    review.decided_by, review.decided_at = user, timezone.now()
    review.comment = comment.strip()
    review.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    transaction.on_commit(lambda: _tell_submitter(review))
    return review
