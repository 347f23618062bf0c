"""Every lesson block renders accessible HTML with minimal and with full values."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from courses.blocks import LessonStreamBlock, QuestionStreamBlock

LESSON = LessonStreamBlock()
QUESTIONS = QuestionStreamBlock()


def render(stream_block, block_name, raw_value):
    block = stream_block.child_blocks[block_name]
    return block.render(block.to_python(raw_value), context={"id": "b1"})


@pytest.fixture
def image(db):
    return Image.objects.create(title="Rathaus", file=get_test_image_file())


@pytest.fixture
def document(db):
    document = Document(title="Leitfaden")
    document.file.save("leitfaden.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return document


CASES = {
    "text": (
        "<p>Kurz.</p>",
        "<h2>Titel</h2><p>Mit <b>fett</b> und <a href='https://www.govdata.de'>Link</a>.</p><ul><li>Punkt</li></ul>",
    ),
    "info_box": (
        {"kind": "info", "title": "Hinweis", "text": "<p>x</p>"},
        {"kind": "warning", "title": "Achtung", "text": "<p>Frist <b>beachten</b></p>"},
    ),
    "checklist": (
        {"title": "Prüfliste", "items": ["Eins"]},
        {"title": "Prüfliste", "items": ["Eins", "Zwei", "Drei"]},
    ),
    "glossary_term": (
        {"term": "DCAT-AP.de", "definition": "Metadatenstandard."},
        {"term": "Open Data", "definition": "Offene Daten, frei nutzbar."},
    ),
    "source": (
        {"title": "VgV", "publisher": "", "reference": "", "url": ""},
        {
            "title": "Vergabeverordnung",
            "publisher": "BMJ",
            "reference": "§ 31 Abs. 6 VgV",
            "url": "https://www.gesetze-im-internet.de/vgv_2016/__31.html",
        },
    ),
    "case_study": (
        {"municipality": "Beispielstadt (fiktiv)", "title": "Datenkatalog", "text": "<p>x</p>"},
        {
            "municipality": "Beispielstadt (fiktives Beispiel)",
            "title": "Offene Daten",
            "text": "<p>Die Stadt <i>veröffentlicht</i> Daten.</p><ul><li>a</li></ul>",
        },
    ),
    "video": (
        {"title": "Einführung", "url": "https://video.example.org/watch/1", "transcript": "Hallo."},
        {
            "title": "Einführung",
            "url": "https://media.example.org/intro.mp4",
            "transcript": "Satz eins.\n\nSatz zwei.",
        },
    ),
}


@pytest.mark.parametrize("block_name", sorted(CASES))
@pytest.mark.parametrize("variant", [0, 1], ids=["minimal", "full"])
def test_lesson_block_renders(block_name, variant):
    """The block's text appears in the HTML and nothing raw or broken is emitted."""
    raw = CASES[block_name][variant]
    html = render(LESSON, block_name, raw)
    probe = (
        raw if isinstance(raw, str) else next(v for v in raw.values() if isinstance(v, str) and v)
    )
    if isinstance(raw, str):
        assert "Kurz" in html or "Titel" in html
    else:
        assert probe.split("<")[0].split("\n")[0] in html
    assert "{{" not in html and "{%" not in html


def test_text_block_drops_raw_html():
    """Script tags and event handlers in stored rich text never reach the page."""
    block = LESSON.child_blocks["text"]
    raw = '<p onclick="x()">ok</p><script>alert(1)</script><img src=x onerror=alert(1)>'
    stored = block.get_prep_value(block.to_python(raw))
    html = block.render(block.to_python(stored))
    assert "<script" not in html and "onclick" not in html and "onerror" not in html
    assert "ok" in html


def test_video_block_always_offers_transcript():
    """Video content has its transcript in a disclosure (BITV alternative)."""
    html = render(LESSON, "video", CASES["video"][1])
    assert "<details" in html and "Satz zwei" in html and "<video" in html


def test_image_block_uses_required_alt_text(image):
    """The image's alt attribute is the trainer's description."""
    html = render(
        LESSON, "image", {"image": image.pk, "alt_text": "Das Rathaus bei Nacht", "caption": ""}
    )
    assert 'alt="Das Rathaus bei Nacht"' in html
    html = render(
        LESSON, "image", {"image": image.pk, "alt_text": "Rathaus", "caption": "Foto: Stadt"}
    )
    assert "<figcaption>Foto: Stadt</figcaption>" in html


def test_image_block_without_alt_text_is_invalid(image):
    """A trainer cannot save an image without alternative text."""
    from django.core.exceptions import ValidationError

    block = LESSON.child_blocks["image"]
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"image": image.pk, "alt_text": "", "caption": ""}))


def test_document_block_links_download(document):
    """The download link names the file type."""
    html = render(LESSON, "document", {"document": document.pk, "title": "Leitfaden herunterladen"})
    assert "Leitfaden herunterladen" in html and "PDF" in html


QUESTION_CASES = {
    "single_choice": {
        "question": "Welche?",
        "choices": [{"text": "A", "correct": True}, {"text": "B", "correct": False}],
        "explanation": "Weil.",
    },
    "multiple_choice": {
        "question": "Welche alle?",
        "choices": [
            {"text": "A", "correct": True},
            {"text": "B", "correct": True},
            {"text": "C", "correct": False},
        ],
        "explanation": "Weil.",
    },
    "true_false": {"question": "Stimmt das?", "correct": True, "explanation": "Weil."},
    "short_answer": {"question": "Wie viele?", "accepted_answers": ["8"], "explanation": "Weil."},
}


@pytest.mark.parametrize("block_name", sorted(QUESTION_CASES))
def test_question_block_renders_labelled_inputs_without_solution(block_name):
    """Questions render as a fieldset with legend and labelled inputs, never the solution."""
    html = render(QUESTIONS, block_name, QUESTION_CASES[block_name])
    assert "<fieldset" in html and "<legend>" in html and "<label for=" in html
    assert "Weil." not in html and "correct" not in html.replace("may be correct", "")


def test_single_choice_needs_exactly_one_correct_option():
    """Two correct options in a single-choice question are refused with a message."""
    from django.core.exceptions import ValidationError

    block = QUESTIONS.child_blocks["single_choice"]
    value = dict(QUESTION_CASES["single_choice"])
    value["choices"] = [{"text": "A", "correct": True}, {"text": "B", "correct": True}]
    with pytest.raises(ValidationError):
        block.clean(block.to_python(value))
