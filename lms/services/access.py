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

from wagtail.models import Page, PageViewRestriction

from ..models import User


def _view_restrictions(page: Page) -> list:
    """The privacy restrictions of the page and its ancestors, looked up once per page
    object (a request asks for them in the serve hook, the view and the service)."""
    cached = page.__dict__.get("_learning_view_restrictions")
    if cached is None:
        cached = page._learning_view_restrictions = list(page.get_view_restrictions())
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
