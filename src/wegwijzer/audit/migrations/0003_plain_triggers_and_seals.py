"""Replace the pgtrigger Protect (bypassable with `SET pgtrigger.ignore`) by a plain PL/pgSQL trigger,
add the seal table (hash chain over the log) and protect it like the log on both databases."""

import django.utils.timezone
import pgtrigger.migrations
from django.db import migrations, models


def forwards(apps, schema_editor):
    from wegwijzer.audit import pg, sqlite

    pg.install_triggers(schema_editor.connection)
    sqlite.install_triggers(schema_editor.connection)


def backwards(apps, schema_editor):
    from wegwijzer.audit import pg, sqlite

    pg.remove_triggers(schema_editor.connection)
    if schema_editor.connection.vendor == "sqlite":
        for name in sqlite.TRIGGERS:
            if name.startswith(sqlite.SEAL_TABLE) or name.endswith("_no_replace"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_sqlite_append_only")]

    operations = [
        pgtrigger.migrations.RemoveTrigger(model_name="accesslogentry", name="append_only"),
        migrations.CreateModel(
            name="AccessLogSeal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("first_id", models.BigIntegerField(unique=True, verbose_name="eerste regel")),
                ("last_id", models.BigIntegerField(verbose_name="laatste regel")),
                ("row_count", models.PositiveIntegerField(verbose_name="aantal regels")),
                ("rows_sha256", models.CharField(max_length=64, verbose_name="hash van de regels")),
                ("previous_sha256", models.CharField(max_length=64, unique=True, verbose_name="hash van het vorige zegel")),
                ("chain_sha256", models.CharField(max_length=64, unique=True, verbose_name="hash van dit zegel")),
                ("row_digests", models.TextField(blank=True, verbose_name="hash per regel")),
                ("sealed_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="verzegeld op")),
            ],
            options={
                "verbose_name": "zegel van het toegangslog",
                "verbose_name_plural": "zegels van het toegangslog",
                "ordering": ["first_id"],
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
