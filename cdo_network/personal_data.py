"""Personal data of the CDO network: see ``lms.personal_data``."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lms.personal_data import WHO_DID_IT, Erase, PersonalData, declare
from lms.services.stored_files import stored_files_delete_after_commit

ERASED_POST = "[Beitrag einer gelöschten Person]"


def _posts_anonymise(user) -> int:
    """Posts stay in their threads (replies refer to them) but lose text, author and files,
    and the threads' search rows lose the text too."""
    from .models import Post, PostAttachment, Thread
    from .search_documents import index_thread

    posts = Post.objects.filter(author=user)
    attachments = PostAttachment.objects.filter(post__in=posts)
    stored_files_delete_after_commit(attachments.values_list("file", flat=True))
    attachments.delete()
    thread_ids = set(posts.values_list("thread_id", flat=True))
    count = posts.update(body=ERASED_POST, author=None)
    for thread in Thread.objects.filter(pk__in=thread_ids).select_related("circle"):
        index_thread(thread)
    return count


def _projects_anonymise(user) -> int:
    """Submitted projects stay (they describe a municipality's project) without the contact
    the person gave, in the page and in every stored revision of it."""
    from .models import ProjectPage

    pages = list(ProjectPage.objects.filter(submitted_by=user))
    with transaction.atomic():
        for page in pages:
            for revision in page.revisions.all():
                content = dict(revision.content)
                content.update(contact="", submitted_by=None)
                if content.get("owner") == user.pk:
                    content["owner"] = None
                revision.content = content
                revision.save(update_fields=["content"])
        ProjectPage.objects.filter(pk__in=[p.pk for p in pages]).update(
            contact="", submitted_by=None
        )
    return len(pages)


def _submitted_projects(user):
    from .models import ProjectPage

    return ProjectPage.objects.filter(submitted_by=user)


D, E = PersonalData, Erase

declare(
    D(
        "cdo_network.Profile",
        "user",
        E.DELETE,
        "The directory entry goes.",
        export=(
            "listed",
            "organisation",
            "land",
            "size_class",
            "role_title",
            "bio",
            "contact_preference",
            "contact_detail",
            "updated_at",
        ),
    ),
    D(
        "cdo_network.CircleMembership",
        "user",
        E.DELETE,
        "Memberships of expert circles end.",
        export=("circle", "role", "status", "digest", "joined_at"),
    ),
    D("cdo_network.CircleUserObjectPermission", "user", E.DELETE, "Rights end with the person."),
    D(
        "cdo_network.Thread",
        "author",
        E.DETACH,
        "Threads stay for the circle; who opened them is removed.",
        export=("circle", "title", "created_at"),
    ),
    D(
        "cdo_network.Post",
        "author",
        E.ANONYMISE,
        "Posts keep their place in the thread but lose text, author and attachments.",
        export=("thread", "body", "created_at", "hidden_at"),
        handler=_posts_anonymise,
    ),
    D("cdo_network.Post", "hidden_by", E.DETACH, WHO_DID_IT),
    D(
        "cdo_network.AbuseReport",
        "reporter",
        E.DELETE,
        "Reports the person sent (their reason may contain contact details).",
        export=("post", "reason", "created_at"),
    ),
    D(
        "cdo_network.Registration",
        "user",
        E.DELETE,
        "Event registrations.",
        export=("event", "status", "queued_at", "attended"),
    ),
    D(
        "cdo_network.FundingSubscription",
        "user",
        E.DELETE,
        "Deadline reminders.",
        export=("programme", "created_at"),
        title=_("Deadline reminders for funding programmes"),
    ),
    D(
        "cdo_network.NotificationLog",
        "recipient",
        E.DELETE,
        "Mail bookkeeping.",
        export=("kind", "key", "sent_at"),
        title=_("Notifications sent"),
    ),
    D("cdo_network.EventPage", "organiser", E.DETACH, WHO_DID_IT),
    D(
        "cdo_network.ProjectPage",
        "submitted_by",
        E.ANONYMISE,
        "Projects describe a "
        "municipality's work and stay; the contact the person gave goes from the page and its "
        "revisions.",
        export=("title", "municipality", "contact", "live"),
        rows=_submitted_projects,
        handler=_projects_anonymise,
    ),
    D(
        "cdo_network.Assessment",
        "created_by",
        E.DETACH,
        "A stocktaking belongs to the organisation; who filled it in is removed.",
        export=("organisation", "created_at", "answers"),
    ),
)
