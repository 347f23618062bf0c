"""Who is responsible for a course is set outside its content: on a page of its own in the
admin, by platform admins and the course's responsible trainers, offering trainers only, by
name, with no e-mail address anywhere. Editing the course (or a revision under review) cannot
change it."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from courses.models import CoursePage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(seeded_courses):
    group = Group.objects.get(name="Trainer")

    def trainer(name, email):
        user = UserFactory(is_staff=True, full_name=name, email=email)
        user.groups.add(group)
        return user

    course = seeded_courses[0]
    owner = trainer("Olga Eigner", "olga.eigner@bonn.de")
    colleague = trainer("Kemal Kollege", "kemal.kollege@koeln.de")
    outsider = trainer("Ulla Unbeteiligt", "ulla@muenster.de")
    course.responsible_trainers.set([owner])
    learner = UserFactory(full_name="Lena Lernende", email="lena@bonn.de")
    return course, owner, colleague, outsider, learner


def url(course):
    return reverse("courses_responsible_trainers", args=[course.pk])


def test_list_offers_trainers_by_name_and_shows_no_addresses(client, team):
    course, owner, colleague, _outsider, learner = team
    client.force_login(owner)

    html = client.get(url(course)).content.decode()

    assert "Kemal Kollege" in html and "Olga Eigner" in html
    assert "Lena Lernende" not in html  # not a trainer
    form_part = html[html.index('method="post"') :]
    assert "@" not in form_part.split("</form>")[0]
    assert "kemal.kollege@koeln.de" not in html and "ulla@muenster.de" not in html


def test_search_by_name_keeps_the_current_trainers(client, team):
    course, owner, _colleague, _outsider, _learner = team
    client.force_login(owner)

    html = client.get(url(course), {"q": "unbeteil"}).content.decode()

    assert "Ulla Unbeteiligt" in html and "Olga Eigner" in html  # current ones stay listed
    assert "Kemal Kollege" not in html


def test_responsible_trainer_adds_a_colleague_at_once(client, team):
    course, owner, colleague, _outsider, _learner = team
    client.force_login(owner)

    response = client.post(url(course), {"trainers": [owner.pk, colleague.pk]})

    assert response.status_code == 302
    assert set(course.responsible_trainers.all()) == {owner, colleague}
    assert course.permissions_for_user(colleague).can_edit()


def test_other_trainers_cannot_make_themselves_responsible(client, team):
    """The reported bypass: a reviewer added herself as responsible trainer. Neither the page of
    its own nor the course editor lets her."""
    course, owner, _colleague, outsider, _learner = team
    client.force_login(outsider)

    assert client.get(url(course)).status_code == 404
    assert client.post(url(course), {"trainers": [outsider.pk]}).status_code == 404
    edit = reverse("wagtailadmin_pages:edit", args=[course.pk])
    client.post(edit, {"title": course.title, "responsible_trainers": [outsider.pk]})
    assert list(course.responsible_trainers.all()) == [owner]


def test_editing_the_course_never_touches_who_is_responsible(client, team):
    course, owner, colleague, _outsider, _learner = team
    revision = CoursePage.objects.get(pk=course.pk).save_revision(user=owner)
    course.responsible_trainers.set([owner, colleague])

    revision.as_object().save_revision(user=owner).publish()

    assert "responsible_trainers" not in revision.content
    assert set(course.responsible_trainers.all()) == {owner, colleague}


def test_a_course_keeps_at_least_one_responsible_trainer(client, team):
    course, owner, _colleague, _outsider, _learner = team
    client.force_login(owner)

    response = client.post(url(course), {})

    assert response.status_code == 200
    assert "Ein Kurs braucht mindestens eine verantwortliche Person." in response.content.decode()
    assert list(course.responsible_trainers.all()) == [owner]


def test_platform_admin_reaches_it_from_the_page_header(client, team, django_user_model):
    course, *_ = team
    admin = django_user_model.objects.create_superuser(
        email="plattform@example.org", password="x-Admin-Passwort-2026", full_name="Plattform"
    )
    client.force_login(admin)

    html = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content.decode()

    assert url(course) in html
    assert client.get(url(course)).status_code == 200
