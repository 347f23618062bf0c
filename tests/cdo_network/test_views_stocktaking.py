"""Digital stocktaking: members only of that organisation, anonymous comparison, recommendations."""

from django.urls import reverse

from cdo_network import services
from cdo_network.models import QUESTIONS, Assessment, Recommendation
from lms.models import Organisation
from tests.factories import make_member, make_organisation

KEYS = [key for questions in QUESTIONS.values() for key, _text in questions]


def _answers(value=3, **overrides):
    answers = dict.fromkeys(KEYS, value)
    answers.update(overrides)
    return answers


def test_complete_stocktaking_shows_chart_table_and_recommendations(client, member_a, gemeinde_a):
    """A member answers every statement and sees scores, a radar chart and recommendations
    for the two weakest dimensions."""
    Recommendation.objects.create(dimension="data", kind="course", title="Kurs Offene Daten")
    Recommendation.objects.create(dimension="skills", kind="course", title="Kurs Führung")
    Recommendation.objects.create(dimension="strategy", kind="course", title="Kurs Strategie")
    client.force_login(member_a)
    data = {"organisation": gemeinde_a.pk, **_answers(4, data_1=1, data_2=1, skills_1=2)}
    response = client.post(reverse("cdo_network:stocktaking_new"), data)
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "<svg" in html and "<table" in html
    assert "Kurs Offene Daten" in html and "Kurs Führung" in html
    assert "Kurs Strategie" not in html


def test_incomplete_answers_are_refused(client, member_a, gemeinde_a):
    """A statement left out means the form comes back with an error."""
    client.force_login(member_a)
    data = {"organisation": gemeinde_a.pk, **_answers()}
    del data["skills_3"]
    response = client.post(reverse("cdo_network:stocktaking_new"), data)
    assert response.status_code == 200
    assert not Assessment.objects.exists()


def test_results_visible_to_own_organisation_only(client, member_a, member_b, gemeinde_a):
    """Colleagues (also of sub-units) see the result; another municipality gets a 404."""
    assessment = services.assessment_complete(
        organisation=gemeinde_a, user=member_a, answers=_answers()
    )
    url = reverse("cdo_network:stocktaking_result", args=[assessment.pk])
    client.force_login(member_b)
    assert client.get(url).status_code == 404
    assert (
        assessment.organisation.name
        not in client.get(reverse("cdo_network:stocktaking_home")).content.decode()
    )
    amt = make_organisation("Amt für Digitales", Organisation.Kind.AMT, gemeinde_a)
    client.force_login(make_member(amt, full_name="Kollegin im Amt"))
    assert client.get(url).status_code == 200


def test_cannot_assess_another_organisation(client, member_b, gemeinde_a):
    """The organisation choice is limited to one's own bodies."""
    client.force_login(member_b)
    data = {"organisation": gemeinde_a.pk, **_answers()}
    response = client.post(reverse("cdo_network:stocktaking_new"), data)
    assert response.status_code == 200
    assert not Assessment.objects.exists()


def test_comparison_needs_three_other_municipalities(land, member_a, gemeinde_a, facts):
    """Averages of the same size class are shown only with at least three other bodies."""
    from cdo_network.selectors import assessment_report

    own = services.assessment_complete(organisation=gemeinde_a, user=member_a, answers=_answers(2))
    others = []
    for index in range(3):
        city = make_organisation(f"Großstadt {index}", Organisation.Kind.KREISFREIE_STADT, land)
        services.municipality_facts_set(organisation=city, population=500_000, land="NW")
        others.append((city, make_member(city)))
    for city, person in others[:2]:
        services.assessment_complete(organisation=city, user=person, answers=_answers(4))
    assert assessment_report(assessment=own)["has_comparison"] is False
    city, person = others[2]
    services.assessment_complete(organisation=city, user=person, answers=_answers(1))
    services.assessment_complete(organisation=city, user=person, answers=_answers(5))  # latest
    report = assessment_report(assessment=own)
    assert report["has_comparison"] is True
    assert report["comparison_size"] == 3
    assert {round(row["comparison"], 2) for row in report["rows"]} == {round((4 + 4 + 5) / 3, 2)}
