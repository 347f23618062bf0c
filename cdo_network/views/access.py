"""Access rule shared by the views: the network is for members (staff of member bodies)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from ..selectors import is_network_member


def member_required(view):
    """Signed-in network members only: others are sent to log in, or refused (403)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_network_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
