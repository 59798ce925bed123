"""Issue 15 Done-when in a real browser: a policy officer edits one rule as YAML, sees the vignettes and the past
situations that change, a colleague approves, and publishing makes new advice name the new release; axe-core
finds no serious or critical violation on any of the pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from accounts.helpers import browser_log_in, confirmed_device, make_policy_staff, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CONTENT = Path(__file__).resolve().parents[2] / "content"
RULE = "routeguide/rules/kraamzorg.yaml"
OLD = "      warnings: [{code: medical-first, rank: 10}]\n      steps:\n        - actor: kraamzorg\n"
NEW = ("      warnings: [{code: medical-first, rank: 10}, {code: stay-involved, rank: 60}]\n"
       "      steps:\n        - actor: kraamzorg\n")
P02 = {"phase": "kraamperiode", "weeks_since_birth": 2, "reporter": "kraamzorg",
       "concerns": ["borstvoeding", "herstel-bevalling"]}


def test_edit_a_rule_see_the_effect_approve_and_publish(browser, live_server, assert_accessible, content_copy):
    from wegwijzer.routeguide import service
    from wegwijzer.routeguide.models import AdviceTally, ContentPublication

    for _i in range(4):
        AdviceTally.objects.create(phase="kraamperiode", reporter="kraamzorg", concerns=sorted(P02["concerns"]),
                                   flags={}, weeks_since_birth=2, content_version="x")
    old_advice = service.advise(P02, tally=False)
    author, colleague = make_policy_staff("beleid1"), make_user("redacteur2", role="redacteur")
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/route/redactie/")
        browser_log_in(page, author, confirmed_device(author))
        page.wait_for_url("**/route/redactie/")
        assert_accessible(page)
        page.get_by_role("link", name=RULE).click()
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

    context = browser.new_context(locale="nl-NL", viewport={"width": 360, "height": 800})
    page = context.new_page()
    try:
        page.goto(draft_url)
        browser_log_in(page, colleague, confirmed_device(colleague))
        page.wait_for_url(draft_url, timeout=120_000)
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
