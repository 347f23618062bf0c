"""The issue's acceptance scenario, through the web views: a learner completes a course, the
PDF's QR code opens a page that says valid; after HR revokes, the same page says revoked."""

import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from certificates.models import Certificate
from lms.models import QuizAttempt
from tests.lms.learning_helpers import answers_for, lessons_of, quiz_of


def _scan_qr(pdf: bytes, tmp_path) -> str:
    pdftoppm, zbarimg = shutil.which("pdftoppm"), shutil.which("zbarimg")
    if not (pdftoppm and zbarimg):
        pytest.skip("needs pdftoppm and zbarimg: apt-get install -y poppler-utils zbar-tools")
    (tmp_path / "certificate.pdf").write_bytes(pdf)
    # Fixed argument lists with paths under tmp_path: nothing untrusted reaches the commands.
    subprocess.run(  # noqa: S603
        [pdftoppm, "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile"]
        + [str(tmp_path / "certificate.pdf"), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    scan = subprocess.run(  # noqa: S603
        [zbarimg, "--raw", "-q", str(tmp_path / "page.png")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return scan.stdout.strip()


def test_complete_course_scan_qr_valid_then_revoked(
    client, learner_a, hr_a, course, tmp_path, django_capture_on_commit_callbacks
):
    """Completing through the views yields a PDF whose QR code opens 'valid', then 'revoked'."""
    client.force_login(learner_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("learning_enrol", args=[course.pk]))
        for lesson in lessons_of(course):
            client.post(reverse("learning_lesson_done", args=[lesson.pk]))
        quiz = quiz_of(course)
        client.post(reverse("learning_quiz_start", args=[quiz.pk]))
        answers = answers_for(quiz.specific, correct=True)
        open_attempt = QuizAttempt.objects.get(quiz=quiz, enrolment__user=learner_a)
        client.post(
            reverse("learning_quiz_submit", args=[open_attempt.pk]),
            {f"q-{qid}": values for qid, values in answers.items()},
        )
    listing = client.get(reverse("certificate_list")).content.decode()
    assert "Vergabe kompakt" in listing
    certificate = Certificate.objects.get(user=learner_a)
    response = client.get(reverse("certificate_download", args=[certificate.pk]))
    pdf = b"".join(response.streaming_content)

    url = _scan_qr(pdf, tmp_path)
    assert url == certificate.verify_url
    client.logout()
    page = client.get(urlsplit(url).path).content.decode()
    assert 'data-state="valid"' in page

    client.force_login(hr_a)
    client.post(reverse("certificate_revoke", args=[certificate.pk]), {"reason": "Irrtum"})
    client.logout()
    page = client.get(urlsplit(url).path).content.decode()
    assert 'data-state="revoked"' in page
