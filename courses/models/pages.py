"""Wagtail page models of the course tree, with allowed parents and children."""

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from ..blocks import LessonStreamBlock, QuestionStreamBlock
from ..quiz import pool_sizes
from .permissions import CourseOwnedPermissionTester


class CourseIndexPage(Page):
    """The public catalogue: every live course, filterable by topic and level, searchable."""

    intro = RichTextField(_("Introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("Course catalogue")

    def route(self, request, path_components):
        """Find a course, module, lesson or quiz by its URL path in two queries.

        Wagtail's default routing asks the database twice per URL segment (the child by slug,
        then its specific page), six queries for a lesson and most of the cost of serving it
        during an exam. Below the catalogue every page is a course-tree page with Wagtail's
        default ``route``, so the page whose ``url_path`` is this page's plus the segments is
        exactly what the default routing would find; it must be live, as there.
        """
        if not path_components:
            return super().route(request, path_components)
        url_path = self.url_path + "/".join(path_components) + "/"
        found = (
            Page.objects.filter(url_path=url_path, path__startswith=self.path)
            .values_list("pk", "content_type_id")
            .first()
        )
        if found is None:
            raise Http404
        model = ContentType.objects.get_for_id(found[1]).model_class()
        if model is None or model.route is not Page.route:  # a page type with its own routing
            return super().route(request, path_components)
        page = model.objects.get(pk=found[0])
        if not page.live:
            raise Http404
        return RouteResult(page)

    def get_context(self, request, *args, **kwargs):
        from ..selectors import catalogue_courses

        context = super().get_context(request, *args, **kwargs)
        context.update(catalogue_courses(index_page=self, params=request.GET, request=request))
        return context


class CourseChildMixin:
    """Pages inside a course know their course and apply the course-ownership rules."""

    def get_course(self):
        """The course this page belongs to, looked up once per instance: a page is asked
        several times per request (view, breadcrumb), and pages do not change course while
        they are being served."""
        if self.__dict__.get("_course") is None:
            self._course = CoursePage.objects.ancestor_of(self, inclusive=True).first()
        return self._course

    def set_course(self, course) -> None:
        """Hand over a course that was already loaded (e.g. with the learner's enrolment)."""
        self._course = course

    def permissions_for_user(self, user):
        return CourseOwnedPermissionTester(user, self)


class CoursePage(CourseChildMixin, Page):
    class Level(models.TextChoices):
        BEGINNER = "einsteiger", _("Beginner")
        ADVANCED = "fortgeschritten", _("Advanced")
        EXPERT = "experte", _("Expert")

    teaser = models.CharField(_("Teaser"), max_length=250)
    description = RichTextField(
        _("Description"), features=["bold", "italic", "ol", "ul", "link"], blank=True
    )
    topic = models.ForeignKey(
        "courses.Topic",
        verbose_name=_("Topic"),
        on_delete=models.PROTECT,
        related_name="courses",
    )
    level = models.CharField(_("Level"), max_length=20, choices=Level.choices)
    duration_minutes = models.PositiveIntegerField(
        _("Estimated duration (minutes)"), validators=[MinValueValidator(5)]
    )
    target_job_profiles = ParentalManyToManyField(
        "lms.JobProfile", verbose_name=_("Target job profiles"), blank=True
    )
    prerequisites = ParentalManyToManyField(
        "self", verbose_name=_("Prerequisite courses"), blank=True, symmetrical=False
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("Quiz pass mark (%)"),
        default=70,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    minimum_minutes = models.PositiveIntegerField(
        _("Minimum learning time (minutes)"),
        null=True,
        blank=True,
        help_text=_("Optional: the course counts as completed only after this much active time."),
    )
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("Certificate valid for (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty if the certificate does not expire."),
    )
    # Outside the revisioned content (a plain relation, not in the page editor): who may edit
    # the course must not be changeable by editing it, nor by a revision under review. Set by
    # platform admins and the course's responsible trainers (courses/admin_views.py).
    responsible_trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Responsible trainers"),
        blank=True,
        related_name="responsible_courses",
    )

    content_panels = Page.content_panels + [
        FieldPanel("teaser"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("topic"), FieldPanel("level"), FieldPanel("duration_minutes")],
            heading=_("Classification"),
        ),
        InlinePanel("outcomes", label=_("Learning outcomes"), min_num=1),
        MultiFieldPanel(
            [
                FieldPanel("target_job_profiles", widget=forms.CheckboxSelectMultiple),
                FieldPanel("prerequisites"),
            ],
            heading=_("Audience"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("pass_mark"),
                FieldPanel("minimum_minutes"),
                FieldPanel("certificate_validity_months"),
            ],
            heading=_("Completion and certificate"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("teaser"),
        index.SearchField("description"),
        index.FilterField("topic"),
        index.FilterField("level"),
        index.RelatedFields("topic", [index.SearchField("name")]),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]

    class Meta:
        verbose_name = _("Course")
        verbose_name_plural = _("Courses")

    def get_course(self):
        return self

    def get_context(self, request, *args, **kwargs):
        from ..selectors import course_outline

        context = super().get_context(request, *args, **kwargs)
        context["outline"] = course_outline(self)
        return context


class CourseOutcome(Orderable):
    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="outcomes")
    text = models.CharField(_("Learning outcome"), max_length=300)

    panels = [FieldPanel("text")]

    def __str__(self) -> str:
        return self.text


class ModulePage(CourseChildMixin, Page):
    intro = models.TextField(_("Introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage", "courses.QuizPage"]

    class Meta:
        verbose_name = _("Module")
        verbose_name_plural = _("Modules")

    def serve(self, request, *args, **kwargs):
        """A module has no page of its own: send visitors to the course outline."""
        from django.shortcuts import redirect

        course = self.get_course()
        return redirect(course.url if course else "/")


class LessonPage(CourseChildMixin, Page):
    estimated_minutes = models.PositiveSmallIntegerField(_("Estimated minutes"), default=15)
    is_required = models.BooleanField(
        _("Required for completion"),
        default=True,
        help_text=_("Untick for optional further reading."),
    )
    body = StreamField(LessonStreamBlock(), verbose_name=_("Content"))
    state_date = models.DateField(
        _("State as of"),
        null=True,
        blank=True,
        help_text=_('The date up to which the content was checked (shown as "Stand").'),
    )
    review_by = models.DateField(
        _("Review by"),
        null=True,
        blank=True,
        help_text=_("Trainers are reminded when this date has passed."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("estimated_minutes"),
        FieldPanel("is_required"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("state_date"),
                FieldPanel("review_by"),
                InlinePanel("legal_sources", label=_("Legal bases")),
            ],
            heading=_("Legal currency"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Lesson")
        verbose_name_plural = _("Lessons")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(self.legal_currency())
        return context

    def legal_currency(self) -> dict:
        """What learners see of the lesson's currency: its cited sources, and the recorded
        changes of those sources that are newer than the lesson's state date. Two queries."""
        from .legal import LegalActChange

        sources = list(self.legal_sources.select_related("act"))
        changes = LegalActChange.objects.filter(acts__in={s.act_id for s in sources})
        if self.state_date:
            changes = changes.filter(recorded_on__gt=self.state_date)
        return {
            "legal_sources": sources,
            "legal_changes_since": list(changes.distinct()) if sources else [],
        }


class QuizPage(CourseChildMixin, Page):
    intro = models.TextField(_("Introduction"), blank=True)
    questions = StreamField(QuestionStreamBlock(), verbose_name=_("Questions"))
    pass_mark = models.PositiveSmallIntegerField(
        _("Pass mark (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Leave empty to use the course's pass mark."),
    )
    attempt_limit = models.PositiveSmallIntegerField(
        _("Attempt limit"), default=3, validators=[MinValueValidator(1)]
    )
    shuffle = models.BooleanField(_("Shuffle questions and options"), default=False)
    questions_per_page = models.PositiveSmallIntegerField(
        _("Questions per page"),
        default=0,
        help_text=_(
            "0 shows all questions on one page. With pages, answers are saved on every "
            "page change, so a lost connection costs nothing already answered."
        ),
    )
    questions_per_pool = models.PositiveSmallIntegerField(
        _("Questions per pool"),
        default=0,
        help_text=_(
            "0 asks every question. Otherwise each attempt draws this many questions from each "
            "pool (questions without a pool form one pool), so a retry is a different test."
        ),
    )

    class Solutions(models.TextChoices):
        AFTER_FINAL = "after_final", _("When passed or no attempt is left")
        NEVER = "never", _("Never")

    solutions = models.CharField(
        _("Show right answers and explanations"),
        max_length=12,
        choices=Solutions.choices,
        default=Solutions.AFTER_FINAL,
        help_text=_(
            "Before that, a failed attempt shows which questions were wrong, not the answers."
        ),
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("Time limit (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text=_(
            "Leave empty for no limit. With a limit, answers saved after the time (plus 30 "
            "seconds) do not count; people with extra time (Nachteilsausgleich) get theirs on top."
        ),
    )
    is_final = models.BooleanField(
        _("Final exam"),
        default=True,
        help_text=_("Passing the final exam is required to complete the course."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("questions"),
        MultiFieldPanel(
            [
                FieldPanel("pass_mark"),
                FieldPanel("attempt_limit"),
                FieldPanel("shuffle"),
                FieldPanel("questions_per_page"),
                FieldPanel("questions_per_pool"),
                FieldPanel("solutions"),
                FieldPanel("time_limit_minutes"),
                FieldPanel("is_final"),
            ],
            heading=_("Rules"),
        ),
    ]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Quiz")
        verbose_name_plural = _("Quizzes")

    def effective_pass_mark(self) -> int:
        if self.pass_mark:
            return self.pass_mark
        course = self.get_course()
        return course.pass_mark if course else 70

    @property
    def questions_per_attempt(self) -> int:
        """How many questions one attempt asks (its draw from the pools, or all)."""
        if self.questions_per_pool <= 0:
            return len(self.questions)
        return sum(min(self.questions_per_pool, n) for n in pool_sizes(self.questions).values())

    def clean(self):
        """Warn the trainer when a pool cannot make retries differ: it must hold more questions
        than are drawn from it, or every attempt asks the same ones."""
        super().clean()
        if self.questions_per_pool <= 0 or self.attempt_limit <= 1:
            return
        small = sorted(
            name or str(_("(no pool)"))
            for name, size in pool_sizes(self.questions).items()
            if size <= self.questions_per_pool
        )
        if small:
            raise ValidationError(
                {
                    "questions_per_pool": _(
                        "These pools hold no more questions than are drawn from them, so every "
                        "attempt asks the same: %(pools)s. Add questions or draw fewer."
                    )
                    % {"pools": ", ".join(small)}
                }
            )
