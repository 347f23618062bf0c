"""Member submissions to the project database go through Wagtail's moderation workflow.

The page is created as a draft (not live) with a revision by the submitter, then the workflow
that applies to the project index (Wagtail's default "Moderators approval" on the root unless
editors chose another) is started. Editors publish it from the Wagtail admin.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lms.models import User

from ..models import ProjectIndexPage, ProjectPage


def _unique_slug(index: ProjectIndexPage, title: str) -> str:
    base = slugify(title)[:70] or "projekt"
    slug, number = base, 2
    siblings = index.get_children()
    while siblings.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def project_submit(*, index: ProjectIndexPage, user: User, title: str, **fields) -> ProjectPage:
    """Create an unpublished project page and submit it for editorial review."""
    page = ProjectPage(
        title=title.strip(),
        slug=_unique_slug(index, title),
        live=False,
        submitted_by=user,
        owner=user,
        **fields,
    )
    page.full_clean(exclude=["path", "depth", "numchild", "url_path", "draft_title"])
    index.refresh_from_db()
    index.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    workflow = page.get_workflow()
    if workflow is None:
        raise ValidationError(_("Submissions are closed: no review workflow is set up."))
    workflow.start(page, user)
    return page
