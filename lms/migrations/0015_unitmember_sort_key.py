"""The matrix sorts by family name with German folding and searches names: UnitMember keeps a
sort key instead of the name as written (``lms.names``)."""

from django.db import migrations, models


def fill_sort_keys(apps, schema_editor):
    from lms.names import name_sort_key

    UnitMember = apps.get_model("lms", "UnitMember")
    User = apps.get_model("lms", "User")
    names = dict(User.objects.values_list("pk", "full_name"))
    batch = []
    for member in UnitMember.objects.only("pk", "user_id").iterator(chunk_size=2000):
        member.sort_key = name_sort_key(names.get(member.user_id, ""))
        batch.append(member)
        if len(batch) >= 2000:
            UnitMember.objects.bulk_update(batch, ["sort_key"])
            batch = []
    if batch:
        UnitMember.objects.bulk_update(batch, ["sort_key"])


class Migration(migrations.Migration):
    dependencies = [("lms", "0014_audit_more_actions")]

    operations = [
        migrations.RemoveIndex(model_name="unitmember", name="unitmember_page"),
        migrations.RemoveIndex(model_name="unitmember", name="unitmember_page_all"),
        migrations.RenameField("unitmember", "full_name", "sort_key"),
        migrations.RunPython(fill_sort_keys, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="unitmember",
            index=models.Index(
                condition=models.Q(("job_profile__isnull", True)),
                fields=["organisation", "sort_key", "user"],
                name="unitmember_page_all",
            ),
        ),
        migrations.AddIndex(
            model_name="unitmember",
            index=models.Index(
                fields=["organisation", "job_profile", "sort_key", "user"], name="unitmember_page"
            ),
        ),
    ]
