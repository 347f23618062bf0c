"""The operator's pages at fixed addresses, linked from every footer: the live Wagtail page of
each kind, or its German default text while the operator has not published one (a footer link
never leads nowhere). The accessibility statement carries the feedback form."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..forms import AccessibilityFeedbackForm
from ..legal_content import PAGES
from ..models import AccessibilityStatementPage, LegalPage
from ..services import legal as services


@require_http_methods(["GET", "HEAD"])
def legal_page(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in PAGES:
        raise Http404
    page = LegalPage.objects.live().filter(kind=kind).first() or services.legal_page_default(kind)
    return render(request, LegalPage.template, {"page": page, "self": page})


@require_http_methods(["GET", "HEAD", "POST"])
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    page = (
        AccessibilityStatementPage.objects.live().first()
        or services.accessibility_statement_default()
    )
    form = AccessibilityFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.accessibility_feedback_submit(**form.cleaned_data)
        messages.success(request, _("Thank you. Your feedback has been sent to the operator."))
        return HttpResponseRedirect(reverse("accessibility_statement") + "#rueckmeldung")
    context = {"page": page, "self": page, "form": form}
    return render(
        request, AccessibilityStatementPage.template, context, status=400 if form.errors else 200
    )
