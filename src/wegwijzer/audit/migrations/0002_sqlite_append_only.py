"""On SQLite, refuse UPDATE and DELETE on the access log with triggers (PostgreSQL: the pgtrigger in 0001)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from wegwijzer.audit.sqlite import install_triggers

    install_triggers(schema_editor.connection)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from wegwijzer.audit.sqlite import TRIGGERS

    for name in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
