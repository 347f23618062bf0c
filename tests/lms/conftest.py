"""Fixtures for the learner journey: a learner enrolled in the small test course."""

import pytest

from lms import services
from lms.models import JobProfile, Membership
from lms.services import learning as learning_services
from tests.factories import UserFactory, make_member


@pytest.fixture
def learner(db):
    return UserFactory(full_name="Şeyma Çelik", email="seyma@bonn.de")


@pytest.fixture
def enrolment(learner, course):
    return learning_services.enrolment_create(user=learner, course=course)


@pytest.fixture
def cdo_profile(course):
    """A job profile that requires the test course."""
    profile = JobProfile.objects.create(name="Chief Digital Officer")
    profile.required_courses.add(course)
    return profile


@pytest.fixture
def employee_a(amt_a, cdo_profile):
    """An employee of Gemeinde A whose name would be a spreadsheet formula."""
    person = make_member(amt_a, full_name='=HYPERLINK("http://evil")')
    services.membership_set(user=person, organisation=amt_a, job_profiles=[cdo_profile])
    return person


@pytest.fixture
def employee_b(amt_b, cdo_profile):
    """An employee of the neighbouring Gemeinde B."""
    person = make_member(amt_b, full_name="Bernd Köln")
    services.membership_set(user=person, organisation=amt_b, job_profiles=[cdo_profile])
    return person


@pytest.fixture
def admin_a(gemeinde_a):
    """The organisation admin of Gemeinde A (reads its access log)."""
    return make_member(gemeinde_a, Membership.Role.ORG_ADMIN, full_name="Admin Bonn")


@pytest.fixture
def admin_b(gemeinde_b):
    return make_member(gemeinde_b, Membership.Role.ORG_ADMIN, full_name="Admin Köln")
