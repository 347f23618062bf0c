"""Read queries for course content: the catalogue, a course's outline, its content version."""

from dataclasses import dataclass, field

from django.db.models import Max
from wagtail.models import Page, Revision

from .models import CoursePage, LessonPage, ModulePage, QuizPage, Topic


def catalogue_courses(*, index_page, params) -> dict:
    """Live courses below ``index_page``, filtered by topic slug / level and searched by ``q``."""
    courses = (
        CoursePage.objects.live()
        .descendant_of(index_page)
        .select_related("topic")
        .order_by("title")
    )
    topic_slug = params.get("thema", "")
    level = params.get("niveau", "")
    query = params.get("q", "").strip()
    topics = list(Topic.objects.all())
    topic = next((t for t in topics if t.slug == topic_slug), None)
    if topic:
        courses = courses.filter(topic=topic)
    if level in CoursePage.Level.values:
        courses = courses.filter(level=level)
    else:
        level = ""
    results = list(courses.search(query)) if query else list(courses)
    return {
        "courses": results,
        "topics": topics,
        "levels": CoursePage.Level.choices,
        "selected_topic": topic.slug if topic else "",
        "selected_level": level,
        "query": query,
    }


@dataclass
class OutlineModule:
    page: ModulePage
    items: list = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(getattr(item, "estimated_minutes", 0) for item in self.items)


def course_outline(course: CoursePage) -> list[OutlineModule]:
    """Modules with their live lessons and quizzes in tree order (constant number of queries)."""
    pages = Page.objects.live().descendant_of(course).order_by("path").specific()
    modules: list[OutlineModule] = []
    for page in pages:
        if isinstance(page, ModulePage):
            modules.append(OutlineModule(page))
        elif isinstance(page, LessonPage | QuizPage) and modules:
            modules[-1].items.append(page)
    return modules


def course_content_revision(course: CoursePage) -> Revision | None:
    """The newest published revision anywhere in the course: the content version a learner
    studies now, and the one a certificate names."""
    latest = (
        Page.objects.live()
        .descendant_of(course, inclusive=True)
        .aggregate(latest=Max("live_revision_id"))["latest"]
    )
    return Revision.objects.filter(pk=latest).first() if latest else None
