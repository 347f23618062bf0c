"""xAPI 1.0.3: a UUID per statement (its ``id``), the activity type of its object, and a
registration UUID per enrolment cycle. Existing rows get theirs here."""

import re
import uuid

from django.db import migrations, models

BATCH = 2000
KINDS = {"coursepage": "course", "quizpage": "assessment"}


def _fill(model, field, value_for):
    pks = list(model.objects.filter(**{f"{field}__isnull": True}).values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        rows = list(model.objects.filter(pk__in=pks[start : start + BATCH]))
        for row in rows:
            setattr(row, field, value_for(row))
        model.objects.bulk_update(rows, [field])


def fill(apps, schema_editor):
    Enrolment = apps.get_model("lms", "Enrolment")
    LearningStatement = apps.get_model("lms", "LearningStatement")
    Page = apps.get_model("wagtailcore", "Page")
    _fill(Enrolment, "registration", lambda row: uuid.uuid4())
    _fill(LearningStatement, "statement_id", lambda row: uuid.uuid4())
    page_models = dict(Page.objects.values_list("pk", "content_type__model"))

    def object_type(row):
        match = re.search(r"/page/(\d+)$", row.object_id)
        model = page_models.get(int(match.group(1))) if match else None
        return "http://adlnet.gov/expapi/activities/" + KINDS.get(model, "lesson")

    for start in range(0, LearningStatement.objects.count(), BATCH):
        rows = list(LearningStatement.objects.filter(object_type="").order_by("pk")[:BATCH])
        if not rows:
            break
        for row in rows:
            row.object_type = object_type(row)
        LearningStatement.objects.bulk_update(rows, ["object_type"])


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0025_reminder_assigned"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="registration",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="learningstatement",
            name="statement_id",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="learningstatement",
            name="object_type",
            field=models.URLField(blank=True, max_length=200),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="enrolment",
            name="registration",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="learningstatement",
            name="statement_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
