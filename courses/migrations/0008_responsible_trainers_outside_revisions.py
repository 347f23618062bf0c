"""Responsible trainers leave the revisioned page content: a plain relation, no longer copied
into revisions. Revisions saved before carry the old copy; it is dropped from them, so loading
an old revision (compare, revert, publish) neither fails nor brings an old list back."""

from django.conf import settings
from django.db import migrations, models


def drop_from_revisions(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    course_type = ContentType.objects.filter(app_label="courses", model="coursepage").first()
    if course_type is None:
        return
    for revision in Revision.objects.filter(content_type=course_type).iterator():
        if isinstance(revision.content, dict) and "responsible_trainers" in revision.content:
            revision.content.pop("responsible_trainers")
            revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0007_quiz_time_limit"),
        ("wagtailcore", "0098_apitoken"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="coursepage",
            name="responsible_trainers",
            field=models.ManyToManyField(
                blank=True,
                related_name="responsible_courses",
                to=settings.AUTH_USER_MODEL,
                verbose_name="Responsible trainers",
            ),
        ),
        migrations.RunPython(drop_from_revisions, migrations.RunPython.noop),
    ]
