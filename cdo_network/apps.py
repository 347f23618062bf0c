"""The CDO network: directory, expert circles, events, projects and funding programmes."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def export_personal_data(user) -> tuple[str, dict]:
    """The person's directory profile, forum posts and event registrations, for the learner's
    data export (``lms.services.privacy.DATA_EXPORTERS``)."""
    from .models import Post, Profile, Registration

    profile = Profile.objects.filter(user=user).select_related("organisation").first()
    posts = Post.objects.filter(author=user).select_related("thread").order_by("created_at", "pk")
    registrations = (
        Registration.objects.filter(user=user).select_related("event").order_by("queued_at")
    )
    return "cdo_network", {
        "profile": None
        if profile is None
        else {
            "listed": profile.listed,
            "organisation": profile.organisation.name if profile.organisation else None,
            "role_title": profile.role_title,
            "topics": [topic.name for topic in profile.topics.all()],
            "bio": profile.bio,
            "contact_preference": profile.contact_preference,
            "contact_detail": profile.contact_detail,
            "visibility": {
                field: getattr(profile, f"{field}_visibility") for field in Profile.VISIBLE_FIELDS
            },
            "updated_at": profile.updated_at,
        },
        "posts": [
            {
                "thread": post.thread.title,
                "body": post.body,
                "created_at": post.created_at,
                "hidden_at": post.hidden_at,
            }
            for post in posts
        ],
        "event_registrations": [
            {
                "event": registration.event.title,
                "start": registration.event.start,
                "status": registration.status,
                "queued_at": registration.queued_at,
                "attended": registration.attended,
            }
            for registration in registrations
        ],
    }


class CdoNetworkConfig(AppConfig):
    name = "cdo_network"
    verbose_name = _("CDO network")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lms.services.privacy import DATA_EXPORTERS

        from . import signals

        signals.connect()
        if export_personal_data not in DATA_EXPORTERS:
            DATA_EXPORTERS.append(export_personal_data)
