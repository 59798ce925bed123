"""The second route (issue 15, item 5) in a real browser, keyboard only: choose basis-ggz on the start page,
answer its own screens, and get its advice; axe-core on every screen (no serious/critical violations)."""

from __future__ import annotations

import pytest
from test_wizard_browser import check_box, choose_radio, press_button, wait_for_heading

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_wizard_second_route_keyboard_only(page, live_server, assert_accessible):
    page.goto(f"{live_server.url}/route/")
    assert page.is_checked('input[name="route"][value="eerste-1000-dagen"]')
    assert_accessible(page)

    choose_radio(page, "route", "basis-ggz")
    press_button(page, "Begin")
    wait_for_heading(page, "Fase en timing")
    assert "route=basis-ggz" in page.url
    # the route's own phases, and no question about the baby's age
    assert page.query_selector('input[name="phase"][value="kinderwens"]') is None
    assert page.query_selector("#id_weeks_since_birth") is None
    assert_accessible(page)

    choose_radio(page, "phase", "jeugd-tot-16")
    press_button(page, "Volgende")
    wait_for_heading(page, "Wie bent u")
    assert_accessible(page)
    choose_radio(page, "reporter", "huisarts")
    press_button(page, "Volgende")
    wait_for_heading(page, "Wat baart u zorgen")
    assert page.query_selector('input[value="huilbaby"]') is None
    assert_accessible(page)

    for code in ("psychische-klachten", "ingrijpende-gebeurtenis", "opvoedproblemen"):
        check_box(page, code)
    press_button(page, "Volgende")
    wait_for_heading(page, "Wat weet u al")
    assert page.query_selector('input[name="related_to_baby_care"]') is None
    assert_accessible(page)

    press_button(page, "Naar de samenvatting")
    wait_for_heading(page, "Samenvatting")
    summary = page.inner_text("#ww-route")
    assert "Basiszorg jeugd-ggz" in summary and "Kind of jongere jonger dan 16 jaar" in summary
    assert_accessible(page)

    press_button(page, "Toon het advies")
    wait_for_heading(page, "Advies")
    assert "route=basis-ggz" in page.url
    assert_accessible(page)
    # BG-08: the team basiszorg with an MDO and agreements on who leads
    assert "Multidisciplinair overleg (MDO)" in page.inner_text(".ww-interventions")
    involve = page.inner_text(".ww-involve")
    assert "Buurtteam Jeugd en Gezin" in involve and "Onafhankelijke ggz-expertise" in involve
    assert "Spreek met het gezin af wie de regie heeft" in page.inner_text(".ww-warnings")
    reasons = page.query_selector_all(".ww-reason")
    assert reasons and all("Bron:" in r.inner_text() for r in reasons)
    assert "Proeftuin" in page.inner_text("#ww-route")
