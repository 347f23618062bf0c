"""Signal receivers of the learning core."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation


@receiver(user_logged_in)
def activate_preferred_language(sender, request, user, **kwargs):
    """Render the rest of the login request in the person's preferred language."""
    if getattr(user, "preferred_language", None):
        translation.activate(user.preferred_language)
