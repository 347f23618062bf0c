"""Admin forms of course pages."""

from wagtail.admin.forms import WagtailAdminPageForm


class CoursePageForm(WagtailAdminPageForm):
    """A new course starts with its author as responsible trainer, so they can go on editing
    it (trainers may only edit courses they are responsible for)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and self.for_user and "responsible_trainers" in self.fields:
            self.initial["responsible_trainers"] = [self.for_user.pk]
