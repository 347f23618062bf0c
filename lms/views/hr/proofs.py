"""Proofs of external training: uploaded by the employee or by HR, reviewed by HR, downloaded
by the person and HR in scope only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ...forms_hr import ExternalQualificationForm, ReviewForm
from ...models import ExternalQualification
from ...selectors.hr.people import people_visible_to
from ...services.qualifications import external_qualification_review, external_qualification_upload


def _external_upload(request, person, *, redirect_to, template, extra):

    form = ExternalQualificationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        external_qualification_upload(user=person, uploaded_by=request.user, **form.cleaned_data)
        messages.success(request, _("The proof was uploaded and is waiting for review by HR."))
        return redirect_to
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form, "person": person, **extra}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def external_upload(request: HttpRequest, user_id: int) -> HttpResponse:
    """HR uploads proof of external training for a person in their scope."""
    person = get_object_or_404(people_visible_to(request.user), pk=user_id)
    return _external_upload(
        request,
        person,
        redirect_to=redirect("hr_employee", user_id=person.pk),
        template="lms/hr/external_upload.html",
        extra={"hr": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def learning_external_upload(request: HttpRequest) -> HttpResponse:
    """An employee uploads proof of their own external training and sees their uploads."""
    own = ExternalQualification.objects.filter(user=request.user).select_related("course")
    return _external_upload(
        request,
        request.user,
        redirect_to=redirect("learning_external_upload"),
        template="lms/hr/external_upload.html",
        extra={"hr": False, "uploads": own.order_by("-uploaded_at")},
    )


@login_required
@require_POST
def external_review(request: HttpRequest, user_id: int, pk: int) -> HttpResponse:
    """HR approves or rejects an external qualification of a person in scope."""
    person = get_object_or_404(
        people_visible_to(request.user).exclude(pk=request.user.pk), pk=user_id
    )
    qualification = get_object_or_404(ExternalQualification, user=person, pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    approve = form.cleaned_data["decision"] == "approve"
    external_qualification_review(
        qualification=qualification, reviewed_by=request.user, approve=approve
    )
    if approve:
        text = _("The proof “%(title)s” was approved.")
    else:
        text = _("The proof “%(title)s” was rejected.")
    messages.success(request, text % {"title": qualification.title})
    return redirect("hr_employee", user_id=person.pk)


@login_required
@require_GET
def external_download(request: HttpRequest, pk: int) -> FileResponse:
    """The proof file, for the person it belongs to and HR in scope; 404 for everyone else."""
    qualification = get_object_or_404(ExternalQualification, pk=pk)
    if qualification.user_id != request.user.pk and not (
        people_visible_to(request.user).filter(pk=qualification.user_id).exists()
    ):
        raise Http404
    response = FileResponse(
        qualification.file.open("rb"),
        as_attachment=True,
        filename=f"nachweis-{qualification.pk}.pdf",
        content_type="application/pdf",
    )
    return response
