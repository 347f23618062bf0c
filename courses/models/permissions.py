"""Trainers edit only the courses they are responsible for.

Wagtail grants the Trainer group "add" and "change" on the catalogue; this tester narrows
editing, deleting and adding below a course to its responsible trainers. A second trainer who
reviews a change gets no edit right from reviewing (``SecondTrainerApprovalTask``): they preview,
approve or request changes from the dashboard.
"""

from wagtail.models import PagePermissionTester


class CourseOwnedPermissionTester(PagePermissionTester):
    def _course(self):
        if not hasattr(self, "_course_cache"):
            self._course_cache = self.page.specific.get_course()
        return self._course_cache

    def is_responsible(self) -> bool:
        if self.user.is_superuser:
            return True
        course = self._course()
        if course is None or course.pk is None:
            return True
        # The saved relation decides, not a draft revision's copy of it.
        through = type(course).responsible_trainers.through
        return through.objects.filter(coursepage_id=course.pk, user_id=self.user.pk).exists()

    def can_edit(self):
        return super().can_edit() and self.is_responsible()

    def can_add_subpage(self):
        return super().can_add_subpage() and self.is_responsible()

    def can_delete(self, ignore_bulk=False):
        return super().can_delete(ignore_bulk=ignore_bulk) and self.is_responsible()

    def can_publish(self):
        return super().can_publish() and self.is_responsible()

    def can_unpublish(self):
        return super().can_unpublish() and self.is_responsible()

    def can_move(self):
        return super().can_move() and self.is_responsible()

    def can_copy(self):
        return super().can_copy() and self.is_responsible()

    def can_lock(self):
        return super().can_lock() and self.is_responsible()
