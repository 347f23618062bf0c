"""seed_demo: real organisations, one login per role, and idempotent."""

import io

import pytest
from django.core.management import call_command

from lms.models import (
    Enrolment,
    JobProfile,
    LessonProgress,
    Membership,
    Organisation,
    QuizAttempt,
    User,
)
from lms.selectors import organisations_visible_to


def _snapshot():
    return {
        "organisations": sorted(Organisation.objects.values_list("path", "name", "kind", "ags")),
        "users": sorted(User.objects.values_list("email", "full_name", "is_staff", "password")),
        "memberships": sorted(
            Membership.objects.values_list("user__email", "organisation__name", "role")
        ),
        "profiles": sorted(JobProfile.objects.values_list("name", flat=True)),
        "enrolments": sorted(
            Enrolment.objects.values_list(
                "user__email", "course__slug", "status", "due_date", "cycle"
            )
        ),
        "progress": LessonProgress.objects.filter(completed_at__isnull=False).count(),
        "attempts": QuizAttempt.objects.count(),
        "permissions": sorted(
            (str(user), str(org))
            for user in User.objects.all()
            for org in organisations_visible_to(user)
            if not user.is_superuser
        ),
    }


@pytest.mark.django_db
def test_seed_demo_twice_leaves_same_data(capsys):
    """Running seed_demo a second time changes nothing."""
    call_command("seed_demo")
    first = _snapshot()
    call_command("seed_demo")
    assert _snapshot() == first


@pytest.mark.django_db
def test_seed_demo_prints_logins_and_scopes_hr(capsys):
    """Every role has a login; HR of Bonn sees Bonn's Ämter but not Köln."""
    call_command("seed_demo")
    output = capsys.readouterr().out
    for email in [
        "lernende@",
        "trainer@",
        "personal.bonn@",
        "personal.koeln@",
        "cdo.bonn@",
        "admin@",
    ]:
        assert email in output
    hr_bonn = User.objects.get(email="personal.bonn@demo.kommunal-campus.de")
    visible = {org.name for org in organisations_visible_to(hr_bonn)}
    assert "Bürgerdienste" in visible and "Stadt Köln" not in visible
    assert Organisation.objects.get(ags="05314000").name == "Bundesstadt Bonn"
    assert "manage.py demo_codes" in output


@pytest.mark.django_db
def test_demo_hr_login_passes_the_second_factor_as_printed(client, settings, capsys):
    """With the second factor required (the default outside tests), the printed way works: the
    code from ``manage.py demo_codes`` confirms the demo HR login; the learner is not asked."""
    from django.urls import reverse

    from lms.management.commands.seed_demo import DEMO_PASSWORD

    settings.MFA_REQUIRED = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("demo_codes")
    code = capsys.readouterr().out.split("Aktueller Code: ")[1][:6]
    client.post(
        reverse("login"),
        {"username": "personal.bonn@demo.kommunal-campus.de", "password": DEMO_PASSWORD},
    )
    assert "/konto/zweiter-faktor/" in client.get(reverse("hr_home"))["Location"]
    assert client.post(reverse("mfa_verify"), {"code": code}).status_code == 302
    assert client.get(reverse("hr_home"), follow=True).status_code == 200
    assert "/zweiter-faktor/" not in client.get(reverse("hr_home"))["Location"]


@pytest.mark.django_db
def test_demo_database_from_before_the_unit_tables_gets_them(settings):
    """``make run`` on a demo database made before the matrix's unit tables: seeding again
    builds them, so the HR matrix of Bonn lists its people instead of nobody."""
    from lms.models import UnitMember, UnitStatusCount
    from lms.selectors.hr.matrix import qualification_matrix

    call_command("seed_demo", stdout=io.StringIO())
    bonn = Organisation.objects.get(ags="05314000")
    people = qualification_matrix(unit=bonn).page.paginator.count
    assert people > 0
    UnitMember.objects.all().delete()
    UnitStatusCount.objects.all().delete()
    assert qualification_matrix(unit=bonn).page.paginator.count == 0
    call_command("seed_demo", stdout=io.StringIO())
    assert qualification_matrix(unit=bonn).page.paginator.count == people
