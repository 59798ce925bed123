"""Issue 15 Done-when in a real browser: a policy officer edits one rule as YAML, sees the vignettes and the past
situations that change, a colleague approves, and publishing makes new advice name the new release; axe-core
finds no serious or critical violation on any of the pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from accounts.helpers import browser_session, make_policy_staff, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CONTENT = Path(__file__).resolve().parents[2] / "content"
RULE = "routeguide/rules/kraamzorg.yaml"
OLD = "      warnings: [{code: medical-first, rank: 10}]\n      steps:\n        - actor: kraamzorg\n"
NEW = ("      warnings: [{code: medical-first, rank: 10}, {code: stay-involved, rank: 60}]\n"
       "      steps:\n        - actor: kraamzorg\n")
P02 = {"phase": "kraamperiode", "weeks_since_birth": 2, "reporter": "kraamzorg",
       "concerns": ["borstvoeding", "herstel-bevalling"]}


def _past_situations(n: int) -> None:
    """n tallied advices of P02's situation: the past situations a draft's effect counts."""
    from wegwijzer.routeguide.models import AdviceTally

    for _i in range(n):
        AdviceTally.objects.create(phase="kraamperiode", reporter="kraamzorg", concerns=sorted(P02["concerns"]),
                                   flags={}, weeks_since_birth=2, content_version="x")


def test_edit_a_rule_see_the_effect_approve_and_publish(browser, live_server, assert_accessible, content_copy):
    from wegwijzer.routeguide import service
    from wegwijzer.routeguide.models import ContentPublication

    _past_situations(4)
    old_advice = service.advise(P02, tally=False)
    author, colleague = make_policy_staff("beleid1"), make_user("redacteur2", role="redacteur")
    context, page = browser_session(browser, live_server, author, "/route/redactie/")
    try:
        assert_accessible(page)
        page.get_by_role("link", name=RULE, exact=True).click()
        page.wait_for_url(f"**/redactie/bestand/{RULE}")
        field = page.get_by_label("Inhoud van het bestand (YAML)")
        assert OLD in field.input_value()
        field.fill(field.input_value().replace(OLD, NEW))
        page.get_by_role("button", name="Concept opslaan").click()
        page.wait_for_url("**/redactie/concept/*/?opgeslagen=1", timeout=120_000)
        main = page.inner_text("main")
        assert "De hele inhoud is in orde" in main
        assert "vignetten veranderen van uitkomst" in main
        assert "krijgen er nu 4 een ander advies" in main
        assert "Wie een andere partij inschakelt, blijft betrokken" in main
        assert "een collega moet het goedkeuren" in main
        assert_accessible(page)
        draft_url = page.url.split("?")[0]
    finally:
        context.close()

    context, page = browser_session(browser, live_server, colleague, draft_url.removeprefix(live_server.url), 360,
                                    timeout=120_000)
    try:
        assert_accessible(page)
        page.get_by_role("button", name="Goedkeuren").click()
        page.wait_for_load_state()
        page.get_by_label("Waarom deze publicatie?").wait_for(timeout=120_000)
        assert "Goedgekeurd door" in page.inner_text("main")
        assert_accessible(page)
        page.get_by_label("Waarom deze publicatie?").fill("Blijf betrokken bij extra kraamzorg")
        page.get_by_role("button", name="Publiceren").click()
        page.wait_for_url("**/route/redactie/?gepubliceerd=1", timeout=120_000)
        assert "Blijf betrokken bij extra kraamzorg" in page.inner_text("main")
        assert_accessible(page)
    finally:
        context.close()

    publication = ContentPublication.objects.get()
    new_advice = service.advise(P02, tally=False)
    assert "stay-involved" in new_advice["warnings"]
    assert publication.release.rule_versions["eerste-1000-dagen"] == new_advice["content_version"]
    assert "stay-involved" not in service.advise_replay(P02, content_version=old_advice["content_version"])["warnings"]


def test_the_done_when_flow_with_the_rule_form_a_vignette_and_rollback(browser, live_server, assert_accessible,
                                                                     content_copy):
    """Issue 15 Done-when: change one rule IN THE FORM, see vignettes and past situations change, add a vignette,
    a colleague approves, publish, new advice names the new release, old advice replays, roll back."""
    from wegwijzer.routeguide import service
    from wegwijzer.routeguide.models import ContentPublication

    _past_situations(3)
    old_advice = service.advise(P02, tally=False)
    author, colleague = make_policy_staff("beleid1"), make_user("redacteur2", role="redacteur")
    context, page = browser_session(browser, live_server, author, "/route/redactie/")
    try:
        page.goto(f"{live_server.url}/")
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Route-inhoud").click()
        page.wait_for_url("**/route/redactie/")
        page.get_by_role("link", name="R-kz-verlengde-kraamzorg bewerken in formulier").click()
        page.wait_for_url("**/redactie/regel/R-kz-verlengde-kraamzorg/")
        assert page.locator("#id_then_warnings__medical-first").input_value() == "10"
        assert_accessible(page)
        page.locator("#id_then_warnings__stay-involved").fill("60")
        page.get_by_role("button", name="Regel opslaan als concept").click()
        page.wait_for_url("**/redactie/concept/*/?opgeslagen=1", timeout=120_000)
        main = page.inner_text("main")
        assert "De hele inhoud is in orde" in main
        changed = re.search(r"(\d+) vignetten veranderen van uitkomst", main)
        assert changed and int(changed.group(1)) >= 2, main  # the Done-when: two vignettes (at least) change
        assert page.locator("table", has_text="vignetten veranderen").locator("tbody tr").count() == int(changed.group(1))
        assert "krijgen er nu 3 een ander advies" in main
        page.get_by_role("link", name="Vignet toevoegen").click()
        page.wait_for_url("**/vignet/")
        assert_accessible(page)
        page.get_by_label("Vignetbestand").select_option("routeguide/vignettes/own.yaml")
        page.get_by_label("Id van het vignet").fill("V-kz-blijf")
        page.get_by_label("Het verhaal (de casus in één of twee zinnen)").fill(
            "Een kraamverzorgster ziet dat de borstvoeding in week 2 niet op gang komt.")
        page.get_by_label("Bron: paragraaf die de verwachting onderbouwt").select_option("Wegwijzer §2, Uitgangspunten")
        page.get_by_label("Fase").select_option("kraamperiode")
        page.get_by_label("Weken na de geboorte (niet verplicht)").fill("2")
        page.get_by_label("Wie vraagt").select_option("kraamzorg")
        page.locator("details", has_text="Zorgen").first.locator("summary").click()
        page.locator("input[name='s-concerns'][value='borstvoeding']").check()
        page.locator("details", has_text="Verwachte waarschuwingen").locator("summary").click()
        page.locator("input[name='expect_warnings'][value='stay-involved']").check()
        page.get_by_role("button", name="Vignet toevoegen aan het concept").click()
        page.wait_for_url("**/redactie/concept/*/?opgeslagen=1", timeout=120_000)
        main = page.inner_text("main")
        assert "V-kz-blijf (nieuw)" in main and "Ook gewijzigd in dit concept" in main
        assert_accessible(page)
        draft_url = page.url.split("?")[0]
    finally:
        context.close()

    context, page = browser_session(browser, live_server, colleague, draft_url.removeprefix(live_server.url), 360,
                                    timeout=120_000)
    try:
        page.get_by_role("button", name="Goedkeuren").click()
        page.get_by_label("Waarom deze publicatie?").wait_for(timeout=120_000)
        page.get_by_label("Waarom deze publicatie?").fill("Blijf betrokken bij extra kraamzorg, met vignet")
        page.get_by_role("button", name="Publiceren").click()
        page.wait_for_url("**/route/redactie/?gepubliceerd=1", timeout=120_000)
        assert_accessible(page)
        publication = ContentPublication.objects.get()
        new_advice = service.advise(P02, tally=False)
        assert "stay-involved" in new_advice["warnings"]
        assert publication.release.rule_versions["eerste-1000-dagen"] == new_advice["content_version"]
        assert "V-kz-blijf" in publication.release.files["routeguide/vignettes/own.yaml"]
        replay = service.advise_replay(P02, content_version=old_advice["content_version"])
        assert "stay-involved" not in replay["warnings"]
        page.get_by_label("Reden voor het terugzetten").fill("Terug naar de uitgangssituatie")
        page.get_by_role("button", name=f"Zet release {publication.previous_version}").click()
        page.wait_for_url("**/route/redactie/?teruggezet=1", timeout=120_000)
        assert_accessible(page)
    finally:
        context.close()
    assert ContentPublication.objects.count() == 2
    assert "stay-involved" not in service.advise(P02, tally=False)["warnings"]
