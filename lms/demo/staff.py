"""Demo staff for the HR views: invented people in real organisations, with job profiles,
a mandatory-course assignment and some progress made through the real services, so the
qualification matrix shows every status right after ``seed_demo``."""

import io
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from courses.models import CoursePage, LessonPage, QuizPage
from lms import services
from lms.models import Enrolment, JobProfile, Organisation, QuizAttempt, User
from lms.services import hr as hr_services
from lms.services import learning as learning_services

DEMO_PASSWORD = "Kommune-Demo-2026"  # noqa: S105  (printed on purpose: demo logins)

PROFILE_REQUIREMENTS = {
    "Chief Digital Officer": [
        "die-rolle-des-chief-digital-officer",
        "datenmanagement-in-der-kommune",
    ],
    "Datenschutzkoordination": ["datenmanagement-in-der-kommune"],
    "Vergabestelle": ["herstellerneutrale-it-beschaffung"],
    "IT-Leitung": ["herstellerneutrale-it-beschaffung", "datenmanagement-in-der-kommune"],
}

# (e-mail, name, unit, job profile, what they have done: "done" | "half" | "none")
STAFF = [
    (
        "jana.becker@demo.kommunal-campus.de",
        "Jana Becker",
        "Amt für Digitalisierung und Organisation",
        "IT-Leitung",
        "done",
    ),
    (
        "tobias.wagner@demo.kommunal-campus.de",
        "Tobias Wagner",
        "Amt für Digitalisierung und Organisation",
        "Datenschutzkoordination",
        "half",
    ),
    (
        "ayse.yilmaz@demo.kommunal-campus.de",
        "Ayşe Yılmaz",
        "Zentrale Vergabestelle",
        "Vergabestelle",
        "half",
    ),
    (
        "lukas.hoffmann@demo.kommunal-campus.de",
        "Lukas Hoffmann",
        "Zentrale Vergabestelle",
        "Vergabestelle",
        "none",
    ),
    (
        "marie.schulz@demo.kommunal-campus.de",
        "Marie Schulz",
        "Personal- und Organisationsamt",
        "Datenschutzkoordination",
        "none",
    ),
    (
        "jonas.richter@demo.kommunal-campus.de",
        "Jonas Richter",
        "Amt für Informationsverarbeitung",
        "IT-Leitung",
        "half",
    ),
]


def _course(slug: str) -> CoursePage:
    return CoursePage.objects.get(slug=slug)


def _make_progress(user: User, course: CoursePage, level: str) -> None:
    enrolment = Enrolment.objects.filter(user=user, course=course).order_by("-cycle").first()
    if enrolment is None or level == "none" or enrolment.status == Enrolment.Status.COMPLETED:
        return
    lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
    for lesson in lessons if level == "done" else lessons[: len(lessons) // 2]:
        learning_services.lesson_complete(enrolment=enrolment, lesson=lesson)
    if (
        level == "done"
        and not QuizAttempt.objects.filter(enrolment=enrolment, passed=True).exists()
    ):
        quiz = QuizPage.objects.live().descendant_of(course).get()
        attempt = learning_services.quiz_attempt_start(enrolment=enrolment, quiz=quiz)
        answers = {}
        for child in quiz.questions:
            value = child.value
            if child.block_type in ("single_choice", "multiple_choice"):
                answers[child.id] = [
                    c.id for c in value["choices"].bound_blocks if c.value["correct"]
                ]
            elif child.block_type == "true_false":
                answers[child.id] = ["true" if value["correct"] else "false"]
            else:
                answers[child.id] = [value["accepted_answers"][0]]
        learning_services.quiz_attempt_submit(attempt=attempt, answers=answers)


def seed_staff(*, hr_bonn: User) -> None:
    for profile_name, slugs in PROFILE_REQUIREMENTS.items():
        profile = JobProfile.objects.get(name=profile_name)
        profile.required_courses.add(*[_course(slug) for slug in slugs])
    bonn = Organisation.objects.get(ags="05314000")
    procurement = _course("herstellerneutrale-it-beschaffung")
    # A mandatory course for Bonn's procurement office, due in three weeks …
    vergabestelle = Organisation.objects.get(
        name="Zentrale Vergabestelle", path__startswith=bonn.path
    )
    if not vergabestelle.assignments.filter(course=procurement).exists():
        hr_services.assignment_create(
            created_by=hr_bonn,
            organisation=vergabestelle,
            course=procurement,
            due_date=timezone.localdate() + timedelta(days=21),
            recurrence_months=24,
        )
    for email, name, unit_name, profile_name, level in STAFF:
        user = User.objects.filter(email__iexact=email).first() or User.objects.create_user(
            email=email, password=DEMO_PASSWORD, full_name=name
        )
        unit = Organisation.objects.get(name=unit_name)
        profile = JobProfile.objects.get(name=profile_name)
        services.membership_set(user=user, organisation=unit, job_profiles=[profile])
        for course in profile.required_courses.all():
            if level != "none":
                learning_services.enrolment_create(user=user, course=course)
            _make_progress(user, course, level)
    # … and one colleague whose data-management course is overdue.
    overdue = User.objects.get(email="tobias.wagner@demo.kommunal-campus.de")
    hr_services.enrolment_assign(
        user=overdue,
        course=_course("datenmanagement-in-der-kommune"),
        due_date=timezone.localdate() - timedelta(days=10),
    )
    _seed_expiring_external(hr_bonn=hr_bonn)


def _demo_proof_pdf() -> ContentFile:
    """A one-page PDF standing in for a scanned training certificate."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.drawString(72, 760, "Teilnahmebescheinigung (Demo)")
    page.drawString(72, 740, "Fortbildung Datenmanagement und Datenschutz in der Verwaltung")
    page.save()
    return ContentFile(buffer.getvalue(), name="teilnahmebescheinigung.pdf")


def _seed_expiring_external(*, hr_bonn: User) -> None:
    """Marie Schulz took her data training elsewhere three years ago; HR approved the proof,
    and it lapses in two months: the matrix shows "läuft bald ab" and the key figures a
    qualification lapsing this quarter."""
    from lms.models import ExternalQualification
    from lms.services.qualifications import (
        external_qualification_review,
        external_qualification_upload,
    )

    marie = User.objects.get(email="marie.schulz@demo.kommunal-campus.de")
    if ExternalQualification.objects.filter(user=marie).exists():
        return
    today = timezone.localdate()
    proof = external_qualification_upload(
        user=marie,
        uploaded_by=marie,
        course=_course("datenmanagement-in-der-kommune"),
        title="Fortbildung Datenmanagement und Datenschutz in der Verwaltung",
        provider="Studieninstitut für kommunale Verwaltung",
        completed_on=today - timedelta(days=3 * 365 - 60),
        valid_until=today + timedelta(days=60),
        file=_demo_proof_pdf(),
    )
    external_qualification_review(qualification=proof, reviewed_by=hr_bonn, approve=True)
