"""The route guide's wizard through the Django test client: every screen, errors per field, no-JS flow,
and the advice page for the Done-when situation (P01: a young pregnant woman without a network in Overvecht)."""

from __future__ import annotations

import html
import importlib.util
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.http import QueryDict
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wegwijzer.routeguide import wizard

P01 = (
    "phase=zwangerschap&reporter=verloskundige&wijk=overvecht"
    "&concerns=jong-ouderschap&concerns=geen-netwerk&buurtteam_involved=nee"
)
HAS_SERVICE = importlib.util.find_spec("wegwijzer.routeguide.service") is not None
needs_service = pytest.mark.skipif(not HAS_SERVICE, reason="wegwijzer.routeguide.service is er nog niet")
# The advice page keeps an anonymous tally and reads the social map's contacts: it needs the database.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def client() -> Client:
    # One client (and so one middleware chain) per module: WhiteNoise scans node_modules on every new handler.
    return Client()


def text(response) -> str:
    return response.content.decode()


def section(body: str, title_id: str) -> str:
    """The <section> labelled by the heading with this id (sections on the advice page are not nested)."""
    match = re.search(rf'<section[^>]*aria-labelledby="{title_id}"[^>]*>(.*?)</section>', body, re.S)
    assert match, f"section {title_id} missing"
    return match.group(1)


def plain(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)))


def labels_for(body: str) -> dict[str, str]:
    """Every <label for=…> with its text."""
    return {m.group(1): plain(m.group(2)).strip() for m in re.finditer(r'<label[^>]*for="([^"]+)"[^>]*>(.*?)</label>', body, re.S)}


def inputs(body: str) -> list[dict[str, str]]:
    found = []
    for m in re.finditer(r"<(input|select)\b([^>]*)>", body):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', m.group(2)))
        attrs["tag"] = m.group(1)
        found.append(attrs)
    return found


def follow(client: Client, url: str, limit: int = 5):
    response = client.get(url)
    for _ in range(limit):
        if response.status_code != 302:
            return response, url
        url = response["Location"]
        response = client.get(url)
    raise AssertionError("too many redirects")


# ------------------------------------------------------------------ screens


@pytest.mark.parametrize("step", wizard.STEPS, ids=lambda s: s.slug)
def test_every_screen_renders_with_labelled_fields(client, step):
    response = client.get(f"/route/stap/{step.slug}/?{P01}")
    assert response.status_code == 200
    body = text(response)
    assert f"Stap {step.number} van 5" in body
    labels = labels_for(body)
    visible = [i for i in inputs(body) if i.get("type") != "hidden" and i.get("name") not in (None, "language")]
    visible = [i for i in visible if i.get("id") != "ww-language"]
    assert visible, "a screen asks something"
    for field in visible:
        assert field.get("id") in labels and labels[field["id"]], f"unlabelled field {field}"
    # Every radio/checkbox group sits in a fieldset with a legend.
    if any(i.get("type") in ("radio", "checkbox") for i in visible):
        assert body.count("<legend") >= 1
    # Back and forward on every screen.
    assert 'value="verder"' in body and 'value="terug"' in body
    # The other steps' answers are carried as hidden fields, this step's are not.
    hidden = {i["name"] for i in inputs(body) if i.get("type") == "hidden" and "name" in i}
    assert not hidden & set(step.fields)


def test_every_option_has_a_help_text_with_source(client):
    body = text(client.get("/route/stap/zorgen/"))
    for code in wizard.vocabulary()["concerns"]:
        assert f'id="id_concerns_{code}-help"' in body, code
    help_blocks = re.findall(r'id="id_concerns_[^"]+-help">(.*?)</div>', body, re.S)
    assert len(help_blocks) == len(wizard.vocabulary()["concerns"])
    assert all("Bron:" in block and len(plain(block)) > 30 for block in help_blocks)


def test_concerns_are_grouped_in_fieldsets_with_legends(client):
    body = text(client.get("/route/stap/zorgen/"))
    legends = [plain(m).strip() for m in re.findall(r"<legend[^>]*>(.*?)</legend>", body, re.S)]
    for expected in ("Zwangerschap en kinderwens", "Na de bevalling", "Zorg voor de baby en opvoeding",
                     "Ouder: gezondheid en welzijn", "Omstandigheden", "Veiligheid"):
        assert expected in legends
    assert body.count('type="checkbox"') == len(wizard.vocabulary()["concerns"])


def test_reporter_and_wijk_screen(client):
    body = text(client.get("/route/stap/wie/"))
    assert 'id="id_reporter_verloskundige"' in body
    assert "Verloskundige (eerstelijn)" in body
    assert re.search(r'<select[^>]*name="wijk"', body)
    assert '<option value="" selected>Onbekend</option>' in body
    assert '<option value="overvecht">Overvecht</option>' in body


def test_known_screen_preselects_the_contract_defaults(client):
    body = text(client.get("/route/stap/bekend/?phase=zwangerschap&reporter=jgz"))
    checked = set(re.findall(r'name="([a-z_]+)" value="([a-z]+)" checked', body))
    assert checked == {
        ("buurtteam_involved", "onbekend"),
        ("urgent", "nee"),
        ("child_protection_order", "nee"),
        ("ambulant_sufficient", "ja"),
        ("related_to_baby_care", "ja"),
        ("parent_minor", "nee"),  # revision 2 defaults
        ("help_question", "onbekend"),
    }


def test_start_page_links_to_first_step(client):
    response = client.get("/route/")
    assert response.status_code == 200
    # with more than one route the start page is a form that opens the first screen (issue 15)
    assert 'action="/route/stap/fase/"' in text(response)
    assert 'name="route" value="eerste-1000-dagen" checked' in text(response)


# ------------------------------------------------------------------ navigation


def test_forward_redirects_with_the_situation_in_the_url(client):
    response = client.get("/route/stap/fase/?ga=verder&phase=kraamperiode&weeks_since_birth=2")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/route/stap/wie/"
    assert parse_qs(location.query) == {"phase": ["kraamperiode"], "weeks_since_birth": ["2"]}


def test_back_keeps_answers_without_validating(client):
    response = client.get("/route/stap/wie/?phase=zwangerschap&reporter=nonsense&ga=terug")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/route/stap/fase/"
    assert parse_qs(location.query) == {"phase": ["zwangerschap"], "reporter": ["nonsense"]}


def test_back_from_first_step_goes_to_start(client):
    response = client.get("/route/stap/fase/?ga=terug")
    assert response.status_code == 302 and urlsplit(response["Location"]).path == "/route/"


def test_hidden_submit_default_moves_forward_when_the_button_value_is_missing(client):
    # The form carries ga=verder first; the pressed button's value comes last and wins.
    response = client.get("/route/stap/fase/?ga=verder&ga=terug&phase=zwangerschap")
    assert urlsplit(response["Location"]).path == "/route/"
    response = client.get("/route/stap/fase/?ga=verder&phase=zwangerschap")
    assert urlsplit(response["Location"]).path == "/route/stap/wie/"


def test_change_from_summary_returns_to_summary(client):
    response = client.get(f"/route/stap/wie/?{P01}&vanuit=samenvatting&ga=verder")
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/route/samenvatting/"


def test_no_js_flow_through_all_screens(client):
    """Answer every screen as a browser without JavaScript would: GET forms, following redirects."""
    response, url = follow(client, "/route/stap/fase/?ga=verder&phase=zwangerschap&weeks_since_birth=")
    assert urlsplit(url).path == "/route/stap/wie/"
    carried = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', text(response)))
    assert carried.get("phase") == "zwangerschap"
    response, url = follow(client, url + "&ga=verder&reporter=verloskundige&wijk=overvecht")
    assert urlsplit(url).path == "/route/stap/zorgen/"
    response, url = follow(client, url + "&ga=verder&concerns=jong-ouderschap&concerns=geen-netwerk")
    assert urlsplit(url).path == "/route/stap/bekend/"
    response, url = follow(
        client,
        url + "&ga=verder&buurtteam_involved=nee&urgent=nee&child_protection_order=nee"
        "&ambulant_sufficient=ja&related_to_baby_care=ja",
    )
    assert urlsplit(url).path == "/route/samenvatting/"
    body = text(response)
    assert "Zwangerschap" in body and "Overvecht" in body and "Jong ouderschap" in body
    assert body.count(">Wijzig<") == 4
    advice_url = html.unescape(re.search(r'href="(/route/advies/\?[^"]+)"', body).group(1))
    assert parse_qs(urlsplit(advice_url).query)["concerns"] == ["geen-netwerk", "jong-ouderschap"]
    response = client.get(advice_url)
    assert response.status_code == 200
    assert "Advies: de route" in text(response)


# ------------------------------------------------------------------ errors


def test_errors_next_to_the_field_and_summarised(client):
    response = client.get("/route/stap/fase/?ga=verder")
    assert response.status_code == 200
    body = text(response)
    assert "Er is iets niet goed ingevuld" in body
    assert 'href="#id_phase_kinderwens"' in body  # the summary links to the field
    assert 'id="phase-error"' in body and "Kies in welke fase het gezin is." in body
    assert "utrecht-form-fieldset--invalid" in body
    assert re.search(r'<fieldset[^>]*aria-describedby="phase-help phase-error"', body)
    assert 'aria-invalid="true"' in body


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("phase=zwangerschap&weeks_since_birth=3", "weeks_since_birth", "Laat het aantal weken leeg"),
        ("phase=kraamperiode&weeks_since_birth=9", "weeks_since_birth", "0 tot en met 6"),
        ("phase=jonge-kind&weeks_since_birth=2", "weeks_since_birth", "6 tot en met 110"),
        ("phase=jonge-kind&weeks_since_birth=twee", "weeks_since_birth", "heel getal"),
        ("phase=jonge-kind&weeks_since_birth=-1", "weeks_since_birth", "negatief"),
        ("phase=later", "phase", "Kies een van de fasen"),
    ],
)
def test_phase_screen_errors(client, query, field, message):
    body = text(client.get(f"/route/stap/fase/?ga=verder&{query}"))
    error = re.search(rf'id="{field}-error">(.*?)</div>', body, re.S)
    assert error and message in plain(error.group(1))
    assert re.search(rf'aria-describedby="{field}-help {field}-error"', body)


def test_weeks_field_stays_visible_when_invalid(client):
    body = text(client.get("/route/stap/fase/?ga=verder&phase=zwangerschap&weeks_since_birth=3"))
    assert re.search(r'class="utrecht-form-field utrecht-form-field--text utrecht-form-field--invalid ww-field ww-weeks"', body)


def test_who_and_known_screen_errors(client):
    body = text(client.get("/route/stap/wie/?ga=verder&phase=zwangerschap&wijk=atlantis"))
    assert "Kies wie u bent." in body and "Kies een wijk uit de lijst" in body
    body = text(client.get("/route/stap/bekend/?ga=verder&urgent=misschien&buurtteam_involved=2"))
    assert "Kies “ja” of “nee”." in body and "Kies “ja”, “nee” of “weet ik niet”." in body


def test_first_visit_shows_no_errors_but_present_garbage_does(client):
    assert "Er is iets niet goed ingevuld" not in text(client.get("/route/stap/fase/"))
    body = text(client.get("/route/stap/fase/?phase=%3Cscript%3E"))
    assert "Kies een van de fasen uit de lijst." in body
    assert "<script>" not in body.split("</head>")[1].replace('<script src', "")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "phase=x&reporter=y&concerns=z",
        "phase=zwangerschap&reporter=verloskundige&concerns=onzin",
        "phase=zwangerschap&reporter=verloskundige&urgent=maybe",
        "phase=kraamperiode&weeks_since_birth=1e9&reporter=kraamzorg",
        "phase=kraamperiode&weeks_since_birth=99999999999999999999999&reporter=kraamzorg",
        "phase=zwangerschap&reporter=verloskundige&wijk=%00",
        "phase=%F0%9F%92%A9&reporter=" + "a" * 5000,
        "phase[]=zwangerschap&reporter=verloskundige",
        "phase=zwangerschap&phase=jonge-kind&reporter=verloskundige&weeks_since_birth=3",
    ],
)
@pytest.mark.parametrize("path", ["/route/advies/", "/route/samenvatting/"])
def test_garbage_query_gives_200_with_errors_never_500(client, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200
    body = text(response)
    assert "Er is iets niet goed ingevuld" in body
    assert "utrecht-form-field-error-message" in body


@pytest.mark.parametrize("slug", ["fase", "wie", "zorgen", "bekend"])
def test_garbage_on_every_screen_never_500(client, slug):
    query = "phase=%FF&weeks_since_birth=x&reporter=&wijk=[]&concerns=&concerns=%25&urgent=&ambulant_sufficient=jaa&ga=verder"
    assert client.get(f"/route/stap/{slug}/?{query}").status_code == 200


def test_unknown_step_is_404(client):
    assert client.get("/route/stap/onbekend/").status_code == 404


def test_unknown_query_parameters_are_ignored(client):
    response = client.get(f"/route/samenvatting/?{P01}&utm_source=mail&naam=Jansen")
    assert response.status_code == 200
    main = text(response).split('<main', 1)[1]
    assert "Jansen" not in main and "utm_source" not in main


# ------------------------------------------------------------------ situation ↔ URL


def test_situation_query_round_trip():
    situation, bad, errors = wizard.validate(QueryDict(P01))
    assert errors == {} and bad is None
    assert situation == {
        "phase": "zwangerschap", "weeks_since_birth": None, "reporter": "verloskundige", "wijk": "overvecht",
        "concerns": ["geen-netwerk", "jong-ouderschap"], "buurtteam_involved": False, "urgent": False,
        "child_protection_order": False, "ambulant_sufficient": True, "related_to_baby_care": True,
        "involved": [], "parent_minor": False, "help_question": None,
    }
    query = wizard.situation_query(situation)
    again, _, _ = wizard.validate(QueryDict(query))
    assert again == situation
    assert "urgent=nee" in query and "buurtteam_involved=nee" in query


def test_plain_true_false_values_are_accepted(client):
    response = client.get(
        "/route/samenvatting/?phase=jonge-kind&weeks_since_birth=20&reporter=huisarts"
        "&buurtteam_involved=true&urgent=false&ambulant_sufficient=0"
    )
    body = text(response)
    assert "Ja, het buurtteam is al betrokken" in body
    assert "Nee, hulp thuis past niet (meer)" in body


# ------------------------------------------------------------------ the advice (needs the route service)


@pytest.fixture
def social_map(db):
    """The Utrecht social map from content/ (contacts per wijk come from it)."""
    from wegwijzer.socialmap.content import load

    load(if_empty=False, replace=True)
    return True


@needs_service
@pytest.mark.django_db
def test_p01_advice_page(client, social_map):
    response = client.get(f"/route/advies/?{P01}")
    assert response.status_code == 200
    body = text(response)

    # Warnings first, prominently, with Dutch labels.
    warnings = section(body, "ww-warnings-title")
    assert body.index("ww-warnings-title") < body.index("ww-steps-title")
    assert "utrecht-alert--warning" in body.split("ww-warnings-title")[0].rsplit("<section", 1)[1]
    assert "Vraag eerst welke hulp ouders al krijgen" in plain(warnings)

    # Whom to contact first: the JGZ, for the prenatal home visit.
    involve = section(body, "ww-involve-title")
    first = re.search(r"<li[^>]*>(.*?)</li>", involve, re.S).group(1)
    assert "Neem eerst contact op met" in plain(first) and "Jeugdgezondheidszorg (JGZ)" in plain(first)

    # The steps in order, each with its actor; the prenatal home visit by the JGZ is among the first.
    steps = section(body, "ww-steps-title")
    assert "<ol" in steps
    step_texts = [plain(s) for s in re.findall(r"<li[^>]*>(.*?)</li>", steps, re.S)]
    assert step_texts and all(":" in s for s in step_texts)
    jgz_steps = [i for i, s in enumerate(step_texts) if "Jeugdgezondheidszorg" in s.split(":")[0]]
    assert jgz_steps, step_texts
    assert any("prenata" in step_texts[i].lower() or "huisbezoek" in step_texts[i].lower() for i in jgz_steps)

    # Offers: the prenatal home visit and informal support, linked to the social map.
    offers = section(body, "ww-interventions-title")
    assert 'href="/kaart/prenataal-huisbezoek/"' in offers
    informal = ["mamaatje-al-amal", "home-start", "sociale-basis", "handje-helpen", "meeleefgezin"]
    assert any(f'href="/kaart/{code}/"' in offers for code in informal)

    # The legal frame: the Wpg with its explanation.
    laws = section(body, "ww-laws-title")
    assert "Wet publieke gezondheid (jeugdgezondheidszorg)" in laws
    assert re.search(r'id="wet-wpg".*?<p class="utrecht-paragraph">\s*\S', laws, re.S)

    # Reasons with their source sections; every "Waarom" link lands on a reason.
    reasons = section(body, "waarom")
    anchors = set(re.findall(r'<li[^>]*id="(reden-[^"]+)"', reasons))
    assert anchors
    assert plain(reasons).count("Bron:") == len(anchors)
    assert "Wegwijzer" in plain(reasons)
    for target in re.findall(r'href="#(reden-[^"]+)"', body):
        assert target in anchors

    # Contacts of Overvecht, when the social map is loaded.
    contacts = section(body, "ww-contacts-title")
    assert "Contacten in Overvecht" in contacts
    if social_map:
        assert "ww-contacts" in contacts and "Overvecht" in plain(contacts)

    # Content version shown, change link and the family plan link carry the situation.
    assert re.search(r'Inhoudsversie: <code class="utrecht-code">[^<]+</code>', body)
    assert 'href="/route/samenvatting/?phase=zwangerschap' in body
    assert re.search(r'href="/gezinsplan/nieuw/\?phase=zwangerschap[^"]*concerns=jong-ouderschap', body)
    assert 'class="ww-no-print ww-share"' in body  # buttons and link are not printed


@needs_service
@pytest.mark.django_db
def test_advice_page_reasons_explain_every_code(client):
    from wegwijzer.routeguide.service import advise

    situation, _, _ = wizard.validate(QueryDict(P01))
    advice = advise(situation, tally=False)
    body = text(client.get(f"/route/advies/?{P01}"))
    for reason in advice["reasons"]:
        # The page names each listed section by its title (content/sources.yaml).
        for section in reason["sources"]:
            assert section["title"] in html.unescape(body)
    vocab = wizard.vocabulary()
    for code in advice["laws"]:
        assert vocab["laws"][code] in body
    for code in advice["warnings"]:
        assert html.escape(vocab["warnings"][code], quote=False) in body


@needs_service
@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "phase=kraamperiode&weeks_since_birth=2&reporter=kraamzorg&concerns=borstvoeding&concerns=herstel-bevalling",
        "phase=kraamperiode&weeks_since_birth=1&reporter=verloskundige&concerns=huiselijk-geweld&urgent=ja",
        "phase=jonge-kind&weeks_since_birth=30&reporter=huisarts&wijk=zuidwest&concerns=ouder-kindrelatie&concerns=ggz-ouder&buurtteam_involved=ja",
        "phase=kinderwens&reporter=anders",
        "phase=jonge-kind&reporter=buurtteam-jeugd-gezin&concerns=epa-ouder&concerns=dakloosheid&buurtteam_involved=ja&ambulant_sufficient=nee",
    ],
)
def test_other_situations_render_an_advice(client, query):
    response = client.get(f"/route/advies/?{query}")
    assert response.status_code == 200
    body = text(response)
    assert "Advies: de route" in body and 'id="waarom"' in body


# ------------------------------------------------------------------ htmx and the service's own errors


def test_htmx_request_gets_only_the_wizard_region(client):
    response = client.get(
        "/route/stap/wie/?phase=zwangerschap", headers={"HX-Request": "true", "HX-Target": "ww-route", "HX-Boosted": "true"}
    )
    body = text(response)
    assert response.status_code == 200
    assert "<html" not in body and '<div id="ww-route"' in body
    assert body.startswith("<title>Stap 2 van 5")


def test_htmx_history_restore_gets_the_full_page(client):
    response = client.get(
        "/route/stap/wie/?phase=zwangerschap",
        headers={"HX-Request": "true", "HX-Target": "ww-route", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in text(response)


def test_service_errors_are_shown_on_the_screen_that_asks_the_field(client, monkeypatch):
    from wegwijzer.routeguide import views

    monkeypatch.setattr(views, "_advise", lambda situation: (None, {"wijk": ["Deze wijk kennen we niet."]}))
    body = text(client.get(f"/route/advies/?{P01}"))
    assert "Stap 2 van 5" in body
    assert re.search(r'id="wijk-error">.*Deze wijk kennen we niet\.', body, re.S)
    assert 'href="#id_wijk"' in body


@needs_service
def test_advice_links_lead_to_social_map_pages(client, social_map):
    if not social_map:
        pytest.skip("de sociale kaart kan nog niet geladen worden")
    body = text(client.get(f"/route/advies/?{P01}"))
    links = set(re.findall(r'href="(/kaart/[^"]+)"', body))
    assert any("prenataal-huisbezoek" in link for link in links)
    for link in sorted(links):
        assert client.get(link).status_code == 200, link


# ------------------------------------------------------------------ property: any query, never a 500

_codes = st.sampled_from(
    ["zwangerschap", "kraamperiode", "jonge-kind", "kinderwens", "verloskundige", "overvecht", "geen-netwerk",
     "ja", "nee", "onbekend", "true", "", "0", "6", "110", "-3", "1e3"]
)
_values = st.one_of(_codes, st.text(max_size=30))
_keys = st.sampled_from([*wizard.SITUATION_FIELDS, "ga", "vanuit", "x", "concerns[]"])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=st.lists(st.tuples(_keys, _values), max_size=12),
       path=st.sampled_from(["/route/", "/route/stap/fase/", "/route/stap/wie/", "/route/stap/zorgen/",
                             "/route/stap/bekend/", "/route/samenvatting/", "/route/advies/"]))
def test_any_query_never_gives_a_server_error(client, pairs, path):
    response = client.get(f"{path}?{urlencode(pairs)}")
    assert response.status_code in (200, 302)


def test_wizard_accepts_revision_two_fields(client):
    """Contract revision 2 through the wizard: involved, parent_minor, help_question, a reporter acting as a role."""
    query = (
        "phase=jonge-kind&reporter=jeugdarts&concerns=ggz-ouder&concerns=ouder-kindrelatie"
        "&involved=buurtteam-jeugd-gezin&involved=poh-ggz&parent_minor=nee&help_question=nee"
    )
    response = client.get(f"/route/advies/?{query}")
    assert response.status_code == 200
    body = text(response)
    assert 'id="betrek-jgz"' not in body  # the reporter acts as the JGZ: never its own contact
    assert 'id="betrek-poh-ggz"' not in body  # already involved: no new contact
    assert "Al betrokken bij het gezin" in body


def test_wizard_refuses_a_contradicting_buurtteam_answer(client):
    response = client.get(
        "/route/advies/?phase=jonge-kind&reporter=jgz&concerns=huilbaby&buurtteam_involved=nee"
        "&involved=buurtteam-jeugd-gezin"
    )
    body = text(response)
    assert response.status_code == 200 and "Kies één van beide" in body
