"""Admin views of the course review (in the Wagtail admin, under /cms/kurspruefung/): submit a
course's changes, list the reviews, read one with a diff per page and decide it. Thin: the
rules are in ``courses.reviews``."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail.admin.panels import get_edit_handler

from .models import CoursePage, CourseReview
from .reviews import (
    course_changed_pages,
    course_review_approve,
    course_review_reject,
    course_review_submit,
    may_decide,
    may_submit,
    review_authors,
    review_fingerprint,
)
from .services import trainers_queryset


class SubmitForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Note to the reviewers (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Comment (required when you request changes)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    fingerprint = forms.CharField(widget=forms.HiddenInput)


# Bookkeeping of the page tree and of publishing: not content a reviewer judges (and stored
# with different time zone forms in revisions, so they would always look changed).
NOT_CONTENT = {
    "path",
    "depth",
    "numchild",
    "first_published_at",
    "last_published_at",
    "latest_revision_created_at",
    "live",
    "has_unpublished_changes",
    "url_path",
    "draft_title",
}


def changes_of(page, *, before_revision, after_revision, request) -> list:
    """Wagtail's field comparisons of the page between two revisions (``before_revision`` None:
    a new page, compared with an empty one), only the content fields that changed."""
    model = page.specific_class
    after = after_revision.as_object()
    before = before_revision.as_object() if before_revision else model()
    panel = get_edit_handler(model).get_bound_panel(instance=after, request=request, form=None)
    result = []
    for comparison_class in panel.get_comparison():
        comparison = comparison_class(before, after)
        if getattr(getattr(comparison, "field", None), "name", None) in NOT_CONTENT:
            continue
        if comparison.has_changed():
            result.append(comparison)
    return result


def _visible_review(request, pk: int) -> CourseReview:
    """Trainers, platform admins and the submitter see a review; everyone else gets a 404."""
    review = get_object_or_404(CourseReview.objects.select_related("course", "submitted_by"), pk=pk)
    user = request.user
    if not (
        user.is_superuser
        or review.submitted_by_id == user.pk
        or trainers_queryset().filter(pk=user.pk).exists()
    ):
        raise Http404
    return review


@require_http_methods(["GET", "POST"])
def submit(request, course_id: int):
    course = get_object_or_404(CoursePage, pk=course_id)
    if not may_submit(course, request.user):
        raise Http404
    pages = course_changed_pages(course)
    form = SubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = course_review_submit(
                course=course, user=request.user, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The course was submitted for review with %(count)s changed pages.")
                % {"count": review.items.count()},
            )
            return redirect("course_review_detail", review.pk)
    return render(
        request,
        "courses/admin/course_review_submit.html",
        {"course": course, "pages": pages, "form": form},
    )


def review_list(request):
    """Open reviews first, then the decided ones; each with its number of pages."""
    if not (request.user.is_superuser or trainers_queryset().filter(pk=request.user.pk).exists()):
        raise Http404
    open_first = Case(When(status=CourseReview.Status.OPEN, then=0), default=1)
    reviews = (
        CourseReview.objects.select_related("course", "submitted_by", "decided_by")
        .annotate(pages=Count("items"))
        .order_by(open_first, "-submitted_at", "-pk")
    )
    page = Paginator(reviews, 25).get_page(request.GET.get("p"))
    return render(request, "courses/admin/course_review_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def detail(request, pk: int):
    review = _visible_review(request, pk)
    authors = review_authors(review)  # read once: the decision and the page both need it
    deciding = may_decide(review, request.user, authors=authors)
    form = DecisionForm(request.POST or None, initial={"fingerprint": review_fingerprint(review)})
    decision_errors = []
    if request.method == "POST":
        if not deciding:
            raise PermissionDenied
        if form.is_valid():
            try:
                if "approve" in request.POST:
                    course_review_approve(
                        review=review,
                        user=request.user,
                        fingerprint=form.cleaned_data["fingerprint"],
                    )
                    messages.success(request, _("Approved: the course's changes are live."))
                else:
                    course_review_reject(
                        review=review, user=request.user, comment=form.cleaned_data["comment"]
                    )
                    messages.success(request, _("Changes requested: the author has been told."))
                return redirect("course_review_detail", review.pk)
            except ValidationError as error:
                # A fresh form: it carries the fingerprint of what the page shows now, so the
                # reviewer can decide again after reading it (the comment is kept).
                comment = form.cleaned_data.get("comment", "")
                form = DecisionForm(
                    initial={"fingerprint": review_fingerprint(review), "comment": comment}
                )
                decision_errors = error.messages
    items = []
    for item in review.items.select_related("page", "revision__user", "live_revision").order_by(
        "page__path"
    ):
        items.append(
            {
                "item": item,
                "changes": changes_of(
                    item.page,
                    before_revision=item.live_revision,
                    after_revision=item.revision,
                    request=request,
                ),
            }
        )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "courses/admin/course_review_detail.html",
        {
            "review": review,
            "items": items,
            "form": form,
            "deciding": deciding,
            "decision_errors": decision_errors,
            "is_author": request.user.pk in authors,
        },
        status=status,
    )
