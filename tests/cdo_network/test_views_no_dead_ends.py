"""No dead ends: standards, stocktaking recommendations and the home page lead to real pages,
and what is missing is said and counted as demand."""

import os
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from cdo_network import services
from cdo_network.models import QUESTIONS, Recommendation, Standard
from cdo_network.selectors import course_demand
from lms.models import Organisation, User

pytestmark = pytest.mark.django_db


def _login(client, email):
    client.force_login(User.objects.get(email=email))


@pytest.fixture
def demo(db):
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", stdout=devnull)


def _internal_links(html):
    return {
        href
        for href in re.findall(r'href="(/[^"#]*)"', html)
        if not href.startswith(("/static/", "/cms/", "/django-admin/"))
    }


def _assert_all_links_ok(client, html):
    for href in _internal_links(html):
        response = client.get(href, follow=True)
        assert response.status_code == 200, href


def test_standards_link_real_courses_or_say_none_yet(client, demo):
    """DCAT-AP.de links the live data-management course; a standard without a course says so
    instead of naming a course that does not exist; every link answers 200."""
    html = client.get(reverse("cdo_network:standards_list")).content.decode()
    assert "Offene Daten in der Kommune" not in html and "Urbane Datenplattformen" not in html
    assert "Datenmanagement in der Kommune" in html
    assert "Noch kein Kurs" in html
    _assert_all_links_ok(client, html)


def test_stocktaking_recommends_real_courses(client, demo):
    """The demo CDO's stocktaking result links live courses; skills no longer recommends the
    energy monitoring project; every link answers 200."""
    assert not Recommendation.objects.filter(dimension="skills", page__slug="energiemonitoring")
    assert not Recommendation.objects.filter(kind="course", course_topic=None)
    cdo = User.objects.get(email="cdo.bonn@demo.kommunal-campus.de")
    answers = {
        key: 1 if dimension in ("skills", "infrastructure") else 4
        for dimension, questions in QUESTIONS.items()
        for key, _text in questions
    }
    assessment = services.assessment_complete(
        organisation=Organisation.objects.get(name="Bundesstadt Bonn"), user=cdo, answers=answers
    )
    client.force_login(cdo)
    url = reverse("cdo_network:stocktaking_result", args=[assessment.pk])
    html = client.get(url).content.decode()
    assert "Kurs:" in html and "Datenmanagement in der Kommune" in html
    assert "Noch kein Kurs zum Thema „Informationssicherheit“" in html
    _assert_all_links_ok(client, html)


def test_course_demand_lists_topics_without_course(client, demo):
    """Topics pointed to without a live course are the demand the competence centre sees,
    with the standards naming them; topics with courses are not listed; admins only."""
    rows = {row.topic.name: row for row in course_demand()}
    assert "Standards" in rows and "Datenmanagement" not in rows
    assert (
        len(rows["Standards"].standards)
        == Standard.objects.filter(course_topic__name="Standards").count()
    )
    _login(client, "trainer@demo.kommunal-campus.de")
    assert client.get(reverse("cdo_network_course_demand")).status_code in (302, 403)
    _login(client, "admin@demo.kommunal-campus.de")
    html = client.get(reverse("cdo_network_course_demand")).content.decode()
    assert "Informationssicherheit" in html and "Standards" in html


@pytest.mark.parametrize(
    "login",
    [None, "lernende@demo.kommunal-campus.de", "personal.bonn@demo.kommunal-campus.de"],
)
def test_home_cards_and_footer_lead_somewhere(client, demo, login):
    """Every link on the home page (cards, navigation, footer with the verification page)
    answers 200 for a visitor, a learner and HR."""
    if login:
        _login(client, login)
    html = client.get(reverse("home")).content.decode()
    assert reverse("certificate_verify_start") in html
    assert reverse("cdo_network:overview") in html
    _assert_all_links_ok(client, html)
