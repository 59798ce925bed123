"""One name per concept (docs/glossary.md): organization_slug → organization_slug, gezinsplan_id → gezinsplan_id.

Renames, not drop-and-add: the log is append-only and keeps its rows; on SQLite RENAME COLUMN keeps the
table (and its anti-REPLACE triggers) instead of rebuilding it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_plain_triggers_and_seals"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="accesslogentry", name="audit_case_time_idx"),
        migrations.RenameField(model_name="accesslogentry", old_name="organization_slug", new_name="organization_slug"),
        migrations.RenameField(model_name="accesslogentry", old_name="gezinsplan_id", new_name="gezinsplan_id"),
        migrations.AlterField(
            model_name="accesslogentry",
            name="gezinsplan_id",
            field=models.CharField(blank=True, db_index=True, max_length=64, verbose_name="gezinsplan"),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(fields=["gezinsplan_id", "-occurred_at"], name="audit_gezinsplan_time_idx"),
        ),
    ]
