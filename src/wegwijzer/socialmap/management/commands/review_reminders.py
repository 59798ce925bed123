"""`wegwijzer review_reminders`: queue the weekly reminder to the social map's editors (run it weekly from
cron or a systemd timer; the task worker sends it). Django Tasks has no scheduler of its own."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Zet de wekelijkse herinnering aan de redacteuren van de sociale kaart in de wachtrij."

    def handle(self, *args: Any, **options: Any) -> None:
        from wegwijzer.socialmap.tasks import review_reminder_send

        result = review_reminder_send.enqueue()
        self.stdout.write(f"Herinnering in de wachtrij gezet (taak {result.id}).")
