"""The search as a new user tries it (issue 19): the header search and the catalogue find the
seed curriculum by title, in lesson text, by stem and despite a misspelling; malformed queries
answer normally; restricted, draft and quiz content is never found by those who may not see it."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction

from courses.models import CourseIndexPage, CoursePage, LessonPage
from courses.search_documents import glossary_anchor
from lms.models import SearchEntry
from tests.courses.fixtures import publish
from tests.factories import UserFactory


def _search(client, query, **params):
    response = client.get(reverse("site_search"), {"q": query, **params})
    assert response.status_code == 200
    return response.content.decode()


def _titles(html):
    return re.findall(r'<h2><a href="[^"]*">([^<]+)</a></h2>', html)


def test_header_search_finds_lessons_by_text_stem_and_misspelling(client, seeded_courses):
    """ "Vergabe" finds the procurement lessons with the passage highlighted, "Datenschutz" the
    data-protection lesson, "barrierefrei" the text saying "Barrierefreiheit", "Vergbae" is
    corrected, "Foerderung" (no umlaut keyboard) finds "Förderung"."""
    html = _search(client, "Vergabe")
    titles = _titles(html)
    assert "Grundsätze und Ablauf eines Vergabeverfahrens" in titles
    assert "<mark>Vergabe" in html
    lesson = LessonPage.objects.get(title="Grundsätze und Ablauf eines Vergabeverfahrens")
    assert f'href="{lesson.url}#:~:text=' in html  # the browser scrolls to the passage

    html = _search(client, "Datenschutz")
    assert "Datenschutz-Grundlagen für Datenprojekte" in _titles(html)
    assert "<mark>Datenschutz</mark>" in html

    html = _search(client, "barrierefrei")
    assert _titles(html), "barrierefrei found nothing"
    assert re.search(r"<mark>Barrierefrei\w*</mark>", html)

    html = _search(client, "Vergbae")
    assert "Grundsätze und Ablauf eines Vergabeverfahrens" in _titles(html)
    assert "Ergebnisse für „vergabe“" in html

    html = _search(client, "Foerdermittel")
    assert re.search(r"<mark>Fördermittel\w*</mark>", html)


def test_catalogue_uses_the_same_search(client, seeded_courses):
    """The catalogue finds a course by its lessons' text and names the matching lessons."""
    catalogue = seeded_courses[0].get_parent()

    def courses(query):
        html = client.get(catalogue.url, {"q": query}).content.decode()
        return re.findall(r'<h3><a href="[^"]*">([^<]+)</a></h3>', html), html

    found, html = courses("Vergabe")
    assert "Herstellerneutrale IT-Beschaffung" in found
    assert "Grundsätze und Ablauf eines Vergabeverfahrens" in html  # listed as a matching lesson
    found, _html = courses("Datenschutz")
    assert any("Daten" in title for title in found)
    found, _html = courses("barrierefrei")
    assert found
    found, html = courses("Quantencomputer")
    assert found == []
    assert reverse("site_search") + "?q=Quantencomputer" in html


@pytest.mark.parametrize(
    "query",
    [
        '") OR 1=1--',
        "'",
        "\\",
        "%_%",
        "vergabe:* & !",
        "<script>alert(1)</script>",
        "a" * 5000,
        "\x00",
        "²³",
        "🙂 Vergabe",
        "() | <-> :*",
        "und die der",
    ],
)
def test_malformed_queries_answer_normally(client, course, query):
    """No query, however malformed, causes an error, and nothing typed is echoed unescaped."""
    html = _search(client, query)
    assert "<script>alert" not in html
    response = client.get(course.get_parent().url, {"q": query})
    assert response.status_code == 200


def test_restricted_course_is_not_found_by_outsiders(client, course):
    """A course for one group: its lessons are found by the group's members only."""
    group = Group.objects.create(name="Vergabestelle")
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    outsider, insider = UserFactory(), UserFactory()
    insider.groups.add(group)

    assert "Schwellenwerte" not in _titles(_search(client, "Schwellenwerte"))
    client.force_login(outsider)
    assert "Schwellenwerte" not in _titles(_search(client, "Schwellenwerte"))
    assert client.get(course.get_parent().url, {"q": "Schwellenwerte"}).context["courses"] == []
    client.force_login(insider)
    assert "Schwellenwerte" in _titles(_search(client, "Schwellenwerte"))


def test_drafts_unpublished_pages_and_quizzes_are_not_found(client, course):
    lesson = LessonPage.objects.descendant_of(course).get()
    lesson.body = [{"type": "text", "value": "<p>Entwurfsgeheimnis Losaufteilung.</p>"}]
    lesson.save_revision()  # a draft, not published
    assert not _titles(_search(client, "Entwurfsgeheimnis"))
    assert "Schwellenwerte" in _titles(_search(client, "Schwellenwerte"))

    lesson.get_latest_revision().publish()
    assert "Schwellenwerte" in _titles(_search(client, "Entwurfsgeheimnis"))

    lesson.unpublish()
    assert not _titles(_search(client, "Entwurfsgeheimnis"))
    # The quiz's questions and answers are never indexed.
    assert not _titles(_search(client, "Amtlicher Gemeindeschlüssel"))
    assert not SearchEntry.objects.filter(body__contains="216.000 Euro").exists()


def test_glossary_terms_are_found_and_linked_to_their_place(client, course):
    lesson = LessonPage.objects.descendant_of(course).get()
    lesson.body = [
        {"type": "text", "value": "<p>Oberhalb der EU-Schwellenwerte gilt die VgV.</p>"},
        {
            "type": "glossary_term",
            "value": {"term": "Losaufteilung", "definition": "Teilung eines Auftrags in Lose."},
        },
    ]
    publish(lesson)
    html = _search(client, "Lose", art="glossary")
    assert _titles(html) == ["Losaufteilung"]
    anchor = glossary_anchor("Losaufteilung")
    assert f'href="{lesson.url}#{anchor}"' in html
    client.force_login(UserFactory())
    assert f'id="{anchor}"' in client.get(lesson.url).content.decode()


def test_moving_a_course_under_a_restricted_page_hides_it(client, course, catalogue):
    """The index follows a move: below a members-only catalogue the course and its lessons are
    found only after logging in."""
    internal = CourseIndexPage(title="Intern", slug="intern")
    catalogue.get_parent().add_child(instance=internal)
    publish(internal)
    PageViewRestriction.objects.create(page=internal, restriction_type=PageViewRestriction.LOGIN)
    assert "Schwellenwerte" in _titles(_search(client, "Schwellenwerte"))

    CoursePage.objects.get(pk=course.pk).move(internal, pos="last-child")
    assert "Schwellenwerte" not in _titles(_search(client, "Schwellenwerte"))
    client.force_login(UserFactory())
    html = _search(client, "Schwellenwerte")
    assert "Schwellenwerte" in _titles(html)
    assert "/kurse/intern/" in html or "/intern/" in html  # the new address


def test_search_page_in_english_keeps_the_content(client, course):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("site_search"), {"q": "Schwellenwerte"}, HTTP_ACCEPT_LANGUAGE="en")
    text = html.content.decode()
    assert "Lessons" in text and "Schwellenwerte" in text


def test_results_page_query_count_does_not_grow_with_results(
    client, course, django_assert_num_queries
):
    """The same number of queries for 1 and for 25 lessons found."""
    client.force_login(UserFactory())
    few = _count(client)
    module = course.get_children().first()
    for number in range(24):
        lesson = LessonPage(
            title=f"Schwellenwerte Teil {number}",
            slug=f"schwellenwerte-{number}",
            body=[{"type": "text", "value": "<p>Schwellenwerte der VgV.</p>"}],
        )
        module.add_child(instance=lesson)
        publish(lesson)
    with django_assert_num_queries(few):
        html = _search(client, "Schwellenwerte")
    assert len(_titles(html)) == 20  # a full page, the rest on page 2
    assert "Seite 1 von 2" in html


def _count(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        html = _search(client, "Schwellenwerte")
    assert _titles(html)
    return len(queries)
