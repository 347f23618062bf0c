"""The matrix finds people by name ignoring case and diacritics and sorts by family name with
German folding (the reported cases: no name search, sorted by first name, "Łukasz" and
"Şeyma" after Z)."""

from django.urls import reverse

from lms import services
from lms.names import name_fold, name_sort_key
from lms.selectors.hr.matrix import qualification_matrix
from tests.factories import make_member


def _people(gemeinde_a, amt_a, cdo_profile):
    for name in ("Şeyma Çelik", "Łukasz Żółć", "Ayşe Öztürk", "Zoe Adam", "Jörg Weiß"):
        person = make_member(amt_a, full_name=name)
        services.membership_set(user=person, organisation=amt_a, job_profiles=[cdo_profile])


def test_folding_and_sort_keys():
    assert name_fold("Öztürk") == name_fold("Oztürk") == "ozturk"
    assert name_fold("Weiß") == "weiss" and name_fold("Łukasz") == "lukasz"
    assert name_sort_key("Dr. Jörg Weiß") == "weiss dr. jorg"


def test_matrix_sorts_by_family_name_with_german_folding(gemeinde_a, amt_a, cdo_profile):
    _people(gemeinde_a, amt_a, cdo_profile)
    names = [row.user.full_name for row in qualification_matrix(unit=gemeinde_a).rows]
    assert names == ["Zoe Adam", "Şeyma Çelik", "Ayşe Öztürk", "Jörg Weiß", "Łukasz Żółć"]


def test_search_ignores_case_and_accents(client, hr_a, gemeinde_a, amt_a, cdo_profile):
    _people(gemeinde_a, amt_a, cdo_profile)
    client.force_login(hr_a)
    url = reverse("hr_matrix", args=[gemeinde_a.pk])
    html = client.get(url, {"q": "oztürk"}).content.decode()
    assert "Ayşe Öztürk" in html and "Zoe Adam" not in html
    html = client.get(url, {"q": "ZOLC lukasz"}).content.decode()
    assert "Łukasz Żółć" in html and "Ayşe Öztürk" not in html
    assert "Ayşe" not in client.get(url, {"q": "%"}).content.decode()  # no wildcard injection
