"""Certificate pages: public verification, the learner's list and downloads, HR revocation,
correction and ZIP export, the admin preview of a template. Views check permission, parse input,
call one service or selector and render; 404 for anything the user may not see."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.models import CoursePage
from lms.models import Organisation
from lms.security.ratelimit import rate_limit_exceeded
from lms.selectors import organisations_visible_to

from . import badges, selectors, services
from .archive import zip_archive_chunks
from .badges import open_badge_credential, open_badge_jwt, platform_jwk
from .codes import canonical_verification_code
from .forms import CertificateCorrectionForm
from .models import Certificate, CertificateExport, CertificateTemplate
from .rendering import CertificateSnapshot, render_certificate_pdf

PDF_MAGIC = b"%PDF-"


def _too_many(request) -> HttpResponse:
    response = render(request, "certificates/rate_limited.html", status=429)
    response["Retry-After"] = "60"
    return response


def _public(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public, no login: the certificate's state with name, course, dates, issuer; nothing else."""
    if rate_limit_exceeded(request, scope="verify", limit=settings.CERTIFICATE_VERIFY_RATE_LIMIT):
        return _too_many(request)
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        return _public(render(request, "certificates/verify_unknown.html", status=404))
    state = certificate.public_state
    if state == "erased":  # the holder was erased (DSGVO): gone, and nothing about them
        return _public(render(request, "certificates/verify_erased.html", status=410))
    context = {"certificate": certificate, "state": state}
    if state == "superseded":
        context["replacement"] = selectors.certificate_replacement(certificate)
    return _public(render(request, "certificates/verify.html", context))


@require_http_methods(["GET", "POST"])
def verify_start(request: HttpRequest) -> HttpResponse:
    """Enter a code, or drop a PDF to learn whether it is byte-identical to an issued one."""
    if request.method == "GET" and request.GET.get("code"):
        code = request.GET["code"].strip()
        canonical = canonical_verification_code(code)
        if canonical or code.replace("-", "").replace("_", "").isalnum():
            return redirect("certificate_verify", code=canonical or code)
    context = {"checked": False}
    if request.method == "POST":
        if rate_limit_exceeded(
            request, scope="verify-upload", limit=settings.CERTIFICATE_VERIFY_RATE_LIMIT
        ):
            return _too_many(request)
        upload = request.FILES.get("pdf")
        error = None
        if upload is None:
            error = _("Please choose a PDF file.")
        elif upload.size > settings.CERTIFICATE_UPLOAD_MAX_BYTES:
            error = _("The file is larger than 10 MB; no certificate is that large.")
        else:
            head = upload.read(len(PDF_MAGIC))
            if head != PDF_MAGIC:
                error = _("This is not a PDF file.")
        if error:
            context["error"] = error
            return _public(render(request, "certificates/verify_start.html", context, status=400))
        upload.seek(0)
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        certificate = selectors.certificate_by_sha256(digest.hexdigest())
        context.update(
            {
                "checked": True,
                "certificate": certificate,
                "state": certificate.public_state if certificate else None,
            }
        )
    return _public(render(request, "certificates/verify_start.html", context))


# --- Learner -------------------------------------------------------------------------------


@login_required
@require_GET
def certificate_list(request: HttpRequest) -> HttpResponse:
    """ "Meine Zertifikate": download, share link and Open Badge per certificate."""
    certificates = list(selectors.certificates_of_learner(request.user))
    return render(request, "certificates/certificate_list.html", {"certificates": certificates})


def _own_certificate(request, pk: int) -> Certificate:
    return get_object_or_404(Certificate.objects.current().available(), pk=pk, user=request.user)


@login_required
@require_GET
def certificate_download(request: HttpRequest, pk: int) -> FileResponse:
    """The stored PDF, byte for byte, for its owner only (others get a 404)."""
    certificate = _own_certificate(request, pk)
    if not certificate.pdf:
        raise Http404(_("The PDF is still being created."))
    return FileResponse(
        default_storage.open(certificate.pdf.name, "rb"),
        as_attachment=True,
        filename=f"Zertifikat-{certificate.serial}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_GET
def certificate_badge(request: HttpRequest, pk: int) -> HttpResponse:
    """The Open Badges 3.0 credential: ``?format=json`` the credential, else the signed JWT."""
    certificate = _own_certificate(request, pk)
    if request.GET.get("format") == "json":
        response = JsonResponse(open_badge_credential(certificate), json_dumps_params={"indent": 2})
        response["Content-Type"] = "application/ld+json"
    else:
        response = HttpResponse(open_badge_jwt(certificate), content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="Badge-{certificate.serial}.' + (
        'json"' if request.GET.get("format") == "json" else 'jwt"'
    )
    return response


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """The public key that verifies the Open Badge credentials (JWK Set)."""
    return JsonResponse({"keys": [platform_jwk()]})


@require_GET
def signing_key(request: HttpRequest, kid: str) -> JsonResponse:
    """The key a badge's ``kid`` names, as a JWK (OB 3.0: the kid dereferences to a JWK)."""
    jwk = platform_jwk()
    if kid != jwk["kid"]:
        raise Http404
    return JsonResponse(jwk)


@require_GET
def issuer(request: HttpRequest) -> JsonResponse:
    """The Open Badges issuer profile."""
    return JsonResponse(badges.issuer_profile(), content_type="application/ld+json")


@require_GET
def achievement(request: HttpRequest, course_id: int) -> JsonResponse:
    """A course as the Open Badges achievement its certificates attest."""
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    return JsonResponse(
        {
            "@context": badges.OB_CONTEXT,
            **badges.achievement(
                course_id=course.pk,
                name=course.title,
                description=course.teaser,
                issuer_name=settings.CERTIFICATE_ISSUER_NAME,
            ),
        },
        content_type="application/ld+json",
    )


@require_GET
def status_list(request: HttpRequest, number: int) -> HttpResponse:
    """A revocation list (W3C Bitstring Status List) as a signed VC-JWT. Not cached by
    browsers or proxies: a revocation counts from the next check on."""
    last = Certificate.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if number > last // badges.STATUS_LIST_BITS:
        raise Http404
    response = HttpResponse(badges.status_list_jwt(number), content_type="application/vc+jwt")
    response["Cache-Control"] = "no-cache"
    return response


@login_required
@require_POST
def recertify(request: HttpRequest, course_id: int) -> HttpResponse:
    """Start the next cycle of a course whose certificate is expired or due within 90 days."""
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        services.enrolment_recertify(user=request.user, course=course)
    except services.CertificateError as error:
        raise Http404(_("Recertification is not available for this course.")) from error
    messages.success(request, _("Recertification started. Your new cycle begins now."))
    return HttpResponseRedirect(course.url)


# --- HR ------------------------------------------------------------------------------------


def _hr_organisations(request) -> list[Organisation]:
    organisations = list(organisations_visible_to(request.user).order_by("path"))
    if not organisations:
        raise Http404
    return organisations


@login_required
@require_GET
def hr_certificate_list(request: HttpRequest) -> HttpResponse:
    """Certificates of the organisations the HR user may see, filterable by unit."""
    organisations = _hr_organisations(request)
    selected = None
    if request.GET.get("organisation"):
        selected = next(
            (o for o in organisations if str(o.pk) == request.GET["organisation"]), None
        )
        if selected is None:
            raise Http404
    certificates = list(selectors.hr_certificate_list(request.user, selected))
    context = {
        "organisations": organisations,
        "selected": selected,
        "certificates": certificates,
    }
    return render(request, "certificates/hr_certificate_list.html", context)


@login_required
@require_POST
def certificate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke with a reason: HR for people of their organisations, or a platform admin."""
    certificate = get_object_or_404(selectors.certificates_visible_to(request.user), pk=pk)
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, _("Please give a reason for the revocation."))
    else:
        try:
            services.certificate_revoke(certificate=certificate, by=request.user, reason=reason)
        except services.CertificateError:
            messages.error(request, _("This certificate cannot be revoked."))
        else:
            messages.success(
                request,
                _("Certificate %(serial)s revoked.") % {"serial": certificate.serial},
            )
    return redirect("certificate_hr_list")


@login_required
@require_http_methods(["GET", "POST"])
def certificate_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the name printed on a certificate, with four eyes: one person proposes the name
    and the reason, a second one (neither the proposer nor the holder) confirms, and only then
    is it re-issued under a new number, the old one superseded. Same scope as revocation (HR of
    the person's organisations, or a platform admin); a bad entry shows the form again with
    everything typed kept."""
    certificate = get_object_or_404(
        selectors.certificates_visible_to(request.user).available(), pk=pk
    )
    correctable = certificate.status in (Certificate.Status.PENDING, Certificate.Status.ISSUED)
    action = request.POST.get("aktion", "") if request.method == "POST" else ""
    proposing = request.method == "POST" and not action
    form = CertificateCorrectionForm(request.POST if proposing else None, certificate=certificate)
    own = certificate.user_id == request.user.pk
    problem = ""  # shown above the form (the form itself may not have been sent)
    if own and request.method == "POST":
        problem = _(
            "Nobody corrects the name on their own certificate. Please ask a colleague "
            "of HR or the platform administration."
        )
    elif correctable and action == "bestaetigen":
        try:
            new = services.certificate_correction_confirm(certificate=certificate, by=request.user)
        except services.CertificateError:
            problem = _("A second person must confirm the correction: not the one who proposed it.")
        else:
            messages.success(
                request,
                _(
                    "Certificate %(old)s corrected: it is replaced by certificate %(new)s, "
                    "whose PDF is being created."
                )
                % {"old": certificate.serial, "new": new.serial},
            )
            return redirect("certificate_hr_list")
    elif correctable and action == "verwerfen":
        services.certificate_correction_withdraw(certificate=certificate)
        messages.success(request, _("The proposed correction has been discarded."))
        return redirect("certificate_hr_list")
    elif correctable and proposing and form.is_valid():
        try:
            services.certificate_correction_propose(
                certificate=certificate,
                by=request.user,
                learner_name=form.cleaned_data["learner_name"],
                reason=form.cleaned_data["reason"],
            )
        except services.CertificateError:
            form.add_error(None, _("This certificate can no longer be corrected."))
        else:
            messages.success(
                request,
                _(
                    "The correction of certificate %(serial)s is proposed. A second person of HR "
                    "or the platform administration must confirm it before it is re-issued."
                )
                % {"serial": certificate.serial},
            )
            return redirect("certificate_hr_list")
    status = 400 if request.method == "POST" else 200  # a successful POST has redirected
    certificate.refresh_from_db()
    context = {
        "certificate": certificate,
        "form": form,
        "correctable": correctable,
        "proposal_is_mine": certificate.correction_proposed_by_id == request.user.pk,
        "problem": problem,
    }
    return render(request, "certificates/certificate_correct.html", context, status=status)


@login_required
@require_GET
def organisation_zip(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """All current certificates of an organisation unit (with sub-units) as one ZIP: streamed
    when small, else built by a Celery task whose progress the export page polls (htmx)."""
    organisation = get_object_or_404(organisations_visible_to(request.user), pk=organisation_id)
    certificates = selectors.certificates_for_export(request.user, organisation)
    if certificates.count() > settings.CERTIFICATE_ZIP_STREAM_LIMIT:
        export = services.certificate_export_request(user=request.user, organisation=organisation)
        return redirect("certificate_export", pk=export.pk)
    response = StreamingHttpResponse(
        zip_archive_chunks(certificates.iterator(chunk_size=500)), content_type="application/zip"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="Zertifikate-{slugify(organisation.name)}-{stamp}.zip"'
    )
    return response


@login_required
@require_GET
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress of a ZIP being built; htmx polls the partial until the download is ready."""
    export = get_object_or_404(
        CertificateExport.objects.select_related("organisation"), pk=pk, requested_by=request.user
    )
    template = (
        "certificates/partials/export_status.html"
        if request.htmx
        else "certificates/export_status.html"
    )
    return render(request, template, {"export": export})


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    export = get_object_or_404(
        CertificateExport, pk=pk, requested_by=request.user, status=CertificateExport.Status.READY
    )
    return FileResponse(
        default_storage.open(export.file.name, "rb"),
        as_attachment=True,
        filename=f"Zertifikate-{export.pk}.zip",
        content_type="application/zip",
    )


# --- Wagtail admin -------------------------------------------------------------------------


def template_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """A sample certificate in the template's wording, colours and logo (admin only)."""
    template = get_object_or_404(CertificateTemplate, pk=pk)
    logo = None
    if template.logo_id:
        with template.logo.file.open("rb") as handle:
            logo = handle.read()
    snapshot = CertificateSnapshot(
        serial=f"{settings.CERTIFICATE_SERIAL_PREFIX}-{date.today().year}-000000",
        code="VORSCHAU",
        learner_name="Maria Musterfrau",
        course_title="Musterkurs: Digitale Verwaltung",
        content_revision="Vorschau",
        modules=("Grundlagen", "Vertiefung", "Abschlussprüfung"),
        hours=Decimal("4"),
        issued_on=timezone.localdate(),
        valid_until=None,
        issuer_name=template.issuer_name,
        signatory_name=template.signatory_name,
        signatory_role=template.signatory_role,
        wording=template.wording,
        colour=template.colour,
        logo=logo,
        verify_url=settings.SITE_URL + "/verify/VORSCHAU/",
    )
    response = HttpResponse(render_certificate_pdf(snapshot), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="Vorschau.pdf"'
    return response
