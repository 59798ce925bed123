"""`wegwijzer audit seal|verify`: the hash chain over the access log (see wegwijzer.audit.seal).

- seal [--horizon-seconds N]: seal every row older than the horizon (default 300 s) that no seal covers.
- verify [--no-seal] [--expect HASH]: seal first, then recompute every seal; exit 1 on any difference.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from wegwijzer.audit import seal


def _horizon(value: str) -> dt.timedelta:
    import argparse

    try:
        seconds = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(_("geen geheel aantal seconden: %(value)s") % {"value": value}) from None
    if not 0 <= seconds <= 7 * 24 * 3600:
        raise argparse.ArgumentTypeError(_("kies 0 tot en met 604800 seconden"))
    return dt.timedelta(seconds=seconds)


class Command(BaseCommand):
    help = "Verzegel het toegangslog met een hashketen en controleer die keten."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (("seal", "Verzegel de regels die ouder zijn dan de veiligheidsmarge."),
                           ("verify", "Verzegel en controleer daarna alle zegels.")):
            action = sub.add_parser(name, help=text)
            action.add_argument("--horizon-seconds", dest="horizon", type=_horizon, default=seal.DEFAULT_HORIZON,
                                help="Veiligheidsmarge in seconden (standaard 300): jongere regels wachten.")
        verify = sub.choices["verify"]
        verify.add_argument("--no-seal", action="store_true", help="Niet eerst verzegelen.")
        verify.add_argument("--expect", metavar="HASH",
                            help="Een eerder (buiten de database) bewaarde zegelhash die in de keten moet staan.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seal" or not options.get("no_seal"):
            seals = seal.seal_pending(horizon=options["horizon"])
            rows = sum(s.row_count for s in seals)
            if options["action"] == "seal" or seals:
                self.stdout.write(_("%(seals)s nieuwe zegel(s) over %(rows)s regel(s).") % {"seals": len(seals), "rows": rows})
            if seals:
                self.stdout.write(_("Laatste zegelhash: %(hash)s") % {"hash": seals[-1].chain_sha256})
            if options["action"] == "seal":
                return
        report = seal.verify(expect=options.get("expect"))
        for problem in report.problems:
            self.stderr.write(_("FOUT: %(problem)s") % {"problem": problem})
        if not report.ok:
            raise CommandError(
                _("Het toegangslog is gewijzigd: %(count)s afwijking(en).") % {"count": len(report.problems)},
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(
            _("Toegangslog in orde: %(seals)s zegel(s), %(sealed)s regel(s) verzegeld, %(unsealed)s regel(s) nog "
              "niet verzegeld. Laatste zegelhash: %(hash)s")
            % {"seals": report.seals, "sealed": report.sealed_rows, "unsealed": report.unsealed_rows,
               "hash": report.last_hash}
        ))
