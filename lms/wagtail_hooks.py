"""Wagtail hooks of the learning core: signed-in learners get course, lesson and quiz pages
with their progress and actions, at the pages' own URLs."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from courses.models import CoursePage, LessonPage, QuizPage

from .models import AccessibilityFeedback, IdentityProvider, LrsEndpoint
from .services.access import learning_access_denied
from .views import learning


@hooks.register("before_serve_page")
def serve_learning_pages(page, request, serve_args, serve_kwargs):
    if request.method not in ("GET", "HEAD") or getattr(request, "is_preview", False):
        return None
    if isinstance(page, CoursePage):
        handler = learning.serve_course_page
    elif isinstance(page, LessonPage | QuizPage) and request.user.is_authenticated:
        handler = (
            learning.serve_lesson_page if isinstance(page, LessonPage) else learning.serve_quiz_page
        )
    else:
        return None
    # Privacy settings (password, login, groups) first: returning None lets Wagtail's own
    # ``check_view_restrictions`` hook, which runs after this one, refuse the request.
    if learning_access_denied(page=page, request=request):
        return None
    return handler(request, page)


class AccessibilityFeedbackViewSet(SnippetViewSet):
    """The operator's list of accessibility feedback (also mailed on arrival)."""

    model = AccessibilityFeedback
    icon = "help"
    menu_label = _("Accessibility feedback")
    add_to_admin_menu = True
    list_display = ["created_at", "page_url", "message", "email", "handled_at"]
    list_filter = ["handled_at"]
    ordering = ["-created_at"]


register_snippet(AccessibilityFeedbackViewSet)


class IdentityProviderViewSet(SnippetViewSet):
    """Single sign-on: the identity providers of municipalities (docs/sso-einrichten.md)."""

    model = IdentityProvider
    icon = "key"
    menu_label = _("Single sign-on")
    add_to_settings_menu = True
    list_display = ["name", "slug", "email_domains", "is_active"]
    list_filter = ["is_active"]


register_snippet(IdentityProviderViewSet)


class LrsEndpointViewSet(SnippetViewSet):
    """Learning record stores the learning record is forwarded to (docs/betrieb.md, xAPI)."""

    model = LrsEndpoint
    icon = "upload"
    menu_label = _("Learning record stores")
    add_to_settings_menu = True
    list_display = ["name", "url", "is_active", "last_delivered_at", "failures", "last_error"]
    list_filter = ["is_active"]


register_snippet(LrsEndpointViewSet)
