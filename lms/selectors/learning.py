"""Reads of the learner journey: the dashboard, a lesson's outline with states, progress.

Every function costs a fixed number of queries however large the course or the record.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import F, Q
from django.utils import timezone
from wagtail.models import Page

from courses.models import CoursePage, LessonPage, QuizPage
from courses.selectors import OutlineModule, course_outline, course_requirements

from ..models import Enrolment, LessonProgress, QuizAttempt, User


def enrolment_for(user: User, course: CoursePage) -> Enrolment | None:
    """The person's current enrolment in the course (latest cycle), withdrawn ones excluded."""
    if not user.is_authenticated:
        return None
    return (
        Enrolment.objects.filter(user=user, course=course)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("course")
        .order_by("-cycle")
        .first()
    )


def enrolment_for_page(user: User, page: Page) -> Enrolment | None:
    """The person's current enrolment in the course that contains ``page``, in one query.

    Same answer as ``enrolment_for(user, page.get_course())``, but the course is found among
    the page's ancestors by their tree paths (computed from the page's own path) and comes back
    joined to the enrolment, which is then handed to the page so it is not looked up again.
    """
    if not user.is_authenticated:
        return None
    step = page.steplen
    ancestor_paths = [page.path[:length] for length in range(step, len(page.path) + 1, step)]
    enrolment = (
        Enrolment.objects.filter(user=user, course__path__in=ancestor_paths)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("course")
        .order_by("-cycle")
        .first()
    )
    if enrolment is not None and hasattr(page, "set_course"):
        page.set_course(enrolment.course)
    return enrolment


@dataclass
class ProgressState:
    done_lesson_ids: set
    passed_quiz_ids: set
    attempted_quiz_ids: set = field(default_factory=set)

    def state_of(self, page) -> str:
        if page.pk in self.done_lesson_ids or page.pk in self.passed_quiz_ids:
            return "done"
        return "open"


def progress_state(enrolment: Enrolment) -> ProgressState:
    """Which lessons are done and which quizzes passed (two queries)."""
    done = set(
        LessonProgress.objects.filter(enrolment=enrolment, completed_at__isnull=False).values_list(
            "lesson_id", flat=True
        )
    )
    attempts = list(
        QuizAttempt.objects.filter(enrolment=enrolment).values_list("quiz_id", "passed")
    )
    return ProgressState(
        done_lesson_ids=done,
        passed_quiz_ids={quiz_id for quiz_id, passed in attempts if passed},
        attempted_quiz_ids={quiz_id for quiz_id, _passed in attempts},
    )


def percent_complete(requirements, state: ProgressState) -> int:
    total = requirements.total_required
    if not total:
        return 100
    done = len(state.done_lesson_ids & set(requirements.required_lesson_ids)) + len(
        state.passed_quiz_ids & set(requirements.final_quiz_pass_marks)
    )
    return round(100 * done / total)


@dataclass
class LessonNavigation:
    outline: list[OutlineModule]
    state: ProgressState
    previous: Page | None
    next: Page | None
    percent: int


def lesson_navigation(enrolment: Enrolment, page: Page) -> LessonNavigation:
    """Outline with done/current/open states, previous/next and progress for one page."""
    outline = course_outline(enrolment.course)
    state = progress_state(enrolment)
    items = [item for module in outline for item in module.items]
    index = next((i for i, item in enumerate(items) if item.pk == page.pk), None)
    previous = items[index - 1] if index else None
    following = items[index + 1] if index is not None and index + 1 < len(items) else None
    requirements = course_requirements(enrolment.course, outline)
    return LessonNavigation(
        outline, state, previous, following, percent_complete(requirements, state)
    )


DUE_SOON_DAYS = 14


@dataclass
class DashboardRow:
    enrolment: Enrolment
    percent: int
    resume_page: Page | None
    due_state: str = ""  # "overdue", "due_soon" or "" (shown as text and symbol, not colour)


def learner_dashboard(user: User) -> dict:
    """Courses in progress (with percentage and where to resume) and completed courses.

    Constant queries: enrolments, the live pages of all their courses (one query), progress
    rows and attempts (one each), whatever the number of courses.
    """
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("course", "last_page", "assignment__organisation")
        .order_by(F("due_date").asc(nulls_last=True), "-enrolled_at")
    )
    today = timezone.localdate()
    if not enrolments:
        return {"in_progress": [], "completed": []}
    courses = {e.course_id: e.course for e in enrolments}
    subtree = reduce(or_, (Q(path__startswith=c.path, depth__gt=c.depth) for c in courses.values()))
    pages = list(
        Page.objects.live()
        .filter(subtree)
        .type(LessonPage, QuizPage)
        .order_by("path")
        .only("id", "path", "title", "url_path", "content_type_id", "depth")
    )
    lesson_ids = set(
        LessonPage.objects.filter(pk__in=[p.pk for p in pages], is_required=True).values_list(
            "pk", flat=True
        )
    )
    final_quiz_ids = set(
        QuizPage.objects.filter(pk__in=[p.pk for p in pages], is_final=True).values_list(
            "pk", flat=True
        )
    )
    done = {
        (row[0], row[1])
        for row in LessonProgress.objects.filter(
            enrolment__in=enrolments, completed_at__isnull=False
        ).values_list("enrolment_id", "lesson_id")
    }
    passed = {
        (row[0], row[1])
        for row in QuizAttempt.objects.filter(enrolment__in=enrolments, passed=True).values_list(
            "enrolment_id", "quiz_id"
        )
    }
    finished_pairs = done | passed
    counted_ids = lesson_ids | final_quiz_ids
    in_progress, completed = [], []
    for enrolment in enrolments:
        course = enrolment.course
        course_pages = [p for p in pages if p.path.startswith(course.path)]
        required = [p for p in course_pages if p.pk in counted_ids]
        open_pages = [p for p in required if (enrolment.pk, p.pk) not in finished_pairs]
        percent = (
            round(100 * (len(required) - len(open_pages)) / len(required)) if required else 100
        )
        resume = open_pages[0] if open_pages else None
        row = DashboardRow(enrolment, percent, resume or enrolment.last_page)
        if enrolment.due_date and enrolment.due_date < today:
            row.due_state = "overdue"
        elif enrolment.due_date and (enrolment.due_date - today).days <= DUE_SOON_DAYS:
            row.due_state = "due_soon"
        if enrolment.status == Enrolment.Status.COMPLETED:
            completed.append(row)
        else:
            in_progress.append(row)
    return {"in_progress": in_progress, "completed": completed}
