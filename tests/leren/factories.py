"""A learning network built through the services: chair, member, outsider, one meeting."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from accounts.helpers import make_professional, make_superuser
from wegwijzer.leren import services

_seq = itertools.count(1)


def professional(prefix: str, **extra):
    return make_professional(f"{prefix}-{next(_seq)}", **extra)


class Net:
    def __init__(self):
        self.chair = professional("voorzitter", role="verloskundige", first_name="Anna", last_name="Visser")
        self.member = professional("lid", role="jgz", first_name="Bram", last_name="Kok")
        self.outsider = professional("ander", role="huisarts")
        self.admin = make_superuser(f"beheerder-{next(_seq)}")
        self.network = services.network_create(
            actor=None, context=None, slug=f"gzn-{next(_seq)}", name="Geboortezorgnetwerk Overvecht",
            chair_username=self.chair.username, wijk="overvecht",
        )
        services.network_member_add(
            actor=self.chair, context=None, network=self.network, username=self.member.username
        )
        self.meeting = services.meeting_create(
            actor=self.chair, context=None, network=self.network, title="Casusbespreking",
            starts_at=timezone.now() - dt.timedelta(days=30), place="Wijkcentrum",
        )
