"""An owner sees their open leren agreements among their actions on the gezinsplan's start page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.helpers import verified_client
from wegwijzer.core.actions import actions_for
from wegwijzer.leren import services

pytestmark = pytest.mark.django_db


def test_owner_sees_open_agreements_overdue_first_not_done_ones_nor_others(client, net):
    d = services.discussion_create(actor=net.member, context=None, meeting=net.meeting, description="Een casus.")
    today = timezone.localdate()

    def agree(what, owner, days):
        return services.improvement_create(actor=net.member, context=None, discussion=d, what=what,
                                           owner_username=owner.username, due_date=today + dt.timedelta(days=days))

    agree("Overdracht op papier zetten", net.member, 10)
    agree("Sociale kaart bijwerken", net.member, -2)
    done = agree("Al gedaan", net.member, 5)
    agree("Voor de voorzitter", net.chair, 3)
    services.improvement_update(actor=net.member, context=None, improvement=done, status="gedaan")

    items = actions_for(net.member, today)
    assert [i.what for i in items] == ["Sociale kaart bijwerken", "Overdracht op papier zetten"]
    assert [i.overdue for i in items] == [True, False]
    assert items[0].url == reverse("leren:network", kwargs={"network_id": net.network.pk})

    verified_client(client, net.member)
    body = client.get(reverse("gezinsplan:my-gezinsplannen")).content.decode()
    section = body.split('id="acties"')[1].split("</section>")[0]
    assert "Sociale kaart bijwerken" in section and "Overdracht op papier zetten" in section
    assert "Geboortezorgnetwerk Overvecht" in section and "Te laat" in section
    assert "Al gedaan" not in section and "Voor de voorzitter" not in section
    assert section.index("Sociale kaart bijwerken") < section.index("Overdracht op papier zetten")


def test_agreements_of_a_network_left_are_not_shown(net):
    d = services.discussion_create(actor=net.member, context=None, meeting=net.meeting, description="Een casus.")
    services.improvement_create(actor=net.member, context=None, discussion=d, what="Iets", owner_username=net.chair.username,
                                due_date=timezone.localdate())
    assert [i.what for i in actions_for(net.outsider, timezone.localdate())] == []
