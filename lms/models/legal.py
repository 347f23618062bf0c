"""What a public body's website must say about itself, edited by the operator in Wagtail.

- ``LegalPage``: Impressum (§ 5 DDG, § 18 MStV), Datenschutzerklärung (Art. 13/14 DSGVO), and
  the explanations in Leichte Sprache and Deutsche Gebärdensprache that BITV 2.0 § 4 requires
  on the start page's main contents and navigation.
- ``AccessibilityStatementPage``: the Erklärung zur Barrierefreiheit after the EU model
  statement (Implementing Decision (EU) 2018/1523): state of conformity, content that is not
  accessible and why, how the statement was made, feedback and the enforcement procedure.
- ``AccessibilityFeedback``: what visitors send through the statement's feedback form
  (Feedback-Mechanismus); the operator gets it by mail and in the admin.

The footer links fixed addresses (``/impressum/`` …) served by ``lms.views.legal``, which show
the live page of that kind or a German default text, so a link never leads nowhere.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page


class SignLanguageVideoBlock(blocks.StructBlock):
    """A video in Deutsche Gebärdensprache with its transcript (for everyone who cannot watch
    it, and for search)."""

    title = blocks.CharBlock(label=_("Title"))
    video = DocumentChooserBlock(
        label=_("Video file (MP4 or WebM)"),
        required=False,
        help_text=_("Recorded by sign language interpreters; upload it under Documents."),
    )
    transcript = blocks.RichTextBlock(label=_("Transcript"), features=["bold", "link", "ol", "ul"])

    class Meta:
        icon = "media"
        label = _("Sign language video")
        template = "lms/blocks/sign_language_video.html"


class LegalPage(Page):
    """One of the operator's fixed information pages, chosen by ``kind``."""

    class Kind(models.TextChoices):
        IMPRINT = "impressum", _("Imprint (Impressum)")
        PRIVACY = "datenschutz", _("Privacy notice (Datenschutzerklärung)")
        PLAIN_LANGUAGE = "leichte-sprache", _("Easy-to-read German (Leichte Sprache)")
        SIGN_LANGUAGE = "gebaerdensprache", _("German Sign Language (Gebärdensprache)")

    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices, unique=True)
    body = StreamField(
        [
            ("heading", blocks.CharBlock(label=_("Heading"), form_classname="title")),
            (
                "paragraph",
                blocks.RichTextBlock(
                    label=_("Text"), features=["bold", "italic", "link", "ol", "ul"]
                ),
            ),
            ("sign_language_video", SignLanguageVideoBlock()),
        ],
        verbose_name=_("Content"),
        use_json_field=True,
    )
    reviewed_on = models.DateField(_("Last reviewed on"), default=timezone.localdate)

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldPanel("body"),
        FieldPanel("reviewed_on"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = []
    template = "lms/legal_page.html"

    class Meta:
        verbose_name = _("Legal or information page")
        verbose_name_plural = _("Legal and information pages")


class AccessibilityStatementPage(Page):
    """The Erklärung zur Barrierefreiheit, in the order of the EU model statement."""

    class Conformity(models.TextChoices):
        FULL = "full", _("fully compliant")
        PARTIAL = "partial", _("partially compliant")
        NONE = "none", _("not compliant")

    conformity = models.CharField(
        _("State of conformity"),
        max_length=10,
        choices=Conformity.choices,
        default=Conformity.PARTIAL,
        help_text=_("With BITV 2.0 and EN 301 549 (WCAG 2.1 level AA)."),
    )
    scope = RichTextField(_("What this statement covers"), features=["bold", "link", "ul"])
    non_accessible = RichTextField(
        _("Content that is not accessible, and why"), features=["bold", "link", "ul", "ol"]
    )
    prepared_on = models.DateField(_("Statement prepared on"), default=timezone.localdate)
    reviewed_on = models.DateField(_("Last reviewed on"), default=timezone.localdate)
    method = RichTextField(_("How the statement was prepared"), features=["bold", "link", "ul"])
    feedback_contact = RichTextField(_("Feedback and contact"), features=["bold", "link", "ul"])
    feedback_email = models.EmailField(
        _("Feedback goes to"),
        blank=True,
        help_text=_(
            "Messages sent with the feedback form are mailed to this address (empty: the "
            "operator's address from ACCESSIBILITY_FEEDBACK_EMAIL)."
        ),
    )
    enforcement = RichTextField(_("Enforcement procedure"), features=["bold", "link", "ul"])

    content_panels = Page.content_panels + [
        FieldPanel("conformity"),
        FieldPanel("scope"),
        FieldPanel("non_accessible"),
        FieldPanel("prepared_on"),
        FieldPanel("reviewed_on"),
        FieldPanel("method"),
        FieldPanel("feedback_contact"),
        FieldPanel("feedback_email"),
        FieldPanel("enforcement"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = []
    max_count = 1
    template = "lms/accessibility_statement_page.html"

    class Meta:
        verbose_name = _("Accessibility statement")
        verbose_name_plural = _("Accessibility statements")


class AccessibilityFeedback(models.Model):
    """A visitor's report of a barrier (or request for content in an accessible form)."""

    page_url = models.CharField(_("Page concerned"), max_length=500, blank=True)
    message = models.TextField(_("Message"), max_length=5000)
    name = models.CharField(_("Name"), max_length=200, blank=True)
    email = models.EmailField(_("E-mail address for the answer"), blank=True)
    created_at = models.DateTimeField(_("Received at"), default=timezone.now, db_index=True)
    mailed_at = models.DateTimeField(_("Mailed at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("Handled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Accessibility feedback")
        verbose_name_plural = _("Accessibility feedback")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%d.%m.%Y %H:%M} {self.page_url or '–'}"
