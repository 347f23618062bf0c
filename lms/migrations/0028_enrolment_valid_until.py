"""Validity fixed on the enrolment at completion (lms.dates). Completed enrolments get the date
their certificate printed, or, without a certificate, the one the course's validity gives."""

from django.db import migrations, models
from django.utils import timezone

BATCH = 2000


def fill(apps, schema_editor):
    from lms.dates import qualification_valid_until

    Enrolment = apps.get_model("lms", "Enrolment")
    Certificate = apps.get_model("certificates", "Certificate")
    CoursePage = apps.get_model("courses", "CoursePage")
    validity = dict(CoursePage.objects.values_list("pk", "certificate_validity_months"))
    printed = dict(
        Certificate.objects.filter(superseded_by__isnull=True)
        .order_by("pk")
        .values_list("enrolment_id", "valid_until")
    )
    pending = Enrolment.objects.filter(status="completed", completed_at__isnull=False)
    pks = list(pending.values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        rows = list(Enrolment.objects.filter(pk__in=pks[start : start + BATCH]))
        for row in rows:
            if row.pk in printed:
                row.valid_until = printed[row.pk]
            else:
                row.valid_until = qualification_valid_until(
                    timezone.localdate(row.completed_at), validity.get(row.course_id)
                )
        Enrolment.objects.bulk_update(rows, ["valid_until"])


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0027_lrs_endpoints"),
        ("certificates", "0003_correction_four_eyes"),
        ("courses", "0008_responsible_trainers_outside_revisions"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="valid_until",
            field=models.DateField(blank=True, null=True, verbose_name="Valid until"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
