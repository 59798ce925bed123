"""Reachable contacts (issue 10, item 4): the websites the wegwijzer gives are the records' websites, on the
record page, in the HSDS API and in the route advice; where nothing is known the advice links the map page;
editors get a completeness view."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from accounts.helpers import make_content_editor, make_professional, verified_client

REPO_CONTENT = Path(__file__).resolve().parents[2] / "content"
# Only URLs the wegwijzer itself prints (seeds/wegwijzer-eerste-1000-dagen-utrecht.txt): never invented.
EXPECTED = {
    "diakonessenhuis": "https://www.diakonessenhuis.nl/",
    "st-antonius-ziekenhuis": "https://www.antoniusziekenhuis.nl/",
    "wkz": "https://www.hetwkz.nl/nl",
    "jgz-utrecht": "https://www.jeugdengezinutrecht.nl/",
    "ouders-inc-organisatie": "https://oudersinc.nl/",
    "pretty-human-organisatie": "https://prettyhuman.nl/",
    "centeringzorg": "https://centeringzorg.nl/centeringpregnancy/centeringzwangerschap-informatie/",
    "kinderopvang-plus": "https://www.utrecht.nl/zorg-en-onderwijs/plusopvang",
    "het-juiste-loket": "https://www.rijksoverheid.nl/contact/contactgids/het-juiste-loket",
}


@pytest.fixture
def real_map(db, settings):
    from wegwijzer.socialmap import content

    settings.CONTENT_DIR = REPO_CONTENT
    content.load(replace=True)


def _records() -> list[dict]:
    out = []
    for name in ("organisations", "interventions", "roles"):
        out += yaml.safe_load((REPO_CONTENT / "socialmap" / f"{name}.yaml").read_text(encoding="utf-8"))
    return out


def test_every_website_was_a_source_link_and_is_not_repeated_as_one():
    """A website is never typed in fresh: each one is a URL the content already cited as a link somewhere
    (the links came from the wegwijzer), and the record no longer lists it twice."""
    records = _records()
    cited = {link["url"] for r in records for link in r.get("links") or []}
    websites = {r["slug"]: r["website"] for r in records if r.get("website")}
    assert {k: websites.get(k) for k in EXPECTED} == EXPECTED
    for r in records:
        if r.get("website"):
            assert r["website"] not in {link["url"] for link in r.get("links") or []}, r["slug"]
    # the pop-poli service has three hospitals' pages: no single website is chosen for it
    pop = next(r for r in records if r["slug"] == "pop-poli")
    assert not pop.get("website") and len(pop["links"]) == 3
    # every website is either still cited elsewhere or was one of the wegwijzer's own links
    known = cited | set(EXPECTED.values()) | {
        "https://www.antoniusziekenhuis.nl/behandelingen-onderzoeken/pop-poli",
        "https://www.hetwkz.nl/nl/ik-ben-bekend-met-psychiatrische-en-of-psychosociale-klachten",
        "https://www.diakonessenhuis.nl/folders/polikliniek-extra-zorg-rond-zwangerschap-pop-plus-polikliniek",
        "https://www.nunietzwanger.nl/hoe-het-werkt/",
        "https://www.jeugdengezinutrecht.nl/showsite.asp?map_id=910332",
        "https://www.jeugdengezinutrecht.nl/showsite.asp?map_id=910328",
        "https://www.jeugdengezinutrecht.nl/showcourses.asp?&xs=0&cat_id=10056",
        "https://loket.digitaal.utrecht.nl/nl/products/kinderopvang-met-sociaal-medische-indicatie-vergoeding-vragen",
    }
    assert set(websites.values()) <= known


def test_record_page_shows_the_website(client, real_map):
    body = client.get("/kaart/diakonessenhuis/").content.decode()
    contact = body.split('id="ww-h-contact"')[1].split("</section>")[0]
    assert '<a class="utrecht-link" href="https://www.diakonessenhuis.nl/" rel="noopener">' in contact
    assert contact.count('class="ww-unknown"') == 2  # phone and e-mail stay unknown: not in the sources


def test_hsds_api_gives_the_website(client, real_map):
    from wegwijzer.socialmap.models import Organization, Service

    org = Organization.objects.get(slug="wkz")
    body = client.get(f"/api/v1/organizations/{org.id}").json()
    assert body["website"] == "https://www.hetwkz.nl/nl"
    service = Service.objects.get(slug="kinderopvang-plus")
    assert client.get(f"/api/v1/services/{service.id}").json()["url"] == EXPECTED["kinderopvang-plus"]


def test_advice_contacts_show_what_is_known_and_else_the_map_page(client, real_map):
    from wegwijzer.socialmap.selectors import contacts_for_roles

    rows = contacts_for_roles(["ziekenhuis", "jgz"], "overvecht")
    by_slug = {r["slug"]: r for r in rows}
    assert by_slug["diakonessenhuis"]["website"] == "https://www.diakonessenhuis.nl/"
    assert by_slug["jgz-utrecht"]["website"] == "https://www.jeugdengezinutrecht.nl/"

    query = ("phase=zwangerschap&reporter=verloskundige&wijk=overvecht"
             "&concerns=jong-ouderschap&concerns=geen-netwerk&buurtteam_involved=nee")
    body = client.get(f"/route/advies/?{query}").content.decode()
    contacts = body.split('id="ww-contacts-title"')[1].split("</section>")[0]
    items = re.findall(r'<li class="utrecht-unordered-list__item">(.*?)</li>', contacts, re.S)
    assert items
    jgz = next(i for i in items if "JGZ Utrecht" in i)
    # its contact details are known (only its waiting time, shown beside every contact, is still unknown)
    assert 'href="https://www.jeugdengezinutrecht.nl/"' in jgz and "nog onbekend" not in jgz
    unknown = [i for i in items if "ww-contact-website" not in i and "tel:" not in i and "mailto:" not in i]
    assert unknown, "Overvecht's teams have no contact details in the sources"
    for item in unknown:
        page = re.search(r'class="utrecht-link utrecht-link--html-a ww-contact-page" href="(/kaart/[^"]+/)"', item)
        assert page and "op de sociale kaart" in item
    # nothing shows a bare "Telefoon: onbekend" any more
    assert "Telefoon: <span" not in contacts


def test_completeness_view_lists_what_is_missing(client, real_map):
    editor = make_content_editor("redacteur")
    verified_client(client, editor)
    body = client.get("/kaart/redactie/volledigheid/").content.decode()
    row = re.search(r"<tr class=\"utrecht-table__row\">\s*<th[^>]*><a class=\"utrecht-link\" "
                    r"href=\"(/beheer/socialmap/organization/[^\"]+/change/)\">Diakonessenhuis</a></th>(.*?)</tr>",
                    body, re.S)
    assert row, "Diakonessenhuis lacks a phone: it is on the list, linked to its admin page"
    cells = re.findall(r'<td class="utrecht-table__cell">(.*?)</td>', row.group(2), re.S)
    assert cells[1:] == ["<strong>ontbreekt</strong>", "<strong>ontbreekt</strong>", "bekend",
                         "<strong>ontbreekt</strong>", "<strong>ontbreekt</strong>"]
    assert client.get(row.group(1)).status_code in (200, 302)  # the link is a real admin URL


def test_completeness_view_is_for_editors_only(client, real_map):
    assert client.get("/kaart/redactie/volledigheid/").status_code == 302  # to the login
    verified_client(client, make_professional("vk", role="verloskundige"))
    assert client.get("/kaart/redactie/volledigheid/").status_code == 404
    assert client.get("/kaart/redactie/").status_code == 404
