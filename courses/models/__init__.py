"""Course content models (Wagtail pages and snippets).

The tree is CourseIndexPage (catalogue) > CoursePage > ModulePage > LessonPage / QuizPage.
These models hold content and presentation only; progress and completion live in ``lms``.
"""

from .legal import LegalAct, LegalActChange, LessonLegalSource
from .pages import CourseIndexPage, CourseOutcome, CoursePage, LessonPage, ModulePage, QuizPage
from .review import CourseReview, CourseReviewItem
from .topics import Topic
from .workflow import SecondTrainerApprovalTask

__all__ = [
    "CourseIndexPage",
    "LegalAct",
    "LegalActChange",
    "LessonLegalSource",
    "CourseOutcome",
    "CoursePage",
    "CourseReview",
    "CourseReviewItem",
    "LessonPage",
    "ModulePage",
    "QuizPage",
    "SecondTrainerApprovalTask",
    "Topic",
]
