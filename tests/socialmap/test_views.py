"""The social map's web pages: render, filter, never a 500 on bad input, Dutch by default, English on /en/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from wegwijzer.socialmap.models import Organization, Phone, Role, Service, Taxonomy, TaxonomyTerm, Wijk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _dutch():
    """Each test starts in Dutch: an /en/ request leaves English active in the test thread."""
    with translation.override("nl"):
        yield


def _term(taxonomy: str, code: str, name: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get_or_create(taxonomy=taxonomy, code=code, defaults={"name": name})[0]


@pytest.fixture
def socialmap():
    """A small map: two wijken, roles, a team and a network per wijk, a citywide organisation, services."""
    zvw = _term(Taxonomy.LAW, "zvw", "Zorgverzekeringswet (medisch)")
    jeugdwet = _term(Taxonomy.LAW, "jeugdwet", "Jeugdwet (niet-medisch: opvoeden en opgroeien)")
    kraam = _term(Taxonomy.PHASE, "kraamperiode", "Kraamperiode (eerste 6 weken na de bevalling)")
    zwanger = _term(Taxonomy.PHASE, "zwangerschap", "Zwangerschap")
    eerste = _term(Taxonomy.DOMAIN, "medisch-eerstelijns", "Medisch eerstelijns")
    sociaal = _term(Taxonomy.DOMAIN, "sociaal", "Sociaal domein")
    via_kraam = _term(Taxonomy.ACCESS, "via-kraamzorg", "Via de kraamzorg")
    vrij = _term(Taxonomy.ACCESS, "vrij-toegankelijk", "Vrij toegankelijk")

    overvecht = Wijk.objects.create(slug="overvecht", name="Overvecht", description="Wijk in het noorden.")
    zuid = Wijk.objects.create(slug="zuid", name="Zuid")

    kraamzorg = Role.objects.create(
        slug="kraamzorg", name="Kraamzorg", summary="Zorg thuis in de kraamweek.",
        description="Kraamverzorgenden helpen moeder en kind in de eerste dagen.", sources=["Wegwijzer Bijlage 1"],
    )
    kraamzorg.terms.set([zvw, kraam, eerste])
    buurtteam = Role.objects.create(slug="buurtteam-jeugd-gezin", name="Buurtteam Jeugd en Gezin",
                                    summary="Het buurtteam voor gezinnen.")
    buurtteam.terms.set([jeugdwet, zwanger, kraam, sociaal])
    netwerkrol = Role.objects.create(slug="geboortezorgnetwerk", name="Geboortezorgnetwerk in de wijk")

    lokalis = Organization.objects.create(slug="lokalis", name="Lokalis", kind="organisatie",
                                          summary="Organisatie achter de buurtteams.")
    team = Organization.objects.create(slug="buurtteam-overvecht", name="Buurtteam Overvecht", kind="team",
                                       parent=lokalis, wijk=overvecht, summary="Het buurtteam in Overvecht.")
    team.roles.set([buurtteam])
    Phone.objects.create(organization=team, number="030 123 45 67")
    net = Organization.objects.create(slug="geboortezorgnetwerk-overvecht", name="Geboortezorgnetwerk Overvecht",
                                      kind="netwerk", wijk=overvecht)
    net.roles.set([netwerkrol])
    Organization.objects.create(slug="buurtteam-zuid", name="Buurtteam Zuid", kind="team", wijk=zuid).roles.set(
        [buurtteam]
    )
    careyn = Organization.objects.create(slug="careyn", name="Careyn", kind="organisatie", summary="Thuiszorg.")
    careyn.roles.set([kraamzorg])

    extra = Service.objects.create(
        slug="verlengde-kraamzorg", name="Extra uren (verlengde) kraamzorg",
        alternate_name="kraamzorg extra uren, verlengde kraamzorg",
        summary="Meer uren kraamzorg als herstel of opstart langer duurt.",
        description="Extra uren kraamzorg bovenop het standaardpakket.",
        target_group="Gezinnen in de kraamperiode met een medische of sociale reden.",
        application_process="De kraamzorg vraagt het aan.", office_hours_only=False,
        sources=["Wegwijzer Bijlage 2"], assured_date=dt.date(2026, 11, 23),
        links=[{"url": "https://example.org/kraamzorg", "label": "Meer over kraamzorg"}],
    )
    extra.terms.set([zvw, kraam, eerste, via_kraam])
    extra.roles.set([kraamzorg])
    extra.organizations.set([careyn])
    groep = Service.objects.create(slug="moeder-babygroep", name="Moeder-babygroepen", summary="Samen met andere moeders.")
    groep.terms.set([jeugdwet, kraam, sociaal, vrij])
    groep.service_areas.set([zuid])
    return {"overvecht": overvecht, "zuid": zuid, "extra": extra}


def _text(response) -> str:
    return response.content.decode()


def _h1(response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", _text(response), re.S)
    assert match, "no h1"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


# --- layout ---------------------------------------------------------------------------------------


def test_home_is_dutch_with_skip_link_and_labelled_search(client, socialmap):
    response = client.get("/")
    assert response.status_code == 200
    html = _text(response)
    assert '<html lang="nl"' in html
    assert 'href="#main"' in html and 'id="main"' in html
    assert '<label class="utrecht-form-label" for="ww-home-q">Zoek een organisatie, team of aanbod</label>' in html
    assert 'action="/kaart/zoeken/"' in html
    assert "kraamzorg extra uren" in html  # example query
    assert 'href="/kaart/wijk/overvecht/"' in html
    assert "/kaart/wie-doet-wat/?fase=kraamperiode" in html
    assert 'href="/route/"' in html


def test_home_without_content_still_renders(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Er zijn nog geen wijken geladen." in _text(response)


def test_english_via_prefix(client, socialmap):
    response = client.get("/en/")
    assert response.status_code == 200
    html = _text(response)
    assert '<html lang="en"' in html
    assert "Skip to content" in html
    assert "Search for an organisation, team or service" in html
    assert 'action="/en/kaart/zoeken/"' in html


def test_english_detail_labels(client, socialmap):
    html = _text(client.get("/en/kaart/verlengde-kraamzorg/"))
    assert "Who it is for" in html
    assert "Last checked" in html


# --- search ---------------------------------------------------------------------------------------


def test_search_page_without_query(client, socialmap):
    response = client.get(reverse("socialmap:search"))
    assert response.status_code == 200
    html = _text(response)
    assert _h1(response) == "Zoeken in de sociale kaart"
    assert "Typ een zoekterm of kies een filter." in html
    # The filters sit behind a closed disclosure until one is set (a phone sees the results first).
    assert '<details class="ww-filters-disclosure">' in html and "ww-filters-disclosure__summary" in html
    for control in ("ww-f-wijk", "ww-f-domein", "ww-f-toegang", "ww-f-soort", "ww-f-wet-zvw", "ww-f-fase-kraamperiode"):
        assert f'for="{control}"' in html and f'id="{control}"' in html


def test_search_finds_extra_kraamzorg(client, socialmap):
    response = client.get(reverse("socialmap:search"), {"q": "kraamzorg extra uren"})
    assert response.status_code == 200
    html = _text(response)
    assert 'href="/kaart/verlengde-kraamzorg/"' in html
    assert "Extra uren (verlengde) kraamzorg" in html
    assert re.search(r"\d+ (resultaat|resultaten) voor „kraamzorg extra uren”", html)


@pytest.mark.parametrize(
    ("params", "present", "absent"),
    [
        ({"wet": "zvw"}, ["verlengde-kraamzorg", "/kaart/kraamzorg/"], ["moeder-babygroep", "buurtteam-jeugd-gezin"]),
        ({"wet": ["zvw", "jeugdwet"]}, ["verlengde-kraamzorg", "moeder-babygroep"], ["/kaart/lokalis/"]),
        ({"fase": "zwangerschap"}, ["buurtteam-jeugd-gezin"], ["verlengde-kraamzorg", "moeder-babygroep"]),
        ({"domein": "sociaal"}, ["moeder-babygroep", "buurtteam-jeugd-gezin"], ["verlengde-kraamzorg"]),
        ({"toegang": "vrij-toegankelijk"}, ["moeder-babygroep"], ["verlengde-kraamzorg"]),
        ({"soort": "team"}, ["buurtteam-overvecht", "buurtteam-zuid"], ["lokalis", "verlengde-kraamzorg"]),
        ({"soort": "netwerk"}, ["geboortezorgnetwerk-overvecht"], ["buurtteam-overvecht"]),
        ({"soort": "aanbod", "wijk": "overvecht"}, ["verlengde-kraamzorg"], ["moeder-babygroep"]),
        ({"soort": "aanbod", "wijk": "zuid"}, ["verlengde-kraamzorg", "moeder-babygroep"], []),
        ({"soort": "team", "wijk": "zuid"}, ["buurtteam-zuid"], ["buurtteam-overvecht"]),
        ({"soort": "wijk"}, ["/kaart/wijk/overvecht/", "/kaart/wijk/zuid/"], ["verlengde-kraamzorg"]),
    ],
)
def test_filters(client, socialmap, params, present, absent):
    response = client.get(reverse("socialmap:search"), params)
    assert response.status_code == 200
    results = _text(response).split('id="ww-results"', 1)[1]
    for slug in present:
        assert slug in results, (params, slug)
    for slug in absent:
        assert slug not in results, (params, slug)


def test_filter_state_is_kept_in_form(client, socialmap):
    html = _text(client.get(reverse("socialmap:search"), {"wet": "zvw", "wijk": "zuid"}))
    assert re.search(r'id="ww-f-wet-zvw"[^>]*checked', html)
    assert '<option value="zuid" selected>' in html


def test_search_with_query_and_filter(client, socialmap):
    html = _text(client.get(reverse("socialmap:search"), {"q": "kraamzorg", "soort": "rol"}))
    results = html.split('id="ww-results"', 1)[1]
    assert 'href="/kaart/kraamzorg/"' in results
    assert "verlengde-kraamzorg" not in results


BAD_QUERIES = [
    "",
    "   ",
    "x" * 10_000,
    "kraamzorg " * 1_000,
    "👶🏽🍼 kraamzorg",
    "\x00\x01 nul",
    "'; DROP TABLE socialmap_service; --",
    "<script>alert(1)</script>",
    "\u202eomgekeerd",
    "ǅ Ǉ ﬁ ẞ",
    "%",
    "_",
    "*?[]()\\",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_odd_queries_never_500(client, socialmap, query):
    response = client.get(reverse("socialmap:search"), {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in _text(response)


def test_long_query_message(client, socialmap):
    html = _text(client.get(reverse("socialmap:search"), {"q": "x" * 10_000}))
    assert "Uw zoekopdracht was erg lang" in html


@pytest.mark.parametrize("page", ["0", "-1", "abc", "999", "1.5", "99999999999999999999", "🙂", ""])
def test_bad_page_numbers(client, socialmap, page):
    response = client.get(reverse("socialmap:search"), {"soort": "team", "pagina": page})
    assert response.status_code == 200
    html = _text(response)
    assert "buurtteam-overvecht" in html
    if page:
        assert "bestaat niet" in html


@pytest.mark.parametrize(
    "params",
    [{"wijk": "atlantis"}, {"wet": "belastingwet"}, {"soort": "🙂"}, {"fase": "x" * 10_000}, {"kleur": "blauw"}],
)
def test_unknown_filters_are_ignored_with_message(client, socialmap, params):
    response = client.get(reverse("socialmap:search"), params)
    assert response.status_code == 200
    assert "Onbekend filter genegeerd" in _text(response)


def test_pagination(client, socialmap):
    for i in range(45):
        Service.objects.create(slug=f"aanbod-{i:02d}", name=f"Aanbod {i:02d}")
    first = _text(client.get(reverse("socialmap:search"), {"soort": "aanbod"}))
    assert "47 resultaten" in first
    assert 'aria-label="Paginering"' in first
    assert "soort=aanbod&amp;pagina=2" in first
    third = _text(client.get(reverse("socialmap:search"), {"soort": "aanbod", "pagina": "3"}))
    assert third.count('class="ww-result"') == 7
    assert 'rel="prev"' in third and 'rel="next"' not in third


def test_htmx_request_returns_results_fragment_with_live_count(client, socialmap):
    response = client.get(reverse("socialmap:search"), {"wet": "zvw"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = _text(response)
    assert "<html" not in html
    assert 'id="ww-count" hx-swap-oob="innerHTML"' in html
    assert "verlengde-kraamzorg" in html
    assert "HX-Request" in response["Vary"]


def test_search_page_has_htmx_and_plain_get_form(client, socialmap):
    html = _text(client.get(reverse("socialmap:search")))
    assert 'method="get" action="/kaart/zoeken/"' in html
    assert 'hx-get="/kaart/zoeken/"' in html and 'hx-target="#ww-results"' in html and 'hx-push-url="true"' in html
    assert 'aria-live="polite"' in html


# --- detail ---------------------------------------------------------------------------------------


def test_service_detail(client, socialmap):
    response = client.get(reverse("socialmap:detail", args=["verlengde-kraamzorg"]))
    assert response.status_code == 200
    html = _text(response)
    assert _h1(response) == "Extra uren (verlengde) kraamzorg"
    assert "Zorgverzekeringswet (medisch)" in html
    assert "Via de kraamzorg" in html and "De kraamzorg vraagt het aan." in html
    assert "Medisch eerstelijns" in html
    assert "Gezinnen in de kraamperiode" in html
    assert "Wegwijzer Bijlage 2" in html
    assert '<time datetime="2026-11-23">' in html
    assert 'href="/kaart/careyn/"' in html and 'href="/kaart/kraamzorg/"' in html
    assert 'href="https://example.org/kraamzorg"' in html
    assert 'aria-label="Kruimelpad"' in html
    # unknown facts are shown as unknown, never blank
    contact = html.split('id="ww-h-contact"', 1)[1].split("</section>", 1)[0]
    assert contact.count('class="ww-unknown"') == 3  # phone, e-mail, website
    assert 'class="ww-unknown">onbekend</span>' in html.split("Wachttijd", 1)[1][:300]


def test_role_detail_lists_organizations_and_services(client, socialmap):
    response = client.get(reverse("socialmap:detail", args=["kraamzorg"]))
    assert response.status_code == 200
    html = _text(response)
    assert "Wat deze rol doet" in html
    assert 'href="/kaart/careyn/"' in html and 'href="/kaart/verlengde-kraamzorg/"' in html


def test_team_detail(client, socialmap):
    response = client.get(reverse("socialmap:detail", args=["buurtteam-overvecht"]))
    html = _text(response)
    assert response.status_code == 200
    assert 'href="tel:0301234567"' in html
    assert 'href="/kaart/lokalis/"' in html
    assert 'href="/kaart/wijk/overvecht/"' in html
    assert "Voorzitter" not in html


def test_network_shows_chair_as_contact_point(client, socialmap):
    html = _text(client.get(reverse("socialmap:detail", args=["geboortezorgnetwerk-overvecht"])))
    assert re.search(r"Voorzitter \(contactpunt\)</dt><dd[^>]*><span class=\"ww-unknown\">onbekend</span>", html)
    Organization.objects.filter(slug="geboortezorgnetwerk-overvecht").update(chair_name="A. de Voorzitter")
    html = _text(client.get(reverse("socialmap:detail", args=["geboortezorgnetwerk-overvecht"])))
    assert "A. de Voorzitter" in html


def test_detail_unknown_slug_is_404(client, socialmap):
    assert client.get("/kaart/bestaat-niet/").status_code == 404


def test_detail_of_wijk_slug_shows_wijk_page(client, socialmap):
    response = client.get("/kaart/overvecht/")
    assert response.status_code == 200
    assert _h1(response) == "Wie is wie in Overvecht"


# --- wijk, wijken, wie doet wat -------------------------------------------------------------------


def test_wijk_page(client, socialmap):
    response = client.get(reverse("socialmap:wijk", args=["overvecht"]))
    assert response.status_code == 200
    html = _text(response)
    assert _h1(response) == "Wie is wie in Overvecht"
    assert 'href="/kaart/buurtteam-overvecht/"' in html
    assert 'href="/kaart/geboortezorgnetwerk-overvecht/"' in html
    assert "Voorzitter (contactpunt): <span class=\"ww-unknown\">onbekend</span>" in html
    assert "buurtteam-zuid" not in html
    roles = html.split('id="ww-h-roles"', 1)[1]
    assert 'href="/kaart/careyn/"' in roles  # citywide partner per role
    assert 'href="/kaart/kraamzorg/"' in roles


def test_wijk_unknown_is_404(client, socialmap):
    assert client.get("/kaart/wijk/atlantis/").status_code == 404


def test_wijken_list(client, socialmap):
    response = client.get(reverse("socialmap:wijken"))
    assert response.status_code == 200
    html = _text(response)
    assert 'href="/kaart/wijk/overvecht/"' in html and 'href="/kaart/wijk/zuid/"' in html


def test_wie_doet_wat_all_phases(client, socialmap):
    response = client.get(reverse("socialmap:wie-doet-wat"))
    assert response.status_code == 200
    html = _text(response)
    assert _h1(response) == "Wie doet wat in de eerste 1000 dagen"
    for code in ("kinderwens", "zwangerschap", "kraamperiode", "jonge-kind"):
        assert f'id="ww-phase-{code}"' in html


def test_wie_doet_wat_one_phase_grouped_by_domain(client, socialmap):
    html = _text(client.get(reverse("socialmap:wie-doet-wat"), {"fase": "kraamperiode"}))
    assert 'id="ww-phase-kraamperiode"' in html and 'id="ww-phase-zwangerschap"' not in html
    medisch = html.index("Medisch eerstelijns")
    sociaal = html.index("Sociaal domein")
    assert medisch < html.index('href="/kaart/verlengde-kraamzorg/"') < sociaal
    assert sociaal < html.index('href="/kaart/moeder-babygroep/"')


def test_wie_doet_wat_unknown_phase(client, socialmap):
    response = client.get(reverse("socialmap:wie-doet-wat"), {"fase": "<b>puberteit</b>"})
    assert response.status_code == 200
    assert "Onbekende fase" in _text(response)
    assert "<b>puberteit</b>" not in _text(response)


# --- search service unavailable or failing -------------------------------------------------------


def test_search_service_error_is_not_a_500(client, socialmap, monkeypatch):
    import wegwijzer.socialmap.search.service as service

    def broken(*args, **kwargs):
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(service, "search_outcome", broken)
    response = client.get(reverse("socialmap:search"), {"q": "kraamzorg"})
    assert response.status_code == 200
    html = _text(response)
    # One search only: no substring fallback, a Dutch notice instead of made-up results.
    assert "Zoeken lukt op dit moment niet" in html
    assert 'href="/kaart/kraamzorg/"' not in html.split('id="ww-results"', 1)[1]


def test_results_keep_the_service_relevance_order(client, socialmap, monkeypatch):
    from wegwijzer.socialmap import selectors

    hits = [{"slug": s, "also": []} for s in ("moeder-babygroep", "onbekend-record", "kraamzorg")]
    monkeypatch.setattr(selectors, "ranked_hits", lambda q: (hits, ""))
    html = _text(client.get(reverse("socialmap:search"), {"q": "iets"}))
    results = html.split('id="ww-results"', 1)[1]
    assert results.index("/kaart/moeder-babygroep/") < results.index("/kaart/kraamzorg/")
    assert "onbekend-record" not in results
    assert "2 resultaten" in html
