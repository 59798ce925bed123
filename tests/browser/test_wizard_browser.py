"""The route guide's wizard in a real browser, keyboard only (Tab, arrows, Space, Enter; no mouse),
from the first screen to the advice, with an axe-core check (no serious/critical violations) on every screen."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 120


def active(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement; return e ? {tag: e.tagName.toLowerCase(), id: e.id,
        name: e.getAttribute('name'), value: e.value, text: (e.innerText || '').trim(), checked: !!e.checked,
        focus: e.hasAttribute('data-ww-focus')} : {}; }"""
    )


def tab_to(page, selector: str) -> None:
    """Press Tab until the focused element matches the CSS selector."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"could not reach {selector} with Tab; focus is on {active(page)}")


def choose_radio(page, name: str, value: str) -> None:
    """Tab into a radio group, then move with the arrow keys to the wanted answer and select it with Space."""
    tab_to(page, f'input[type="radio"][name="{name}"]')
    target = f'input[type="radio"][name="{name}"][value="{value}"]'
    for _ in range(20):
        if page.evaluate("(s) => document.activeElement.matches(s)", target):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert page.is_checked(target)


def choose_option(page, name: str, value: str) -> None:
    tab_to(page, f'select[name="{name}"]')
    for _ in range(20):
        if page.evaluate("(n) => document.querySelector(`select[name=\"${n}\"]`).value", name) == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"could not select {value} in {name}")


def check_box(page, value: str) -> None:
    tab_to(page, f'input[type="checkbox"][value="{value}"]')
    page.keyboard.press("Space")
    assert page.is_checked(f'input[type="checkbox"][value="{value}"]')


def press_button(page, text: str) -> None:
    tab_to(page, "button, a")
    for _ in range(MAX_TABS):
        if active(page).get("text") == text:
            page.keyboard.press("Enter")
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"no button or link '{text}' reachable with Tab")


def wait_for_heading(page, pattern: str) -> None:
    page.wait_for_function(
        "(p) => { const h = document.querySelector('#ww-route h1'); return h && new RegExp(p).test(h.innerText); }",
        arg=pattern,
    )
    page.wait_for_load_state("networkidle")


def focus_is_on_screen_start(page) -> bool:
    """After htmx swapped a screen, focus moves to its heading (or error summary) once the swap settled."""
    page.wait_for_function(
        "() => { const e = document.activeElement; return !!e && e.hasAttribute('data-ww-focus'); }",
        timeout=5000,
    )
    return True


@pytest.fixture
def social_map():
    from wegwijzer.socialmap.content import load

    load(if_empty=False, replace=True)
    return True


def test_wizard_keyboard_only_to_advice(page, live_server, assert_accessible, social_map):
    page.goto(f"{live_server.url}/route/")
    assert_accessible(page)

    press_button(page, "Begin")
    wait_for_heading(page, "Fase en timing")
    assert_accessible(page)

    # Forward without an answer: the error summary appears, gets focus, and links to the field.
    press_button(page, "Volgende")
    page.wait_for_selector(".ww-error-summary")
    page.wait_for_function("() => document.activeElement && document.activeElement.classList.contains('ww-error-summary')")
    assert "Kies in welke fase het gezin is." in page.inner_text(".ww-error-summary")
    assert page.get_attribute("fieldset[aria-describedby*='phase-error']", "aria-describedby") == "phase-help phase-error"
    assert_accessible(page)

    choose_radio(page, "phase", "zwangerschap")
    # Weeks since birth do not apply in pregnancy: the field is hidden (CSS only).
    assert not page.is_visible("#id_weeks_since_birth")
    press_button(page, "Volgende")
    wait_for_heading(page, "Wie bent u")
    assert focus_is_on_screen_start(page)
    assert "phase=zwangerschap" in page.url and "/route/stap/wie/" in page.url
    assert_accessible(page)

    choose_radio(page, "reporter", "verloskundige")
    choose_option(page, "wijk", "overvecht")
    press_button(page, "Volgende")
    wait_for_heading(page, "Wat baart u zorgen")
    assert focus_is_on_screen_start(page)
    assert_accessible(page)

    check_box(page, "geen-netwerk")
    check_box(page, "jong-ouderschap")
    press_button(page, "Volgende")
    wait_for_heading(page, "Wat weet u al")
    assert_accessible(page)

    choose_radio(page, "buurtteam_involved", "nee")
    press_button(page, "Naar de samenvatting")
    wait_for_heading(page, "Samenvatting")
    assert focus_is_on_screen_start(page)
    summary = page.inner_text("#ww-route")
    assert "Overvecht" in summary and "Jong ouderschap" in summary and "Verloskundige (eerstelijn)" in summary
    assert_accessible(page)

    # Back once and forward again keeps every answer.
    press_button(page, "Vorige")
    wait_for_heading(page, "Wat weet u al")
    assert page.is_checked('input[name="buurtteam_involved"][value="nee"]')
    press_button(page, "Naar de samenvatting")
    wait_for_heading(page, "Samenvatting")

    press_button(page, "Toon het advies")
    wait_for_heading(page, "Advies")
    assert "/route/advies/?" in page.url
    assert focus_is_on_screen_start(page)
    assert_accessible(page)

    advice_text = page.inner_text("#ww-route")
    # Done when (P01): JGZ first with the prenatal home visit, informal support, the Wpg, the guardrails,
    # the Overvecht contacts, and a reason with its source for every line.
    assert "Vraag eerst welke hulp ouders al krijgen" in page.inner_text(".ww-warnings")
    first = page.inner_text(".ww-involve li:first-child")
    assert "Neem eerst contact op met" in first and "Jeugdgezondheidszorg" in first
    offers = page.inner_text(".ww-interventions")
    assert "Prenataal huisbezoek door de JGZ" in offers
    assert any(name in offers for name in ("Mamaatjes van Al Amal", "Home-Start", "sociale basis"))
    assert "Wet publieke gezondheid" in page.inner_text(".ww-laws")
    reasons = page.query_selector_all(".ww-reason")
    assert reasons and all("Bron:" in r.inner_text() for r in reasons)
    if social_map:
        assert "Overvecht" in page.inner_text(".ww-contacts")
    # A "Waarom" link is reachable by keyboard and lands on its reason.
    tab_to(page, "a.ww-why")
    target = page.evaluate("() => document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    page.wait_for_function("(t) => location.hash === t", arg=target)
    assert page.evaluate("(t) => !!document.querySelector(t)", target)

    # The advice URL is shareable: a fresh load without htmx gives the same page.
    url = page.url
    page.goto(url)
    assert re.sub(r"\s+", " ", page.inner_text("#ww-route")) == re.sub(r"\s+", " ", advice_text)
    assert_accessible(page)


def test_wizard_without_javascript(browser, live_server, assert_accessible):
    """The same screens work with JavaScript switched off (plain GET forms and links)."""
    context = browser.new_context(locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/route/stap/fase/")
        choose_radio(page, "phase", "kraamperiode")
        tab_to(page, "#id_weeks_since_birth")
        page.keyboard.type("2")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/route/stap/wie/\?.*"))
        assert "weeks_since_birth=2" in page.url
        choose_radio(page, "reporter", "kraamzorg")
        press_button(page, "Volgende")
        page.wait_for_url(re.compile(r".*/route/stap/zorgen/\?.*"))
        check_box(page, "borstvoeding")
        press_button(page, "Volgende")
        page.wait_for_url(re.compile(r".*/route/stap/bekend/\?.*"))
        press_button(page, "Naar de samenvatting")
        page.wait_for_url(re.compile(r".*/route/samenvatting/\?.*"))
        press_button(page, "Toon het advies")
        page.wait_for_url(re.compile(r".*/route/advies/\?.*"))
        assert "Advies: de route" in page.inner_text("h1")
    finally:
        context.close()


def test_weeks_field_follows_the_phase(page, live_server):
    """Weeks since birth: visible after the birth, hidden (and cleared) before it; keyboard only."""
    page.goto(f"{live_server.url}/route/stap/fase/")
    choose_radio(page, "phase", "kraamperiode")
    assert page.is_visible("#id_weeks_since_birth")
    tab_to(page, "#id_weeks_since_birth")
    page.keyboard.type("3")
    page.keyboard.press("Shift+Tab")  # back into the radio group
    for _ in range(4):
        if page.is_checked('input[name="phase"][value="zwangerschap"]'):
            break
        page.keyboard.press("ArrowUp")
    assert page.is_checked('input[name="phase"][value="zwangerschap"]')
    assert not page.is_visible("#id_weeks_since_birth")
    assert page.input_value("#id_weeks_since_birth") == ""
    press_button(page, "Volgende")
    wait_for_heading(page, "Wie bent u")
    assert "weeks_since_birth=&" in page.url or page.url.endswith("weeks_since_birth=")
