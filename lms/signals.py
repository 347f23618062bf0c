"""Signal receivers of the learning core."""

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils import translation
from treebeard.mp_tree import path_updated
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from courses.models import CoursePage, LessonPage

from .models import JobProfile, Membership, Organisation, UnitMember, User
from .names import name_sort_key
from .services.access import forget_restricted_paths
from .services.learning import enrolment_completed
from .services.qualification_status import qualification_status_refresh
from .services.search_index import (
    page_indexer_for,
    page_source,
    search_index_page,
    search_index_remove,
    search_index_subtree,
)
from .services.unit_counts import unit_counts_forget


@receiver(user_logged_in)
def activate_preferred_language(sender, request, user, **kwargs):
    """Render the rest of the login request in the person's preferred language."""
    if getattr(user, "preferred_language", None):
        translation.activate(user.preferred_language)


@receiver(enrolment_completed)
def qualification_status_on_completion(sender, enrolment, **kwargs):
    """A completed course (last lesson or passed final quiz) is held in the matrix at once:
    the stored status is refreshed in the completing transaction."""
    qualification_status_refresh(user_ids=[enrolment.user_id], course_ids=[enrolment.course_id])


@receiver(m2m_changed, sender=JobProfile.required_courses.through)
def qualification_status_on_required_courses(sender, instance, action, reverse, pk_set, **kwargs):
    """A job profile's required courses changed (Django admin): refresh the people holding it.
    ``clear`` gives no course ids, so every course of those people is refreshed."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # edited from the course side: ``instance`` is the course, pk_set profiles
        profile_ids, course_ids = pk_set, [instance.pk]
        if action == "post_clear":
            profile_ids = None
    else:
        profile_ids, course_ids = [instance.pk], (list(pk_set) if pk_set else None)
    people = Membership.objects.all()
    if profile_ids is not None:
        people = people.filter(job_profiles__in=profile_ids)
    else:
        people = people.filter(user__qualification_statuses__course_id__in=course_ids)
    qualification_status_refresh(
        user_ids=set(people.values_list("user_id", flat=True)), course_ids=course_ids
    )


@receiver(page_published)
def qualification_status_on_publish(sender, instance, **kwargs):
    """A course's validity or its required lessons may have changed: refresh that course's
    stored cells after the commit, in the background (it can touch many people)."""
    from .tasks import qualification_status_refresh_course_task

    if isinstance(instance, CoursePage):
        course = instance
    elif isinstance(instance, LessonPage):
        course = CoursePage.objects.ancestor_of(instance).first()
    else:
        return
    if course is not None:
        transaction.on_commit(
            lambda: qualification_status_refresh_course_task.delay(course.pk), robust=True
        )


@receiver(pre_delete, sender=Organisation)
def qualification_status_on_unit_deleted(sender, instance, **kwargs):
    """A unit is deleted (Django admin; its sub-units go with it, each sending this): its
    memberships are deleted with it, and the job profiles they carried no longer require
    anything of those people. Their stored cells are refreshed after the commit."""
    _refresh_after_commit(
        Membership.objects.filter(organisation=instance).values_list("user_id", flat=True)
    )


def _refresh_after_commit(user_ids) -> None:
    from .tasks import qualification_status_refresh_people_task

    user_ids = sorted(set(user_ids))
    if user_ids:
        transaction.on_commit(
            lambda: qualification_status_refresh_people_task.delay(user_ids), robust=True
        )


@receiver(pre_delete, sender=JobProfile)
def qualification_status_on_job_profile_deleted(sender, instance, **kwargs):
    """A deleted job profile no longer requires anything of the people who held it."""
    _refresh_after_commit(
        Membership.objects.filter(job_profiles=instance).values_list("user_id", flat=True)
    )


@receiver(path_updated, sender=Organisation)
def unit_members_on_unit_moved(sender, old_path, new_path, **kwargs):
    """A unit moved to another place in the tree (Django admin): its people count in other
    units above it now, and the assignments of the units newly above it apply to them as to
    newcomers. Done after the commit, in the background (a unit can have thousands of people);
    the ids are taken now, as later renumbering in the same move may change the paths again.
    treebeard also sends this when it renumbers siblings to insert a unit in name order: the
    units above them stay the same, so nothing is done."""
    from .tasks import unit_members_rejoin_task

    step = Organisation.steplen
    if old_path[:-step] == new_path[:-step]:
        return

    def above(path: str) -> set[str]:
        return {path[:end] for end in range(step, len(path), step)}

    newly_above = list(
        Organisation.objects.filter(path__in=above(new_path) - above(old_path)).values_list(
            "pk", flat=True
        )
    )
    unit_ids = list(
        Organisation.objects.filter(path__startswith=new_path).values_list("pk", flat=True)
    )
    if unit_ids:
        transaction.on_commit(
            lambda: unit_members_rejoin_task.delay(unit_ids, newly_above), robust=True
        )


@receiver(pre_delete, sender=User)
def unit_counts_on_person_deleted(sender, instance, **kwargs):
    """A person deleted for good (not erased) leaves every unit's counts."""
    unit_counts_forget(user_ids=[instance.pk])


@receiver(post_save, sender=User)
def unit_member_on_rename(sender, instance, created=False, update_fields=None, **kwargs):
    """The matrix sorts and searches by the name's key copied into ``UnitMember``: keep it the
    person's name.
    Nothing to do for a new person (no unit rows yet: saves a query per imported person) or a
    save that leaves the name alone (a login's ``last_login``)."""
    if created or (update_fields is not None and "full_name" not in update_fields):
        return
    key = name_sort_key(instance.full_name)
    UnitMember.objects.filter(user_id=instance.pk).exclude(sort_key=key).update(sort_key=key)


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
@receiver(post_page_move)
@receiver(path_updated)
def restricted_paths_on_change(sender, **kwargs):
    """A privacy restriction was set or lifted, or pages moved: the learning actions' cached
    set of restricted page paths is out of date."""
    forget_restricted_paths()


@receiver(post_save)
def restricted_paths_on_page_saved(sender, instance, created, **kwargs):
    """A new page can be an alias of a restricted page (and so restricted itself)."""
    if created and isinstance(instance, Page):
        forget_restricted_paths()


@receiver(page_published)
def search_index_on_course_publish(sender, instance, **kwargs):
    """A course's lessons show its (possibly new) title. The published page itself was
    indexed by its full save (``search_index_on_page_saved``), which publishing performs."""
    if isinstance(instance, CoursePage):
        for lesson in LessonPage.objects.live().descendant_of(instance):
            search_index_page(lesson)


@receiver(post_save)
def search_index_on_page_saved(sender, instance, created, update_fields=None, **kwargs):
    """A live page written in full (created live with ``add_child``, or its row rewritten) is
    findable as stored. Saving a revision writes only some fields and leaves the live content
    in place: drafts are never indexed."""
    if (
        update_fields is None
        and isinstance(instance, Page)
        and instance.live
        and page_indexer_for(instance) is not None
    ):
        search_index_page(instance)


@receiver(page_unpublished)
def search_index_on_unpublish(sender, instance, **kwargs):
    search_index_remove(page_source(instance))


@receiver(post_delete)
def search_index_on_page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page) and page_indexer_for(instance) is not None:
        search_index_remove(page_source(instance))


@receiver(post_page_move)
def search_index_on_move(sender, instance, **kwargs):
    """Moved pages have new tree paths (page privacy) and URLs."""
    search_index_subtree(instance)
