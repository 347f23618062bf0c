"""Authors cannot build broken course trees (Wagtail's own tree assertions)."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage, QuizPage


class CourseTreeRulesTest(WagtailPageTestCase):
    def test_tree_allows_catalogue_course_module_lesson_quiz(self):
        """Catalogue > course > module > lesson / quiz can be created."""
        self.assertCanCreateAt(Page, CourseIndexPage)
        self.assertCanCreateAt(CourseIndexPage, CoursePage)
        self.assertCanCreateAt(CoursePage, ModulePage)
        self.assertCanCreateAt(ModulePage, LessonPage)
        self.assertCanCreateAt(ModulePage, QuizPage)

    def test_tree_forbids_shortcuts(self):
        """Lessons and quizzes only live in modules; courses only in the catalogue."""
        self.assertCanNotCreateAt(Page, CoursePage)
        self.assertCanNotCreateAt(CourseIndexPage, ModulePage)
        self.assertCanNotCreateAt(CourseIndexPage, LessonPage)
        self.assertCanNotCreateAt(CoursePage, LessonPage)
        self.assertCanNotCreateAt(CoursePage, QuizPage)
        self.assertCanNotCreateAt(LessonPage, LessonPage)
        self.assertCanNotCreateAt(QuizPage, LessonPage)
        self.assertCanNotCreateAt(ModulePage, ModulePage)

    def test_tree_exact_children(self):
        """Each level offers exactly the page types that belong there."""
        self.assertAllowedSubpageTypes(CoursePage, {ModulePage})
        self.assertAllowedSubpageTypes(ModulePage, {LessonPage, QuizPage})
        self.assertAllowedParentPageTypes(LessonPage, {ModulePage})
