"""Waiting time per contracted service over time (issue 14, "Waiting times"): the longest figure per month of
each service the city contracted (directly or through a provider) in the period; not a count, so not suppressed."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.helpers import make_policy_staff, verified_client
from socialmap.factories import OrganizationFactory, ServiceFactory, TaxonomyTermFactory
from wegwijzer.inzicht.figures import Filters, last_months, wait_figures
from wegwijzer.socialmap.models import Funding, WaitTime, Wijk

pytestmark = pytest.mark.django_db


def _month(n: int) -> date:
    """The 5th of the month n months ago."""
    day = timezone.localdate().replace(day=5)
    for _ in range(n):
        day = (day.replace(day=1) - timedelta(days=1)).replace(day=5)
    return day


@pytest.fixture
def services():
    law = TaxonomyTermFactory(code="jeugdwet")
    direct, via, free = (ServiceFactory(slug=s, name=n) for s, n in (
        ("kraamzorg-extra", "Extra kraamzorg"), ("gezinscoach", "Gezinscoach"), ("niet-gecontracteerd", "Vrij aanbod")))
    provider = OrganizationFactory(slug="aanbieder")
    via.organizations.add(provider)
    Funding.objects.create(service=direct, law=law, start_date=date(2020, 1, 1))
    Funding.objects.create(organization=provider, law=law)
    ended = ServiceFactory(slug="oud-contract", name="Oud contract")
    Funding.objects.create(service=ended, law=law, start_date=date(2019, 1, 1), end_date=date(2020, 1, 1))
    west = Wijk.objects.create(slug="west", name="West")
    for service, weeks, month, wijk in ((direct, 3, 0, None), (direct, 7, 0, west), (direct, 2, 2, None),
                                        (via, 11, 1, None), (free, 9, 0, None), (ended, 4, 0, None)):
        WaitTime.objects.create(service=service, weeks=weeks, measured_on=_month(month), wijk=wijk, source="test")
    return direct, via


def _figure(wijk: str = ""):
    (figure,) = [f for f in wait_figures(Filters(last_months(6), wijk)) if f.slug == "wachttijd-gecontracteerd"]
    return figure


def test_longest_figure_per_month_of_contracted_services_only(services):
    figure = _figure()
    assert figure.measure == "weeks" and not figure.counts
    assert list(figure.table.col_labels) == ["Gezinscoach", "Extra kraamzorg"]  # longest waiting first
    rows = dict(figure.rows)
    assert rows[_month(0).strftime("%Y-%m")][:2] == (None, 7)  # 3 city-wide and 7 in West: the longest
    assert rows[_month(1).strftime("%Y-%m")][:2] == (11, None)
    assert rows[_month(2).strftime("%Y-%m")][:2] == (None, 2)  # a small number is a fact here, not a person
    assert len(rows) == 6


def test_a_wijk_filter_keeps_city_wide_figures_and_that_wijks_own(services):
    assert dict(_figure("west").rows)[_month(0).strftime("%Y-%m")][:2] == (None, 7)
    assert dict(_figure("overvecht").rows)[_month(0).strftime("%Y-%m")][:2] == (None, 3)


def test_page_csv_and_api_show_weeks_without_totals(client, services):
    verified_client(client, make_policy_staff("beleid-w"))
    params = {"maanden": "6"}
    page = client.get(reverse("inzicht:overview"), params).content.decode()
    section = page.split('aria-labelledby="f-wachttijd-gecontracteerd"', 1)[1].split("</section>", 1)[0]
    assert "7 weken" in section and "11 weken" in section and "geen melding" in section
    assert "<tfoot" not in section and "Totaal" not in section
    text = client.get(reverse("inzicht:figure-csv", args=["wachttijd-gecontracteerd"]), params).content.decode()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Maand", "Gezinscoach", "Extra kraamzorg"] and len(rows) == 7
    assert [_month(0).strftime("%Y-%m"), "", "7"] in rows
    body = client.get("/api/v1/insight/figures/wachttijd-gecontracteerd", params).json()
    (figure,) = body["contents"]
    assert figure["measure"] == "weeks" and figure["total"] is None
    assert {"label": _month(1).strftime("%Y-%m"), "cells": [11, None], "total": None} in figure["rows"]
