"""Directory: members only, each field shown according to its owner's visibility choice."""

import pytest
from django.urls import reverse

from cdo_network import services
from cdo_network.models import SizeClass, Visibility
from tests.factories import UserFactory, make_member


def _profile(user, organisation, topic, **visibility):
    return services.profile_save(
        user=user,
        organisation=organisation,
        topics=[topic],
        role_title="Chief Digital Officer",
        bio="Ich baue die Datenplattform auf.",
        contact_detail="anna@bonn.example",
        **visibility,
    )


def test_profile_land_and_size_class_follow_the_organisation(member_a, gemeinde_a, topic):
    """Saving a profile takes Land and size class from the municipality's facts."""
    profile = _profile(member_a, gemeinde_a, topic)
    assert profile.land == "NW"
    assert profile.size_class == SizeClass.LARGE


def test_profile_field_visibility(client, member_a, member_b, gemeinde_a, gemeinde_b, topic):
    """Private fields are hidden from others, organisation-only fields from other bodies,
    and the owner sees everything."""
    _profile(
        member_a,
        gemeinde_a,
        topic,
        bio_visibility=Visibility.PRIVATE,
        contact_visibility=Visibility.ORGANISATION,
        role_title_visibility=Visibility.MEMBERS,
    )
    profile = member_a.cdo_profile
    url = reverse("cdo_network:directory_detail", args=[profile.pk])

    client.force_login(member_b)
    page = client.get(url).content.decode()
    assert "Chief Digital Officer" in page
    assert "Datenplattform" not in page
    assert "anna@bonn.example" not in page

    colleague = make_member(gemeinde_a, full_name="Carla Kollegin")
    client.force_login(colleague)
    page = client.get(url).content.decode()
    assert "anna@bonn.example" in page
    assert "Datenplattform" not in page

    client.force_login(member_a)
    page = client.get(url).content.decode()
    assert "Datenplattform" in page and "anna@bonn.example" in page


def test_filters_never_match_hidden_fields(client, member_a, member_b, gemeinde_a, topic):
    """Filtering by topic or Land does not reveal a person whose field is hidden."""
    _profile(
        member_a,
        gemeinde_a,
        topic,
        topics_visibility=Visibility.PRIVATE,
        organisation_visibility=Visibility.PRIVATE,
    )
    client.force_login(member_b)
    url = reverse("cdo_network:directory")
    assert "Anna Amsel" in client.get(url).content.decode()
    assert "Anna Amsel" not in client.get(url, {"topic": topic.slug}).content.decode()
    assert "Anna Amsel" not in client.get(url, {"land": "NW"}).content.decode()
    assert "Anna Amsel" not in client.get(url, {"size_class": "large"}).content.decode()


def test_filters_by_land_size_and_topic(client, member_a, member_b, gemeinde_a, topic):
    """Visible fields can be filtered by Land, size class and topic."""
    _profile(member_a, gemeinde_a, topic)
    client.force_login(member_b)
    url = reverse("cdo_network:directory")
    params = {"land": "NW", "size_class": "large", "topic": topic.slug}
    assert "Anna Amsel" in client.get(url, params).content.decode()
    assert "Anna Amsel" not in client.get(url, {"land": "BY"}).content.decode()


def test_directory_is_for_members_only(client, db):
    """Anonymous visitors are sent to log in; accounts without a membership are refused."""
    url = reverse("cdo_network:directory")
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


def test_unlisted_profile_is_not_shown(client, member_a, member_b, gemeinde_a, topic):
    """A person who unticks "show me" disappears from the list and their page is a 404."""
    profile = _profile(member_a, gemeinde_a, topic, listed=False)
    client.force_login(member_b)
    assert "Anna Amsel" not in client.get(reverse("cdo_network:directory")).content.decode()
    detail = reverse("cdo_network:directory_detail", args=[profile.pk])
    assert client.get(detail).status_code == 404


@pytest.mark.django_db
def test_profile_form_saves_visibility(client, member_a, gemeinde_a, topic):
    """The member form stores the entry with the chosen visibility per field."""
    client.force_login(member_a)
    response = client.post(
        reverse("cdo_network:profile_edit"),
        {
            "listed": "on",
            "organisation": gemeinde_a.pk,
            "organisation_visibility": "members",
            "role_title": "CDO",
            "role_title_visibility": "members",
            "topics": [topic.pk],
            "topics_visibility": "organisation",
            "bio": "",
            "bio_visibility": "private",
            "contact_preference": "email",
            "contact_detail": "",
            "contact_visibility": "private",
        },
    )
    assert response.status_code == 302
    assert member_a.cdo_profile.topics_visibility == Visibility.ORGANISATION


def test_htmx_search_returns_only_the_results(client, member_a, gemeinde_a, topic):
    """An htmx request gets the result list without the page around it."""
    _profile(member_a, gemeinde_a, topic)
    client.force_login(member_a)
    response = client.get(
        reverse("cdo_network:directory"), {"q": "Anna"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "Anna Amsel" in html and "<html" not in html


def test_editors_manage_network_snippets(client, db, django_user_model):
    """Circles, programmes and standards appear in the Wagtail admin for editors."""
    admin = django_user_model.objects.create_superuser(
        email="admin@example.org", password="x-Passwort-2026", full_name="Admin"
    )
    client.force_login(admin)
    for model in ("expertcircle", "fundingprogramme", "standard", "recommendation"):
        response = client.get(f"/cms/snippets/cdo_network/{model}/")
        assert response.status_code == 200, model


def test_people_who_left_their_organisation_drop_out(client, member_a, member_b, gemeinde_a, topic):
    """A profile whose owner no longer belongs to any member organisation is not listed."""
    from lms import services as lms_services

    _profile(member_a, gemeinde_a, topic)
    lms_services.membership_remove(user=member_a, organisation=gemeinde_a)
    client.force_login(member_b)
    assert "Anna Amsel" not in client.get(reverse("cdo_network:directory")).content.decode()


def test_operators_see_network_models_in_django_admin(client, db, django_user_model):
    """Registrations, circle memberships and reports can be looked up in the Django admin."""
    admin = django_user_model.objects.create_superuser(
        email="betrieb@example.org", password="x-Passwort-2026", full_name="Betrieb"
    )
    client.force_login(admin)
    for model in ("profile", "registration", "circlemembership", "abusereport", "assessment"):
        assert client.get(f"/django-admin/cdo_network/{model}/").status_code == 200, model
