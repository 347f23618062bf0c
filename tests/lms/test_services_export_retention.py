"""Exports list people: after the retention period they are deleted with their files; an
export whose task was lost stops waiting (failed) so its page offers a new one."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from certificates.models import CertificateExport
from certificates.tasks import certificate_exports_purge_task
from lms.models import MatrixExport
from lms.services.export_retention import exports_purge
from lms.tasks import matrix_exports_purge_task

MODELS = [MatrixExport, CertificateExport]


def _export(model, unit, user, *, age, status="ready", with_file=True):
    name = ""
    if with_file:
        name = default_storage.save("exports/liste.bin", ContentFile(b"Anna Bonn;anna@bonn.de"))
    return model.objects.create(
        organisation=unit,
        requested_by=user,
        status=status,
        file=name,
        created_at=timezone.now() - age,
    )


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_expired_exports_go_with_their_files(
    model, gemeinde_a, hr_a, settings, django_capture_on_commit_callbacks
):
    """Older than the retention period: row and file deleted; a recent one stays."""
    settings.EXPORT_RETENTION_DAYS = 7
    old = _export(model, gemeinde_a, hr_a, age=timedelta(days=7, minutes=1))
    recent = _export(model, gemeinde_a, hr_a, age=timedelta(days=6))
    with django_capture_on_commit_callbacks(execute=True):
        assert exports_purge(model) == (1, 0)
    assert list(model.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not default_storage.exists(old.file.name)
    assert default_storage.exists(recent.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        assert exports_purge(model) == (0, 0)  # idempotent


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_stuck_pending_export_is_marked_failed(model, gemeinde_a, hr_a):
    """Pending for more than an hour: failed (its page says so); one just asked for waits."""
    stuck = _export(model, gemeinde_a, hr_a, age=timedelta(minutes=61), status="pending")
    fresh = _export(model, gemeinde_a, hr_a, age=timedelta(minutes=5), status="pending")
    assert exports_purge(model) == (0, 1)
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert (stuck.status, fresh.status) == ("failed", "pending")


def test_failed_page_after_a_lost_task(client, gemeinde_a, hr_a):
    """The person who asked sees the German failure message instead of waiting forever."""
    from django.urls import reverse

    export = _export(
        MatrixExport, gemeinde_a, hr_a, age=timedelta(hours=2), status="pending", with_file=False
    )
    matrix_exports_purge_task.delay()
    client.force_login(hr_a)
    html = client.get(reverse("hr_matrix_export", args=[export.pk])).content.decode()
    assert "Der Export ist fehlgeschlagen." in html


def test_beat_tasks_purge_both_kinds(gemeinde_a, hr_a, django_capture_on_commit_callbacks):
    """The hourly tasks of lms and certificates each purge their own exports."""
    for model in MODELS:
        _export(model, gemeinde_a, hr_a, age=timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        assert matrix_exports_purge_task.delay().get() == 1
        assert certificate_exports_purge_task.delay().get() == 1
    assert not MatrixExport.objects.exists() and not CertificateExport.objects.exists()
