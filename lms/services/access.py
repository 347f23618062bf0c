"""One access check for every learning action: Wagtail's page privacy of the page and all its
ancestors (the course included) and the page being live.

Wagtail refuses restricted *pages*, but the learning actions (enrol, heartbeat, mark done,
quiz start, page save, submit, result, certificate) are our own URLs and services: without
this check a person outside a course's group could enrol, take its quiz and get a certificate.
Views check with the request (so a password restriction needs the password given in this
session, as Wagtail asks); services check again by identity (login and group restrictions),
so no caller can skip it — a password is a shared secret, not an identity, and is left to the
views.
"""

from django.core.cache import cache
from django.db import transaction
from wagtail.models import Page, PageViewRestriction

from ..models import User

RESTRICTED_PATHS_CACHE_KEY = "learning:restricted-page-paths:v1"
RESTRICTED_PATHS_SECONDS = 10 * 60
_PATH_STEP = Page.steplen


def _restricted_paths() -> frozenset[str]:
    """Tree paths of every page with a privacy restriction, and of every alias of one (Wagtail
    applies a source page's restrictions to its aliases). Few pages are restricted, so the set
    is small; it is cached and dropped whenever a restriction or a page changes (see
    ``forget_restricted_paths``), so most learning requests need no restriction query at all."""
    paths = cache.get(RESTRICTED_PATHS_CACHE_KEY)
    if paths is None:
        restricted_ids = set(PageViewRestriction.objects.values_list("page_id", flat=True))
        paths = frozenset(
            Page.objects.filter(pk__in=restricted_ids).values_list("path", flat=True)
        ) | frozenset(
            Page.objects.filter(alias_of_id__in=restricted_ids).values_list("path", flat=True)
        )
        cache.set(RESTRICTED_PATHS_CACHE_KEY, paths, RESTRICTED_PATHS_SECONDS)
    return paths


def forget_restricted_paths(**kwargs) -> None:
    """Drop the cached paths now and again when the transaction commits (a request that
    recomputed them meanwhile could not yet see the uncommitted change)."""
    cache.delete(RESTRICTED_PATHS_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(RESTRICTED_PATHS_CACHE_KEY))


def _may_be_restricted(page: Page) -> bool:
    """Whether the page or one of its ancestors is (or is an alias of) a restricted page."""
    paths = _restricted_paths()
    if not paths:
        return False
    return any(
        page.path[:end] in paths for end in range(_PATH_STEP, len(page.path) + 1, _PATH_STEP)
    )


def _view_restrictions(page: Page) -> list:
    """The privacy restrictions of the page and its ancestors, looked up once per page
    object (a request asks for them in the serve hook, the view and the service), and only
    for pages that can have any."""
    cached = page.__dict__.get("_learning_view_restrictions")
    if cached is None:
        cached = list(page.get_view_restrictions()) if _may_be_restricted(page) else []
        page._learning_view_restrictions = cached
    return cached


def learning_access_denied(*, page: Page, user: User | None = None, request=None) -> bool:
    """Whether the person (``request.user`` or ``user``) may not learn on ``page``. One query
    for the restrictions, none more when there are none."""
    if not page.live:
        return True
    restrictions = _view_restrictions(page)
    if not restrictions:
        return False
    if request is not None:
        return any(not restriction.accept_request(request) for restriction in restrictions)
    for restriction in restrictions:
        if restriction.restriction_type == PageViewRestriction.LOGIN:
            if user is None or not user.is_authenticated:
                return True
        elif restriction.restriction_type == PageViewRestriction.GROUPS:
            if user is None or not user.is_authenticated:
                return True
            if not user.is_superuser and not restriction.groups.filter(user=user).exists():
                return True
    return False


def page_paths_hidden_from(request) -> list[str]:
    """Tree paths of the restricted pages (and their aliases) ``request`` may not see: the
    search leaves out everything below them. No query while no page is restricted."""
    if not _restricted_paths():
        return []
    restrictions = PageViewRestriction.objects.select_related("page").only(
        "restriction_type", "password", "page__path", "page__id"
    )
    failing = [r for r in restrictions if not r.accept_request(request)]
    if not failing:
        return []
    paths = {restriction.page.path for restriction in failing}
    paths |= set(
        Page.objects.filter(alias_of_id__in=[r.page_id for r in failing]).values_list(
            "path", flat=True
        )
    )
    return sorted(paths)
