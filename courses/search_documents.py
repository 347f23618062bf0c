"""What of the curriculum is findable: courses, lessons and the glossary terms in lessons.

Quizzes are never indexed (their questions and options would give the answers away), nor
modules (they have no page of their own). Every row carries the page's tree path, so the search
leaves out whatever sits below a page the viewer may not see (page privacy).
"""

from django.utils.html import strip_tags
from django.utils.text import slugify
from wagtail.rich_text import get_text_for_indexing

from lms.models import SearchEntry
from lms.services.search_index import SearchDocument, page_source, register_page_indexer

from .models import CoursePage, LessonPage


def _stream_text(stream) -> str:
    """The readable text of a StreamField, blocks in order (rich text without markup)."""
    parts = []
    for child in stream:
        parts.extend(child.block.get_searchable_content(child.value))
    return "\n".join(strip_tags(part) for part in parts if part)


def glossary_anchor(term: str) -> str:
    return f"glossar-{slugify(term)}"


def course_documents(course: CoursePage) -> list[SearchDocument]:
    outcomes = " ".join(course.outcomes.values_list("text", flat=True))
    body = "\n".join(
        part
        for part in (course.teaser, get_text_for_indexing(course.description or ""), outcomes)
        if part
    )
    context = course.topic.name if course.topic_id else ""
    return [
        SearchDocument(
            key=page_source(course),
            kind=SearchEntry.Kind.COURSE,
            title=course.title,
            url=course.url or "",
            body=body,
            context=context,
            page_path=course.path,
        )
    ]


def lesson_documents(lesson: LessonPage) -> list[SearchDocument]:
    course = lesson.get_course()
    if course is None or not course.live:
        return []
    url = lesson.url or ""
    documents = [
        SearchDocument(
            key=page_source(lesson),
            kind=SearchEntry.Kind.LESSON,
            title=lesson.title,
            url=url,
            body=_stream_text(lesson.body),
            context=course.title,
            page_path=lesson.path,
        )
    ]
    for number, child in enumerate(lesson.body):
        if child.block_type != "glossary_term":
            continue
        term = child.value["term"]
        documents.append(
            SearchDocument(
                key=f"{page_source(lesson)}:glossary:{number}",
                kind=SearchEntry.Kind.GLOSSARY,
                title=term,
                url=f"{url}#{glossary_anchor(term)}",
                body=child.value["definition"],
                context=lesson.title,
                page_path=lesson.path,
            )
        )
    return documents


register_page_indexer(CoursePage, course_documents)
register_page_indexer(LessonPage, lesson_documents)
