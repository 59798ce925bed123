"""event_id defaults to a time-ordered UUID (v7), and the single-column index on gezinsplan_id goes: the
composite audit_gezinsplan_time_idx (gezinsplan_id, -occurred_at) already serves every lookup by case.

Both as state changes plus one DROP INDEX, not as AlterField: on SQLite an AlterField rebuilds the whole
(append-only, possibly large) table, and a default is not stored in the database anyway.
"""

from django.db import migrations, models

import wegwijzer.audit.models

TABLE = "audit_accesslogentry"


def _single_column_indexes(schema_editor, column):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return [
        name
        for name, info in constraints.items()
        if info["index"] and not info["unique"] and not info["primary_key"] and info["columns"] == [column]
    ]


def drop_index(apps, schema_editor):
    model = apps.get_model("audit", "AccessLogEntry")
    for name in _single_column_indexes(schema_editor, "gezinsplan_id"):
        schema_editor.execute(schema_editor._delete_index_sql(model, name))


def create_index(apps, schema_editor):
    model = apps.get_model("audit", "AccessLogEntry")
    field = model._meta.get_field("gezinsplan_id")
    if not _single_column_indexes(schema_editor, "gezinsplan_id"):
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_rename_to_organization_and_gezinsplan")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="accesslogentry",
                    name="event_id",
                    field=models.UUIDField(
                        default=wegwijzer.audit.models.new_event_id, editable=False, unique=True,
                        verbose_name="gebeurtenis",
                    ),
                ),
                migrations.AlterField(
                    model_name="accesslogentry",
                    name="gezinsplan_id",
                    field=models.CharField(blank=True, max_length=64, verbose_name="gezinsplan"),
                ),
            ],
            database_operations=[migrations.RunPython(drop_index, create_index)],
        ),
    ]
