"""What of the CDO network is findable, and by whom.

Events and projects are pages (page privacy applies, as everywhere). Funding programmes,
standards, the directory and open circles' discussions are for network members, as their pages
are; a closed circle's discussions only for its active members. A directory entry is findable
only by what its person shows to all network members: a field shown to colleagues or to nobody
is not indexed, so a search can never reveal it.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import reverse
from django.utils.html import strip_tags
from wagtail.rich_text import get_text_for_indexing

from lms.models import SearchEntry, User
from lms.services.search_index import (
    SearchDocument,
    page_source,
    register_page_indexer,
    register_source,
    search_index_remove,
    search_index_replace,
)

from .models import (
    EventPage,
    ExpertCircle,
    FundingProgramme,
    Post,
    Profile,
    ProjectPage,
    Standard,
    Thread,
    Visibility,
)

Kind = SearchEntry.Kind
MEMBERS = SearchEntry.Audience.MEMBERS


def event_documents(event: EventPage) -> list[SearchDocument]:
    body = "\n".join(part for part in (event.summary, get_text_for_indexing(event.body)) if part)
    return [
        SearchDocument(
            key=page_source(event),
            kind=Kind.EVENT,
            title=event.title,
            url=event.url or "",
            body=body,
            context=event.location,
            page_path=event.path,
        )
    ]


def project_documents(project: ProjectPage) -> list[SearchDocument]:
    parts = (project.summary, project.outcomes, project.lessons_learned, project.partners)
    return [
        SearchDocument(
            key=page_source(project),
            kind=Kind.PROJECT,
            title=project.title,
            url=project.url or "",
            body="\n".join(strip_tags(part) for part in parts if part),
            context=project.municipality,
            page_path=project.path,
        )
    ]


def funding_documents(programme: FundingProgramme) -> list[SearchDocument]:
    body = "\n".join(
        part
        for part in (programme.description, programme.target_group, programme.funding_rate)
        if part
    )
    return [
        SearchDocument(
            key=f"funding:{programme.pk}",
            kind=Kind.FUNDING,
            title=programme.name,
            url=f"{reverse('cdo_network:funding_list')}#programme-{programme.pk}",
            body=body,
            context=programme.funder,
            audience=MEMBERS,
        )
    ]


def standard_documents(standard: Standard) -> list[SearchDocument]:
    return [
        SearchDocument(
            key=f"standard:{standard.pk}",
            kind=Kind.STANDARD,
            title=standard.name,
            url=f"{reverse('cdo_network:standards_list')}#{standard.slug}",
            body=standard.purpose,
            context=standard.maintainer,
            audience=MEMBERS,
        )
    ]


def thread_documents(thread: Thread) -> list[SearchDocument]:
    circle = thread.circle
    posts = thread.posts.filter(hidden_at__isnull=True).values_list("body", flat=True)
    return [
        SearchDocument(
            key=f"thread:{thread.pk}",
            kind=Kind.THREAD,
            title=thread.title,
            url=reverse("cdo_network:thread_detail", kwargs={"slug": circle.slug, "pk": thread.pk}),
            body="\n".join(posts),
            context=circle.name,
            audience=MEMBERS if circle.is_open else SearchEntry.Audience.CIRCLE,
            circle_id=None if circle.is_open else circle.pk,
        )
    ]


def profile_documents(profile: Profile) -> list[SearchDocument]:
    if not profile.listed or not profile.user.is_active:
        return []

    def shown(field: str) -> bool:
        return getattr(profile, f"{field}_visibility") == Visibility.MEMBERS

    organisation = (
        profile.organisation.name if profile.organisation and shown("organisation") else ""
    )
    role = profile.role_title if shown("role_title") else ""
    topics = " ".join(topic.name for topic in profile.topics.all()) if shown("topics") else ""
    bio = profile.bio if shown("bio") else ""
    return [
        SearchDocument(
            key=f"profile:{profile.pk}",
            kind=Kind.PERSON,
            title=profile.user.full_name,
            url=reverse("cdo_network:directory_detail", kwargs={"pk": profile.pk}),
            body="\n".join(part for part in (role, topics, bio) if part),
            context=" · ".join(part for part in (role, organisation) if part),
            audience=MEMBERS,
        )
    ]


# --- Keeping the rows current -----------------------------------------------------------------


def _all(queryset, source_prefix, build):
    def documents():
        for obj in queryset().iterator(chunk_size=200):
            yield f"{source_prefix}:{obj.pk}", build(obj)

    return documents


def index_thread(thread: Thread) -> None:
    search_index_replace(f"thread:{thread.pk}", thread_documents(thread))


def index_profile(profile: Profile) -> None:
    search_index_replace(f"profile:{profile.pk}", profile_documents(profile))


def _on_funding_saved(sender, instance, **kwargs):
    search_index_replace(f"funding:{instance.pk}", funding_documents(instance))


def _on_standard_saved(sender, instance, **kwargs):
    search_index_replace(f"standard:{instance.pk}", standard_documents(instance))


def _on_thread_saved(sender, instance, **kwargs):
    index_thread(instance)


def _on_post_changed(sender, instance, **kwargs):
    thread = Thread.objects.select_related("circle").filter(pk=instance.thread_id).first()
    if thread is not None:
        index_thread(thread)


def _on_circle_saved(sender, instance, **kwargs):
    for thread in instance.threads.select_related("circle"):
        index_thread(thread)


def _on_profile_saved(sender, instance, **kwargs):
    index_profile(instance)


def _on_profile_topics_changed(sender, instance, action, reverse, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"} and not reverse:
        index_profile(instance)


def _on_user_saved(sender, instance, update_fields=None, **kwargs):
    """A renamed or deactivated person: their directory entry follows (not on every login,
    which saves ``last_login`` only)."""
    if update_fields is not None and not {"full_name", "is_active"} & set(update_fields):
        return
    profile = Profile.objects.filter(user=instance).select_related("user", "organisation").first()
    if profile is not None:
        index_profile(profile)


def _remover(prefix):
    def remove(sender, instance, **kwargs):
        search_index_remove(f"{prefix}:{instance.pk}")

    return remove


_REMOVERS = {
    FundingProgramme: _remover("funding"),
    Standard: _remover("standard"),
    Thread: _remover("thread"),
    Profile: _remover("profile"),
}


def connect() -> None:
    register_page_indexer(EventPage, event_documents)
    register_page_indexer(ProjectPage, project_documents)
    register_source("funding", _all(FundingProgramme.objects.all, "funding", funding_documents))
    register_source("standard", _all(Standard.objects.all, "standard", standard_documents))
    register_source(
        "thread", _all(lambda: Thread.objects.select_related("circle"), "thread", thread_documents)
    )
    register_source(
        "profile",
        _all(
            lambda: Profile.objects.select_related("user", "organisation").prefetch_related(
                "topics"
            ),
            "profile",
            profile_documents,
        ),
    )
    uid = "search-index"
    post_save.connect(_on_funding_saved, sender=FundingProgramme, dispatch_uid=uid)
    post_save.connect(_on_standard_saved, sender=Standard, dispatch_uid=uid)
    post_save.connect(_on_thread_saved, sender=Thread, dispatch_uid=uid)
    post_save.connect(_on_post_changed, sender=Post, dispatch_uid=uid)
    post_delete.connect(_on_post_changed, sender=Post, dispatch_uid=uid)
    post_save.connect(_on_circle_saved, sender=ExpertCircle, dispatch_uid=uid)
    post_save.connect(_on_profile_saved, sender=Profile, dispatch_uid=uid)
    post_save.connect(_on_user_saved, sender=User, dispatch_uid=uid)
    m2m_changed.connect(_on_profile_topics_changed, sender=Profile.topics.through, dispatch_uid=uid)
    for model, remove in _REMOVERS.items():
        post_delete.connect(remove, sender=model, dispatch_uid=f"{uid}-{model.__name__}")
