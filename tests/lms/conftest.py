"""Fixtures for the learner journey: a learner enrolled in the small test course."""

import pytest

from lms.services import learning as learning_services
from tests.factories import UserFactory


@pytest.fixture
def learner(db):
    return UserFactory(full_name="Şeyma Çelik", email="seyma@bonn.de")


@pytest.fixture
def enrolment(learner, course):
    return learning_services.enrolment_create(user=learner, course=course)
