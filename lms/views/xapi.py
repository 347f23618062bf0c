"""The IRIs in our xAPI statements resolve: an activity (course, lesson, quiz) answers a record
store or a developer asking for JSON with its definition, and sends a browser to the page; a
context extension answers with its description."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET
from wagtail.models import Page

from courses.models import CoursePage, LessonPage, QuizPage

from .. import xapi
from ..services.access import learning_access_denied


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "json" in accept and "text/html" not in accept


@require_GET
def activity(request: HttpRequest, page_id: int) -> HttpResponse:
    learning_pages = Page.objects.live().type(CoursePage, LessonPage, QuizPage)
    page = get_object_or_404(learning_pages, pk=page_id)
    if not _wants_json(request):
        return redirect(page.url)
    if learning_access_denied(page=page):  # restricted courses: only the page, which asks
        raise Http404
    return JsonResponse(
        {
            "id": xapi.activity_id(page.pk),
            "objectType": "Activity",
            "definition": xapi.activity_definition(name=page.title, kind=xapi.activity_kind(page)),
        }
    )


@require_GET
def extension(request: HttpRequest, name: str) -> HttpResponse:
    if name not in xapi.EXTENSIONS:
        raise Http404
    german, english = xapi.EXTENSIONS[name]
    return JsonResponse(
        {"id": xapi.extension_iri(name), "description": {"de-DE": german, "en-US": english}}
    )
