"""The rule form (issue 15 item 2): one rule as fields, saved as a draft of its file with only that rule changed;
bad input gives field errors, content-check problems land next to their field, two editors get a conflict;
a vignette added from the draft page travels with the draft. Run on SQLite and PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.http import QueryDict

from accounts.helpers import make_policy_staff, make_professional, make_user, verified_client
from wegwijzer.routeguide import drafts, rule_problems, service
from wegwijzer.routeguide.forms_content import RuleForm, VignetteForm
from wegwijzer.routeguide.labels import vocabulary
from wegwijzer.routeguide.models import ContentDraft, ContentPublication

pytestmark = pytest.mark.django_db
RULE_ID = "R-kz-verlengde-kraamzorg"
RULE_FILE = "routeguide/rules/kraamzorg.yaml"
P02 = {"phase": "kraamperiode", "weeks_since_birth": 2, "reporter": "kraamzorg",
       "concerns": ["borstvoeding", "herstel-bevalling"]}


@pytest.fixture
def editors(django_user_model):
    make = django_user_model.objects.create_user
    return (make(username="beleid1", password="x-Geheim-123456", role="beleid"),
            make(username="redacteur2", password="x-Geheim-123456", role="redacteur"))


def post_data(form: RuleForm, **changes: Any) -> QueryDict:
    """What a browser sends for the form as shown, with `changes` applied (None: the field left empty)."""
    values = {name: form[name].value() for name in form.fields}
    values.update(changes)
    data = QueryDict(mutable=True)
    for name, value in values.items():
        if isinstance(value, list):
            data.setlist(name, [str(v) for v in value])
        elif value is not None:
            data[name] = str(value)
    return data


def rule_form(rule_id: str = RULE_ID, data: Any = None) -> tuple[drafts.EditableRule, RuleForm]:
    current = drafts.rule_get(rule_id)
    return current, RuleForm(data, vocab=vocabulary(current.route), sources=service.sources(), rule=current.rule)


def test_every_rule_of_every_route_comes_back_unchanged_through_the_form(content_copy):
    rows = drafts.rule_list()
    assert {r["route"] for r in rows} == {"eerste-1000-dagen", "basis-ggz"} and len(rows) > 50
    for row in rows:
        current, shown = rule_form(row["id"])
        _current, bound = rule_form(row["id"], post_data(shown))
        assert bound.is_valid(), (row["id"], bound.errors)
        assert bound.to_rule() == current.rule, row["id"]


def test_saving_a_changed_rule_changes_only_that_rule_and_keeps_the_rest_of_the_file(content_copy, editors):
    author, _ = editors
    before = (content_copy / RULE_FILE).read_text(encoding="utf-8")
    current, shown = rule_form()
    _c, form = rule_form(data=post_data(shown, **{"then_warnings__stay-involved": 60}))
    assert form.is_valid(), form.errors
    draft = drafts.content_rule_save(actor=author, rule_id=RULE_ID, rule=form.to_rule(), expected_version=0)
    assert draft.path == RULE_FILE and draft.problems == []
    old, new = yaml.safe_load(before), yaml.safe_load(draft.text)
    assert [r for r in new["rules"] if r["id"] != RULE_ID] == [r for r in old["rules"] if r["id"] != RULE_ID]
    edited = next(r for r in new["rules"] if r["id"] == RULE_ID)
    assert edited["then"]["warnings"] == [{"code": "medical-first", "rank": 10}, {"code": "stay-involved", "rank": 60}]
    assert {k: v for k, v in edited.items() if k != "then"} == {k: v for k, v in current.rule.items() if k != "then"}
    # the text around the rule is the old text: the file's comments and the next rule stay as written
    head, tail = before.split("  - id: R-kz-verlengde-kraamzorg")[0], before.split("  - id: R-kz-weken-onbekend")[1]
    assert draft.text.startswith(head) and draft.text.endswith(tail)
    assert "stay-involved" not in service.advise(P02, tally=False)["warnings"]  # a draft is not live


def test_bad_input_gives_dutch_field_errors_and_saves_nothing(content_copy):
    _current, shown = rule_form()
    _c, form = rule_form(data=post_data(shown, priority="hoog", reason="kort", when_nested="all: [kapot",
                                        step_0_text="", **{"then_involve__jgz": "-3"}))
    assert not form.is_valid()
    assert "Vul een heel getal in" in form.errors["priority"][0]
    assert "te kort" in form.errors["reason"][0]
    assert "geen geldige YAML" in form.errors["when_nested"][0]
    assert "wie, volgorde en tekst" in form.errors["step_0_text"][0]
    assert "Minstens 0" in form.errors["then_involve__jgz"][0]
    assert not ContentDraft.objects.exists()


def test_a_problem_of_content_check_is_placed_next_to_its_field(content_copy, editors):
    author, _ = editors
    _current, shown = rule_form()
    # medical-first has weight 10 in every rule: 11 breaks "one weight per warning"
    _c, form = rule_form(data=post_data(shown, **{"then_warnings__medical-first": 11}))
    assert form.is_valid()
    draft = drafts.content_rule_save(actor=author, rule_id=RULE_ID, rule=form.to_rule(), expected_version=0)
    assert any("één gewicht" in p for p in draft.problems)
    current, again = rule_form()
    placed, _elsewhere = rule_problems.place(draft.problems, current.path, current.index, current.rule, again)
    assert any("één gewicht" in p for p in placed.get("ranked_warnings", []))


def test_two_editors_on_the_same_rule_get_a_conflict_not_an_overwrite(content_copy, editors):
    author, colleague = editors
    _current, shown = rule_form()
    _c, first = rule_form(data=post_data(shown, **{"then_warnings__stay-involved": 60}))
    _c, second = rule_form(data=post_data(shown, priority=21))
    assert first.is_valid() and second.is_valid()
    saved = drafts.content_rule_save(actor=author, rule_id=RULE_ID, rule=first.to_rule(), expected_version=0)
    with pytest.raises(drafts.DraftConflict, match="intussen opgeslagen"):
        drafts.content_rule_save(actor=colleague, rule_id=RULE_ID, rule=second.to_rule(), expected_version=0)
    assert ContentDraft.objects.get(pk=saved.pk).text == saved.text
    with pytest.raises(drafts.DraftError, match="niets gewijzigd"):
        drafts.content_rule_save(actor=colleague, rule_id=RULE_ID, rule=drafts.rule_get(RULE_ID).rule,
                                 expected_version=1)


def test_a_vignette_added_to_a_rule_draft_is_checked_and_published_with_it(content_copy, editors):
    author, colleague = editors
    _current, shown = rule_form()
    _c, form = rule_form(data=post_data(shown, **{"then_warnings__stay-involved": 60}))
    assert form.is_valid()
    draft = drafts.content_rule_save(actor=author, rule_id=RULE_ID, rule=form.to_rule(), expected_version=0)
    data = QueryDict(mutable=True)
    data.update({"vignette_id": "V-kz-blijf", "story": "Een kraamverzorgster ziet dat de borstvoeding niet op gang komt.",
                 "source": "Wegwijzer §2, Uitgangspunten", "s-phase": "kraamperiode", "s-weeks_since_birth": "2",
                 "s-reporter": "kraamzorg"})
    data.setlist("s-concerns", ["borstvoeding"])
    data.setlist("expect_warnings", ["stay-involved"])
    vignette = VignetteForm(data, route="eerste-1000-dagen", vocab=vocabulary(), sources=service.sources())
    assert vignette.is_valid(), vignette.errors
    assert vignette.to_vignette()["situation"] == {"phase": "kraamperiode", "weeks_since_birth": 2,
                                                   "reporter": "kraamzorg", "concerns": ["borstvoeding"]}
    draft = drafts.content_draft_vignette_add(actor=author, draft_id=draft.pk, expected_version=1,
                                              path="routeguide/vignettes/own.yaml", vignette=vignette.to_vignette())
    assert draft.version == 2 and draft.problems == [] and list(draft.others) == ["routeguide/vignettes/own.yaml"]
    effect = drafts.draft_effect(draft)
    assert effect is not None and any(v["added"] and v["label"].endswith("V-kz-blijf") for v in effect["vignettes"])
    with pytest.raises(drafts.DraftError, match="al een vignet met dit id"):
        drafts.content_draft_vignette_add(actor=author, draft_id=draft.pk, expected_version=2,
                                          path="routeguide/vignettes/own.yaml", vignette=vignette.to_vignette())
    with pytest.raises(drafts.DraftConflict, match="al gewijzigd in het concept"):  # one open draft per file
        drafts.content_draft_save(actor=colleague, path="routeguide/vignettes/own.yaml", text="- {}\n",
                                  expected_version=0)
    drafts.content_draft_approve(actor=colleague, draft_id=draft.pk, expected_version=2)
    drafts.content_draft_publish(actor=colleague, draft_id=draft.pk, expected_version=3, reason="Blijf betrokken")
    files = ContentPublication.objects.order_by("-id").first().release.files
    assert "V-kz-blijf" in files["routeguide/vignettes/own.yaml"] and "stay-involved" in files[RULE_FILE]
    assert "stay-involved" in service.advise(P02, tally=False)["warnings"]


def test_a_vignette_that_the_rules_do_not_meet_makes_the_draft_unapprovable(content_copy, editors):
    author, colleague = editors
    draft = drafts.content_draft_save(actor=author, path=RULE_FILE, text=(content_copy / RULE_FILE).read_text() + "\n",
                                      expected_version=0)
    vignette = {"id": "V-kz-mis", "source": "Wegwijzer §2, Uitgangspunten", "story": "Een verwachting die niet klopt.",
                "situation": P02, "expect": {"warnings_includes": ["stay-involved"]}}
    draft = drafts.content_draft_vignette_add(actor=author, draft_id=draft.pk, expected_version=1,
                                              path="routeguide/vignettes/own.yaml", vignette=vignette)
    assert any("V-kz-mis" in p for p in draft.problems)
    with pytest.raises(drafts.DraftError, match="kan niet worden goedgekeurd"):
        drafts.content_draft_approve(actor=colleague, draft_id=draft.pk, expected_version=2)


def test_rule_pages_in_the_browser_and_the_menu(client, content_copy):
    verified_client(client, make_professional("jgz1"))
    home = client.get("/").content.decode()
    assert "/route/redactie/" not in home and "/inzicht/" not in home
    assert client.get(f"/route/redactie/regel/{RULE_ID}/").status_code == 404
    client.logout()
    verified_client(client, make_policy_staff("beleid1"))
    home = client.get("/").content.decode()
    assert 'href="/route/redactie/"' in home and 'href="/inzicht/"' in home
    listing = client.get("/route/redactie/").content.decode()
    assert f"/route/redactie/regel/{RULE_ID}/" in listing and "bewerken in formulier" in listing
    page = client.get(f"/route/redactie/regel/{RULE_ID}/")
    assert page.status_code == 200 and "Extra uren (verlengde) kraamzorg" in page.content.decode()  # a Dutch label of a code
    assert client.get("/route/redactie/regel/R-bestaat-niet/").status_code == 404
    _current, shown = rule_form()
    bad = client.post(f"/route/redactie/regel/{RULE_ID}/", post_data(shown, priority="hoog", version="0"))
    assert bad.status_code == 400 and 'aria-describedby="id_priority-error"' in bad.content.decode()
    weight = client.post(f"/route/redactie/regel/{RULE_ID}/",
                         post_data(shown, version="0", **{"then_warnings__medical-first": 11}))
    assert weight.status_code == 302 and weight["Location"].endswith("?opgeslagen=1")
    body = client.get(weight["Location"]).content.decode()
    assert 'id="ww-group-ranked_warnings-error"' in body and "één gewicht" in body
    conflict = client.post(f"/route/redactie/regel/{RULE_ID}/", post_data(shown, version="0", priority=21))
    assert conflict.status_code == 409 and "intussen opgeslagen" in conflict.content.decode()
    draft = ContentDraft.objects.get()
    added = client.get(f"/route/redactie/concept/{draft.pk}/vignet/")
    assert added.status_code == 200 and "Vignet toevoegen aan het concept" in added.content.decode()
    refused = client.post(f"/route/redactie/concept/{draft.pk}/vignet/", {"version": "1", "vignette_id": "?"})
    assert refused.status_code == 400 and "Een id is letters" in refused.content.decode()
    client.logout()
    verified_client(client, make_user("redacteur2", role="redacteur"))
    assert 'href="/route/redactie/"' in client.get("/").content.decode()
