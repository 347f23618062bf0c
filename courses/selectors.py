"""Read queries for course content: the catalogue, a course's outline, its content version."""

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Max
from wagtail.models import Page, Revision

from .models import CoursePage, LessonPage, ModulePage, QuizPage, Topic


def catalogue_courses(*, index_page, params, request) -> dict:
    """Live courses below ``index_page``, filtered by topic slug / level and searched by ``q``
    with the site search: a course is found by its own text or by its lessons' and glossary
    terms' text (those are listed with it), best match first."""
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
    results = list(courses)
    if query:
        results = _courses_matching(results, index_page=index_page, query=query, request=request)
    return {
        "courses": results,
        "topics": topics,
        "levels": CoursePage.Level.choices,
        "selected_topic": topic.slug if topic else "",
        "selected_level": level,
        "query": query,
    }


CATALOGUE_LESSON_HITS = 3


def _courses_matching(courses, *, index_page, query, request) -> list[CoursePage]:
    """The courses that match or contain a matching lesson, ordered by their best match;
    each gets ``matching_lessons`` (titles and URLs of up to three matching lessons)."""
    from lms.models import SearchEntry
    from lms.selectors.search import matching_page_entries

    by_path = {course.path: course for course in courses}
    step = Page.steplen
    entries = matching_page_entries(
        request=request,
        query=query,
        path_prefix=index_page.path,
        kinds=[SearchEntry.Kind.COURSE, SearchEntry.Kind.LESSON, SearchEntry.Kind.GLOSSARY],
    )
    found: dict[str, CoursePage] = {}
    for entry in entries:
        prefixes = (entry.page_path[:end] for end in range(step, len(entry.page_path) + 1, step))
        course = next((by_path[p] for p in prefixes if p in by_path), None)
        if course is None:
            continue
        if course.path not in found:
            course.matching_lessons = []
            found[course.path] = course
        if entry.kind == SearchEntry.Kind.LESSON and (
            len(course.matching_lessons) < CATALOGUE_LESSON_HITS
        ):
            course.matching_lessons.append(entry)
    return list(found.values())


@dataclass
class OutlineModule:
    page: ModulePage
    items: list = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(getattr(item, "estimated_minutes", 0) for item in self.items)


OUTLINE_CACHE_SECONDS = 24 * 60 * 60


def _outline_fingerprint(course: CoursePage) -> str:
    """What the outline depends on, in one light query: every live page of the course with its
    place in the tree, URL, type and live revision. Publishing, unpublishing, moving, renaming or
    deleting any of them changes it; content reaches learners only by publishing (a new live
    revision), the same notion of "content version" that ``course_content_revision`` uses."""
    rows = (
        Page.objects.live()
        .descendant_of(course, inclusive=True)
        .order_by("path")
        .values_list("id", "path", "url_path", "content_type_id", "live_revision_id")
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()[:32]


def _load_outline(course: CoursePage) -> list[OutlineModule]:
    # One query per page type instead of ``.specific()``, leaving out the lessons' bodies and
    # the quizzes' questions: the outline shows titles, minutes and rules, and lesson bodies
    # are by far the largest column.
    modules = ModulePage.objects.live().descendant_of(course)
    lessons = LessonPage.objects.live().descendant_of(course).defer("body")
    quizzes = QuizPage.objects.live().descendant_of(course).defer("questions")
    pages = sorted([*modules, *lessons, *quizzes], key=lambda page: page.path)
    outline: list[OutlineModule] = []
    for page in pages:
        if isinstance(page, ModulePage):
            outline.append(OutlineModule(page))
        elif outline:
            outline[-1].items.append(page)
    return outline


def course_outline(course: CoursePage) -> list[OutlineModule]:
    """Modules with their live lessons and quizzes in tree order.

    Every lesson page and every completion check needs it, so it is cached in the Django cache
    under a fingerprint of the course's live pages (one light query); a cache miss costs three
    more. The number of queries never depends on the size of the course.
    """
    key = f"courses:outline:{course.pk}:{_outline_fingerprint(course)}"
    outline = cache.get(key)
    if outline is None:
        outline = _load_outline(course)
        cache.set(key, outline, OUTLINE_CACHE_SECONDS)
    return outline


def course_content_revision(course: CoursePage) -> Revision | None:
    """The newest published revision anywhere in the course: the content version a learner
    studies now, and the one a certificate names."""
    latest = (
        Page.objects.live()
        .descendant_of(course, inclusive=True)
        .aggregate(latest=Max("live_revision_id"))["latest"]
    )
    return Revision.objects.filter(pk=latest).first() if latest else None


@dataclass(frozen=True)
class CourseRequirements:
    """What completing a course takes, read from its live pages."""

    required_lesson_ids: tuple[int, ...]
    lesson_ids: tuple[int, ...]
    final_quiz_pass_marks: dict
    item_ids: tuple[int, ...]

    @property
    def total_required(self) -> int:
        return len(self.required_lesson_ids) + len(self.final_quiz_pass_marks)


def course_requirements(course: CoursePage, outline: list[OutlineModule] | None = None):
    """Required lessons and final quizzes (with pass marks) of a course, in tree order."""
    outline = outline if outline is not None else course_outline(course)
    items = [item for module in outline for item in module.items]
    lessons = [item for item in items if isinstance(item, LessonPage)]
    quizzes = [item for item in items if isinstance(item, QuizPage) and item.is_final]
    return CourseRequirements(
        required_lesson_ids=tuple(lesson.pk for lesson in lessons if lesson.is_required),
        lesson_ids=tuple(lesson.pk for lesson in lessons),
        final_quiz_pass_marks={quiz.pk: (quiz.pass_mark or course.pass_mark) for quiz in quizzes},
        item_ids=tuple(item.pk for item in items),
    )


def live_courses_by_topic(topic_ids) -> dict[int, list[CoursePage]]:
    """Live courses of the given topics, by topic id, in one query (for the network's standards
    and stocktaking recommendations, which point to a topic rather than to a page)."""
    topic_ids = {pk for pk in topic_ids if pk}
    courses: dict[int, list[CoursePage]] = {pk: [] for pk in topic_ids}
    if topic_ids:
        rows = CoursePage.objects.live().filter(topic_id__in=topic_ids).order_by("title")
        for course in rows.only("id", "title", "url_path", "path", "depth", "topic_id"):
            courses[course.topic_id].append(course)
    return courses
