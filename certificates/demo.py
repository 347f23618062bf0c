"""Demo data for certificates (called at the end of ``seed_demo``): the default template and
one course completed by the demo learner, through the real services, so a certificate exists."""

from courses.models import CoursePage, LessonPage, QuizPage
from lms.models import Enrolment, User
from lms.services import learning as learning_services

from .services import certificate_template_default

DEMO_LEARNER = "lernende@demo.kommunal-campus.de"


def _correct_answers(quiz: QuizPage) -> dict:
    answers = {}
    for child in quiz.questions:
        value = child.value
        if child.block_type in ("single_choice", "multiple_choice"):
            options = value["choices"].bound_blocks
            answers[child.id] = [option.id for option in options if option.value["correct"]]
        elif child.block_type == "true_false":
            answers[child.id] = [str(value["correct"]).lower()]
        else:
            answers[child.id] = [value["accepted_answers"][0]]
    return answers


def seed_certificates() -> None:
    """Idempotent: the default template, and the demo learner's first course completed."""
    certificate_template_default()
    learner = User.objects.filter(email__iexact=DEMO_LEARNER).first()
    course = CoursePage.objects.live().order_by("duration_minutes", "pk").first()
    if learner is None or course is None:
        return
    if Enrolment.objects.filter(user=learner, course=course, status="completed").exists():
        return
    enrolment = learning_services.enrolment_create(user=learner, course=course)
    for lesson in LessonPage.objects.live().descendant_of(course).order_by("path"):
        learning_services.lesson_complete(enrolment=enrolment, lesson=lesson)
    for quiz in QuizPage.objects.live().descendant_of(course).filter(is_final=True):
        attempt = learning_services.quiz_attempt_start(enrolment=enrolment, quiz=quiz)
        learning_services.quiz_attempt_submit(attempt=attempt, answers=_correct_answers(quiz))
