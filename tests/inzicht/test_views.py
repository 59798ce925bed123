"""The insight pages, CSV and API end to end on crafted data: no published number under five anywhere, no
personal or free-text field in any output, 404 for a professional, a content editor and a superuser, the
Overvecht + last-six-months filter, and a network chair limited to their own network's learning figures."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from accounts.helpers import bearer_headers, make_superuser, verified_client
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.inzicht.figures import Filters, Scope, insight_figures, last_months

from .conftest import SECRETS

pytestmark = pytest.mark.django_db
FILTER = {"maanden": "6", "wijk": "overvecht"}
CELL = re.compile(r'<td class="utrecht-table__cell[^"]*">([^<]*)</td>')


def _slugs(*, counts_only: bool = False) -> list[str]:
    figures = insight_figures(filters=Filters(last_months(6), "overvecht"), scope=Scope())
    return [f.slug for f in figures if f.counts or not counts_only]


def _outputs(client) -> dict[str, str]:
    """Every output of the section for the filter: both pages, each CSV and the API answers."""
    out = {
        "overview": client.get(reverse("inzicht:overview"), FILTER).content.decode(),
        "print": client.get(reverse("inzicht:print"), FILTER).content.decode(),
        "api": client.get("/api/v1/insight/figures", FILTER).content.decode(),
    }
    for slug in _slugs():
        out[f"csv {slug}"] = client.get(reverse("inzicht:figure-csv", args=[slug]), FILTER).content.decode()
        out[f"api {slug}"] = client.get(f"/api/v1/insight/figures/{slug}", FILTER).content.decode()
    return out


def _numbers(name: str, text: str) -> list[int]:
    if name in ("overview", "print"):
        return [int(v) for v in CELL.findall(text) if v.strip().isdigit()]
    if name.startswith("csv") and name[4:] not in _slugs(counts_only=True):
        return []  # waiting times in weeks are facts about an offer, not counts of people
    if name.startswith("csv"):
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
        return [int(v) for row in rows[1:] for v in row[1:] if v.isdigit()]
    import json

    body = json.loads(text)
    counts = [f for f in body["contents"] if f["measure"] == "count"]  # "weeks": a service's waiting time
    return [v for f in counts for r in f["rows"] for v in [*r["cells"], r["total"]]
            if v is not None] + [v for f in counts for v in [*f["column_totals"], f["total"]] if v is not None]


def test_policy_sees_every_figure_with_no_cell_under_five_anywhere(client, crafted):
    verified_client(client, crafted.policy)
    outputs = _outputs(client)
    page = outputs["overview"]
    assert client.get(reverse("inzicht:overview"), FILTER).status_code == 200
    for slug in _slugs():
        assert f'id="c-{slug}"' in page  # each figure's table with its caption
    assert page.count('class="ww-chart"') >= 3  # charts drawn where there is something to draw
    assert "<svg" in page and "<script" not in page.split("</head>", 1)[1]
    seen = []
    for name, text in outputs.items():
        numbers = _numbers(name, text)
        assert all(n >= 5 for n in numbers), (name, [n for n in numbers if n < 5])
        seen += numbers
    assert 12 in seen or 19 in seen  # Overvecht's pregnancies are published (not everything hidden)
    assert 40 not in seen and 30 not in seen  # older and other-wijk counts are filtered out
    assert AccessLogEntry.objects.filter(object_type="inzicht", user_id=crafted.policy.pk).exists()


def test_no_personal_or_free_text_reaches_any_output(client, crafted):
    verified_client(client, crafted.policy)
    for name, text in _outputs(client).items():
        body = text.split('<main', 1)[-1].split("</main>", 1)[0]  # the header names the logged-in user
        for secret in SECRETS:
            assert secret not in body, (name, secret)


def test_csv_download_has_a_header_totals_and_a_file_name(client, crafted):
    verified_client(client, crafted.policy)
    response = client.get(reverse("inzicht:figure-csv", args=["route-maand-fase"]), FILTER)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "overvecht" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Maand" and rows[0][-1] == "Totaal" and rows[-1][0] == "Totaal"
    assert len(rows) == 6 + 2  # six months, header, totals


@pytest.mark.parametrize("who", ["professional", "editor", "superuser"])
def test_everyone_else_gets_404(client, crafted, who):
    user = make_superuser("baas-1") if who == "superuser" else getattr(crafted, who)
    verified_client(client, user)
    for url in (reverse("inzicht:overview"), reverse("inzicht:print"),
                reverse("inzicht:figure-csv", args=["route-maand-fase"])):
        assert client.get(url, FILTER).status_code == 404, url
    assert client.get("/api/v1/insight/figures", FILTER).status_code == 404
    assert client.get("/api/v1/insight/figures", FILTER, headers=bearer_headers(user)).status_code == 404


def test_network_chair_sees_only_their_own_networks_learning_figures(client, crafted):
    verified_client(client, crafted.net.chair)
    page = client.get(reverse("inzicht:overview"), FILTER)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="c-leren-afspraken"' in html and 'id="c-route-maand-fase"' not in html
    assert client.get(reverse("inzicht:figure-csv", args=["route-maand-fase"]), FILTER).status_code == 404
    data = client.get("/api/v1/insight/figures/leren-afspraken", FILTER).json()
    (figure,) = data["contents"]
    assert [r["label"] for r in figure["rows"]] == [crafted.net.network.name]
    assert figure["total"] == 6
    verified_client(client, crafted.net.member)  # a member who is not the chair
    assert client.get(reverse("inzicht:overview"), FILTER).status_code == 404


def test_bad_filter_is_a_dutch_error_naming_the_field(client, crafted):
    verified_client(client, crafted.policy)
    page = client.get(reverse("inzicht:overview"), {"maanden": "7", "wijk": "atlantis"})
    assert page.status_code == 400
    assert "Kies een periode van 3, 6, 12 of 24 maanden." in page.content.decode()
    assert "Kies een wijk uit de lijst." in page.content.decode()
    api = client.get("/api/v1/insight/figures", {"wijk": "atlantis"})
    assert api.status_code == 400 and "wijk" in api.json()["errors"]
    assert client.get(reverse("inzicht:figure-csv", args=["route-maand-fase"]), {"maanden": "x"}).status_code == 400


def test_anonymous_goes_to_login_and_the_api_answers_401(client, crafted):
    assert client.get(reverse("inzicht:overview")).status_code == 302
    assert client.get("/api/v1/insight/figures").status_code == 401


def test_openapi_documents_the_insight_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/insight/figures" in paths and "/insight/figures/{slug}" in paths


def test_the_section_renders_in_english_under_en(client, crafted):
    from django.utils import translation

    verified_client(client, crafted.policy)
    with translation.override("nl"):  # an /en/ request leaves English active in the test thread
        html = client.get("/en/inzicht/", FILTER).content.decode()
    assert '<html lang="en"' in html
    for english in ("Insight: where care stalls", "Advised situations per month and phase", "last 6 months",
                    "Whole city", "Download as CSV: Advised situations per month and phase", "Total",
                    "Family plan process", "Health of the social map"):
        assert english in html, english
    for dutch in ("Inzicht: waar de zorg stokt", "laatste 6 maanden", "Geadviseerde situaties per maand en fase"):
        assert dutch not in html, dutch
    dutch_csv = client.get(reverse("inzicht:figure-csv", args=["route-maand-fase"]), FILTER).content.decode()
    assert dutch_csv.lstrip("\ufeff").startswith("Maand;")  # the Dutch page is still Dutch afterwards


def test_search_figures_show_kept_queries_only(client, crafted):
    verified_client(client, crafted.policy)
    page = client.get(reverse("inzicht:overview"), FILTER).content.decode()
    assert 'id="c-zoeken-zonder-resultaat"' in page and 'id="c-zoeken-woorden"' in page
    assert "zwangerschapsyoga" in page  # six visitors: kept
    assert "zonnebloem" not in page.lower() and "pietje" not in page.lower()


def test_print_view_names_the_wijk_by_its_label(client, crafted):
    verified_client(client, crafted.policy)
    page = client.get(reverse("inzicht:print"), FILTER).content.decode()
    assert "Wijk: Overvecht." in page and "Wijk: overvecht." not in page


def test_without_a_period_the_select_shows_the_period_the_page_shows(client, crafted):
    from wegwijzer.inzicht.forms import DEFAULT_MONTHS

    verified_client(client, crafted.policy)
    page = client.get(reverse("inzicht:overview")).content.decode()
    assert re.search(rf'<option value="{DEFAULT_MONTHS}" selected>', page), "the default period is not selected"
    assert not re.search(r'<option value="3" selected>', page)
