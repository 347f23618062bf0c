"""StreamField blocks trainers use to write lessons and quizzes.

Every block renders through its own template in ``courses/templates/blocks/`` with semantic,
accessible HTML. Question blocks never render their solution: the quiz template shows only the
question and the options; solutions and explanations appear on the result page after submission.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link"]
BOX_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link"]


class SafeRichTextBlock(blocks.RichTextBlock):
    """Rich text whose stored HTML is reduced to the block's features, whatever its origin
    (admin editor, seed files, imports): scripts, event handlers and unknown tags never persist."""

    def get_prep_value(self, value):
        from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

        html = super().get_prep_value(value)
        converter = ContentstateConverter(features=self.features)
        return converter.to_database_format(converter.from_database_format(html))


class ImageWithAltBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=250,
        help_text=_("Describe what the image shows for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/image.html"


class VideoBlock(blocks.StructBlock):
    """A video by URL with a mandatory transcript (BITV: an alternative for every medium)."""

    title = blocks.CharBlock(label=_("Title"), max_length=200)
    url = blocks.URLBlock(
        label=_("Video URL"), help_text=_("Link to an .mp4/.webm file or a video page.")
    )
    transcript = blocks.TextBlock(
        label=_("Transcript"), help_text=_("Full text of what is said and shown.")
    )

    class Meta:
        icon = "media"
        label = _("Video with transcript")
        template = "blocks/video.html"


class DocumentDownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Link text"), max_length=200)

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "blocks/document.html"


class InfoBoxBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("info", _("Note")), ("warning", _("Warning"))],
        default="info",
    )
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    text = SafeRichTextBlock(label=_("Text"), features=BOX_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        label = _("Info or warning box")
        template = "blocks/info_box.html"


class ChecklistBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    items = blocks.ListBlock(blocks.CharBlock(label=_("Item"), max_length=300), label=_("Items"))

    class Meta:
        icon = "tasks"
        label = _("Checklist")
        template = "blocks/checklist.html"


class GlossaryTermBlock(blocks.StructBlock):
    term = blocks.CharBlock(label=_("Term"), max_length=120)
    definition = blocks.TextBlock(label=_("Definition"))

    class Meta:
        icon = "help"
        label = _("Glossary term")
        template = "blocks/glossary_term.html"


class SourceBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=300)
    publisher = blocks.CharBlock(label=_("Publisher"), max_length=200, required=False)
    reference = blocks.CharBlock(
        label=_("Reference"),
        max_length=120,
        required=False,
        help_text=_("For example § 31 Abs. 6 VgV"),
    )
    url = blocks.URLBlock(label=_("Link"), required=False)

    class Meta:
        icon = "link"
        label = _("Source")
        template = "blocks/source.html"


class CaseStudyBlock(blocks.StructBlock):
    municipality = blocks.CharBlock(label=_("Local authority"), max_length=200)
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    text = SafeRichTextBlock(label=_("Text"), features=BOX_TEXT_FEATURES)

    class Meta:
        icon = "site"
        label = _("Case study from a municipality")
        template = "blocks/case_study.html"


class BaseStreamBlock(blocks.StreamBlock):
    """The blocks every content page shares; course streams extend it."""

    text = SafeRichTextBlock(
        label=_("Text"), features=RICH_TEXT_FEATURES, template="blocks/text.html"
    )
    image = ImageWithAltBlock()
    info_box = InfoBoxBlock()
    source = SourceBlock()


class LessonStreamBlock(BaseStreamBlock):
    video = VideoBlock()
    document = DocumentDownloadBlock()
    checklist = ChecklistBlock()
    glossary_term = GlossaryTermBlock()
    case_study = CaseStudyBlock()


# --- Quiz questions --------------------------------------------------------------------------


class ChoiceOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Answer option"), max_length=300)
    correct = blocks.BooleanBlock(label=_("Correct"), required=False)

    class Meta:
        icon = "radio-full"
        label = _("Option")


class _ChoiceQuestionBlock(blocks.StructBlock):
    question = blocks.TextBlock(label=_("Question"))
    choices = blocks.ListBlock(ChoiceOptionBlock(), label=_("Answer options"), min_num=2)
    explanation = blocks.TextBlock(
        label=_("Explanation"), help_text=_("Shown to the learner after submission.")
    )
    pool = blocks.CharBlock(
        label=_("Question pool"),
        max_length=100,
        required=False,
        help_text=_(
            'For example the learning outcome. With "questions per pool" each attempt draws '
            "that many questions from every pool."
        ),
    )

    min_correct = 1
    max_correct = 1

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for choice in value["choices"] if choice["correct"])
        if not self.min_correct <= correct <= (self.max_correct or correct):
            raise StructBlockValidationError(
                block_errors={"choices": ValidationError(self.correct_count_message)}
            )
        return value


class SingleChoiceQuestionBlock(_ChoiceQuestionBlock):
    correct_count_message = _("Mark exactly one option as correct.")

    class Meta:
        icon = "radio-full"
        label = _("Single choice")
        template = "blocks/question_single_choice.html"


class MultipleChoiceQuestionBlock(_ChoiceQuestionBlock):
    min_correct = 1
    max_correct = None
    correct_count_message = _("Mark at least one option as correct.")

    class Meta:
        icon = "list-ul"
        label = _("Multiple choice")
        template = "blocks/question_multiple_choice.html"


class TrueFalseQuestionBlock(blocks.StructBlock):
    question = blocks.TextBlock(label=_("Statement"))
    correct = blocks.BooleanBlock(
        label=_("The statement is true"), required=False, help_text=_("Leave unticked if false.")
    )
    explanation = blocks.TextBlock(label=_("Explanation"))
    pool = blocks.CharBlock(
        label=_("Question pool"),
        max_length=100,
        required=False,
        help_text=_(
            'For example the learning outcome. With "questions per pool" each attempt draws '
            "that many questions from every pool."
        ),
    )

    class Meta:
        icon = "tick"
        label = _("True or false")
        template = "blocks/question_true_false.html"


class ShortAnswerQuestionBlock(blocks.StructBlock):
    question = blocks.TextBlock(label=_("Question"))
    accepted_answers = blocks.ListBlock(
        blocks.CharBlock(max_length=200, label=_("Accepted answer")),
        label=_("Accepted answers"),
        min_num=1,
        help_text=_(
            "Compared ignoring case, accents in Unicode forms, surrounding punctuation, hyphens "
            "or spaces, ß/ss and thousands separators; numbers may be written 216000 or 216.000."
        ),
    )
    explanation = blocks.TextBlock(label=_("Explanation"))
    pool = blocks.CharBlock(
        label=_("Question pool"),
        max_length=100,
        required=False,
        help_text=_(
            'For example the learning outcome. With "questions per pool" each attempt draws '
            "that many questions from every pool."
        ),
    )

    class Meta:
        icon = "edit"
        label = _("Short text or number")
        template = "blocks/question_short_answer.html"


class QuestionStreamBlock(blocks.StreamBlock):
    single_choice = SingleChoiceQuestionBlock()
    multiple_choice = MultipleChoiceQuestionBlock()
    true_false = TrueFalseQuestionBlock()
    short_answer = ShortAnswerQuestionBlock()
