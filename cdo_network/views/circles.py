"""Views of the expert circles. Every object is looked up through the reader's scope; a closed
circle, its threads, posts and attachments are a 404 to anyone who is not an active member."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import PostForm, ReportForm, ThreadForm
from ..models import CircleMembership, Post, PostAttachment, Thread
from ..services.circles import MODERATE, PARTICIPATE
from .access import member_required


@member_required
def circle_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cdo_network/circle_list.html",
        {"circles": selectors.circles_for(user=request.user)},
    )


@member_required
def circle_detail(request: HttpRequest, slug: str) -> HttpResponse:
    circle = selectors.circle_for_reading(user=request.user, slug=slug)
    can_post = request.user.has_perm(PARTICIPATE, circle)
    is_moderator = request.user.has_perm(MODERATE, circle)
    context = {
        "circle": circle,
        "threads": selectors.circle_threads(circle=circle),
        "moderators": selectors.circle_moderators(circle=circle),
        "pending": selectors.circle_pending_requests(circle=circle) if is_moderator else [],
        "members": selectors.circle_members(circle=circle) if can_post else [],
        "can_post": can_post,
        "is_moderator": is_moderator,
        "form": ThreadForm() if can_post else None,
        "digest": bool(circle.my_digest),
    }
    return render(request, "cdo_network/circle_detail.html", context)


@member_required
@require_POST
def circle_join(request: HttpRequest, slug: str) -> HttpResponse:
    circle = get_object_or_404(selectors.circles_for(user=request.user), slug=slug)
    membership = services.circle_join(circle=circle, user=request.user)
    if membership.status == CircleMembership.Status.ACTIVE:
        messages.success(request, _("Welcome to the circle “%(name)s”.") % {"name": circle.name})
        return redirect("cdo_network:circle_detail", slug=circle.slug)
    messages.success(request, _("Your request has been sent to the moderators."))
    return redirect("cdo_network:circle_list")


@member_required
@require_POST
def circle_leave(request: HttpRequest, slug: str) -> HttpResponse:
    circle = get_object_or_404(selectors.circles_for(user=request.user), slug=slug)
    services.circle_leave(circle=circle, user=request.user)
    messages.success(request, _("You have left the circle."))
    return redirect("cdo_network:circle_list")


@member_required
@require_POST
def circle_digest(request: HttpRequest, slug: str) -> HttpResponse:
    circle = selectors.circle_for_reading(user=request.user, slug=slug)
    digest = request.POST.get("digest") == "1"
    services.circle_digest_set(circle=circle, user=request.user, digest=digest)
    if digest:
        messages.success(request, _("You will receive a daily digest of new posts."))
    else:
        messages.success(request, _("The daily digest is switched off."))
    return redirect("cdo_network:circle_detail", slug=circle.slug)


@member_required
@require_POST
def circle_approve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = selectors.circle_for_reading(user=request.user, slug=slug)
    if not request.user.has_perm(MODERATE, circle):
        raise Http404
    membership = get_object_or_404(
        CircleMembership, circle=circle, pk=pk, status=CircleMembership.Status.PENDING
    )
    services.circle_membership_approve(membership=membership, moderator=request.user)
    messages.success(request, _("%(name)s is now a member.") % {"name": membership.user.full_name})
    return redirect("cdo_network:circle_detail", slug=circle.slug)


@member_required
@require_POST
def thread_create(request: HttpRequest, slug: str) -> HttpResponse:
    circle = selectors.circle_for_reading(user=request.user, slug=slug)
    if not request.user.has_perm(PARTICIPATE, circle):
        raise PermissionDenied
    form = ThreadForm(request.POST, request.FILES)
    if form.is_valid():
        thread = services.thread_create(
            circle=circle,
            author=request.user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            files=form.cleaned_data["attachments"],
        )
        return redirect("cdo_network:thread_detail", slug=circle.slug, pk=thread.pk)
    context = {
        "circle": circle,
        "threads": selectors.circle_threads(circle=circle),
        "moderators": selectors.circle_moderators(circle=circle),
        "pending": [],
        "can_post": True,
        "is_moderator": request.user.has_perm(MODERATE, circle),
        "form": form,
    }
    return render(request, "cdo_network/circle_detail.html", context, status=400)


def _thread_in_scope(request, slug: str, pk: int) -> Thread:
    circle = selectors.circle_for_reading(user=request.user, slug=slug)
    return get_object_or_404(Thread.objects.select_related("circle"), circle=circle, pk=pk)


@member_required
def thread_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    thread = _thread_in_scope(request, slug, pk)
    can_post = request.user.has_perm(PARTICIPATE, thread.circle)
    form = PostForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if not can_post:
            raise PermissionDenied
        if form.is_valid():
            try:
                post = services.post_create(
                    thread=thread,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    files=form.cleaned_data["attachments"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect(f"{request.path}#post-{post.pk}")
        status = 400
    context = {
        "circle": thread.circle,
        "thread": thread,
        "posts": selectors.thread_posts(thread=thread),
        "can_post": can_post,
        "is_moderator": request.user.has_perm(MODERATE, thread.circle),
        "form": form,
        "report_form": ReportForm(),
    }
    return render(request, "cdo_network/thread_detail.html", context, status=status)


def _post_in_scope(request, slug: str, pk: int) -> Post:
    circle = selectors.circle_for_reading(user=request.user, slug=slug)
    return get_object_or_404(
        Post.objects.select_related("thread__circle"), thread__circle=circle, pk=pk
    )


@member_required
@require_POST
def post_hide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    post = _post_in_scope(request, slug, pk)
    if not request.user.has_perm(MODERATE, post.thread.circle):
        raise Http404
    services.post_hide(post=post, moderator=request.user, hidden=request.POST.get("hide") != "0")
    return redirect(_thread_url(post))


def _thread_url(post: Post) -> str:
    url = reverse(
        "cdo_network:thread_detail", kwargs={"slug": post.thread.circle.slug, "pk": post.thread_id}
    )
    return f"{url}#post-{post.pk}"


@member_required
@require_POST
def post_report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    post = _post_in_scope(request, slug, pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please say why you are reporting the post."))
        return redirect(_thread_url(post))
    services.post_report(post=post, reporter=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("Thank you. The moderators have been informed."))
    return redirect(_thread_url(post))


@member_required
def attachment_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    circle = selectors.circle_for_reading(user=request.user, slug=slug)
    attachment = get_object_or_404(
        PostAttachment.objects.select_related("post"),
        post__thread__circle=circle,
        pk=pk,
    )
    if attachment.post.is_hidden and not request.user.has_perm(MODERATE, circle):
        raise Http404
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
