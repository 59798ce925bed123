"""Regie.agreed_at: when the team first saved who leads (inzicht's "time to agreed regie").

Existing regie rows get the time of their first saved version from the history (version >= 1); a regie
never saved, or one whose history a retention purge removed, stays empty ("not agreed" / unknown).
"""

from django.db import migrations, models
from django.db.models import Min, OuterRef, Subquery


def backfill(apps, schema_editor):
    Regie = apps.get_model("gezinsplan", "Regie")
    History = apps.get_model("gezinsplan", "HistoricalRegie")
    first = (
        History.objects.filter(id=OuterRef("pk"), version__gte=1)
        .values("id").annotate(at=Min("history_date")).values("at")[:1]
    )
    Regie.objects.filter(version__gte=1, agreed_at__isnull=True).update(agreed_at=Subquery(first))


class Migration(migrations.Migration):

    dependencies = [
        ("gezinsplan", "0006_plan_section_shared_with_parents"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalregie",
            name="agreed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="regie afgesproken op"),
        ),
        migrations.AddField(
            model_name="regie",
            name="agreed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="regie afgesproken op"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
