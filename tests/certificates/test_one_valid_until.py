"""One source of truth for "valid until": fixed at completion on the enrolment; the certificate,
the stored matrix status, the live rules and the CSV export all show that one date, also after
a trainer changes the course's validity (which then counts for later completions only)."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import formats

from certificates.models import Certificate
from lms import services
from lms.dates import add_months, qualification_valid_until
from lms.models import Enrolment, JobProfile, QualificationStatus
from lms.selectors.hr.live import qualification_cells_live
from tests.certificates.conftest import complete_course

pytestmark = pytest.mark.django_db


def test_a_validity_change_leaves_certificate_matrix_and_export_on_one_date(
    client, learner_a, amt_a, course, hr_a, gemeinde_a, django_capture_on_commit_callbacks
):
    profile = JobProfile.objects.create(name="Vergabestelle")
    profile.required_courses.add(course)
    services.membership_set(user=learner_a, organisation=amt_a, job_profiles=[profile])
    course.certificate_validity_months = 24
    course.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        issued = Certificate.objects.get(enrolment=complete_course(learner_a, course))
    printed = issued.valid_until
    assert printed == add_months(issued.issued_on, 24)
    course.certificate_validity_months = 12  # the trainer shortens it afterwards
    course.save_revision().publish()

    enrolment = Enrolment.objects.get(pk=issued.enrolment_id)
    stored = QualificationStatus.objects.get(user=issued.user, course=course)
    live = qualification_cells_live([issued.user_id])[(issued.user_id, course.pk)]
    assert enrolment.valid_until == stored.valid_until == live.cell.valid_until == printed

    client.force_login(hr_a)
    response = client.get(reverse("hr_matrix_csv", args=[gemeinde_a.pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    row = next(r for r in csv.reader(io.StringIO(text), delimiter=";") if r[0] == "Şeyma Çelik")
    assert formats.date_format(printed, "d.m.Y") in row or printed.isoformat() in row


def test_the_month_end_is_clamped():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert add_months(date(2026, 12, 3), 24) == date(2028, 12, 3)
    assert qualification_valid_until(date(2026, 12, 3), 0) is None
