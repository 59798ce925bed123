"""Drafts of the route content (issue 15 items 2–4): save with the whole content checked, conflicts, four eyes,
the effect on vignettes and on the anonymous tally, publishing that switches the live rules, rollback.
Run on SQLite and PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import pytest

from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.routeguide import drafts, live, service
from wegwijzer.routeguide.models import AdviceTally, ContentDraft, ContentPublication, ContentRelease

from .conftest import P01

pytestmark = pytest.mark.django_db
RULE = "routeguide/rules/kraamzorg.yaml"
VIGNETTES = "routeguide/vignettes/own.yaml"
# P02-like: extra maternity care in week 2 (the rule R-kz-verlengde-kraamzorg applies)
P02 = {"phase": "kraamperiode", "weeks_since_birth": 2, "reporter": "kraamzorg",
       "concerns": ["borstvoeding", "herstel-bevalling"]}
OLD_WARNINGS = "      warnings: [{code: medical-first, rank: 10}]\n      steps:\n        - actor: kraamzorg\n"
NEW_WARNINGS = ("      warnings: [{code: medical-first, rank: 10}, {code: stay-involved, rank: 60}]\n"
                "      steps:\n        - actor: kraamzorg\n")


@pytest.fixture
def editors(django_user_model):
    make = django_user_model.objects.create_user
    return (make(username="beleid1", password="x-Geheim-123456", role="beleid"),
            make(username="redacteur2", password="x-Geheim-123456", role="redacteur"))


def changed_rule(content_copy) -> str:
    text = (content_copy / RULE).read_text(encoding="utf-8")
    assert text.count(OLD_WARNINGS) == 1
    return text.replace(OLD_WARNINGS, NEW_WARNINGS)


def test_a_valid_draft_is_saved_with_no_problems_and_logged(content_copy, editors):
    author, _colleague = editors
    draft = drafts.content_draft_save(actor=author, path=RULE, text=changed_rule(content_copy), expected_version=0)
    assert (draft.status, draft.version, draft.problems) == (ContentDraft.Status.DRAFT, 1, [])
    assert draft.base_text == (content_copy / RULE).read_text(encoding="utf-8")
    assert AccessLogEntry.objects.filter(object_type="content_draft", object_id=str(draft.pk)).count() == 1
    # nothing is live yet: the rules still give the old warnings
    assert "stay-involved" not in service.advise(P02, tally=False)["warnings"]


def test_an_invalid_draft_is_saved_with_its_problems_on_their_line_and_cannot_be_approved(content_copy, editors):
    author, colleague = editors
    text = changed_rule(content_copy).replace("{code: stay-involved, rank: 60}", "{code: bestaat-niet, rank: 60}")
    draft = drafts.content_draft_save(actor=author, path=RULE, text=text, expected_version=0)
    assert draft.problems and any("bestaat-niet" in p for p in draft.problems)
    located = [p for p in drafts.draft_problems(draft) if "bestaat-niet" in p.text]
    assert located and located[0].line == 6  # the line of `- id: R-kz-verlengde-kraamzorg`
    with pytest.raises(drafts.DraftError, match="kan niet worden goedgekeurd"):
        drafts.content_draft_approve(actor=colleague, draft_id=draft.pk, expected_version=draft.version)
    assert ContentDraft.objects.get(pk=draft.pk).status == ContentDraft.Status.DRAFT


def test_broken_yaml_names_its_line(content_copy, editors):
    author, _ = editors
    text = changed_rule(content_copy) + "  - id: [kapot\n"
    draft = drafts.content_draft_save(actor=author, path=RULE, text=text, expected_version=0)
    assert draft.problems
    assert any(p.here and p.line for p in drafts.draft_problems(draft))


def test_second_editor_saving_from_the_same_version_gets_a_conflict(content_copy, editors):
    author, colleague = editors
    text = changed_rule(content_copy)
    first = drafts.content_draft_save(actor=author, path=RULE, text=text, expected_version=0)
    with pytest.raises(drafts.DraftConflict, match="intussen opgeslagen"):
        drafts.content_draft_save(actor=colleague, path=RULE, text=text + "# ander\n", expected_version=0)
    assert ContentDraft.objects.get(pk=first.pk).text == text
    second = drafts.content_draft_save(actor=colleague, path=RULE, text=text + "# ander\n", expected_version=1)
    assert second.pk == first.pk and second.version == 2 and second.edited_by == colleague


def test_self_approval_is_refused_and_a_colleague_approves(content_copy, editors):
    author, colleague = editors
    draft = drafts.content_draft_save(actor=author, path=RULE, text=changed_rule(content_copy), expected_version=0)
    with pytest.raises(drafts.DraftError, match="een collega moet het goedkeuren"):
        drafts.content_draft_approve(actor=author, draft_id=draft.pk, expected_version=draft.version)
    approved = drafts.content_draft_approve(actor=colleague, draft_id=draft.pk, expected_version=draft.version)
    assert approved.status == ContentDraft.Status.APPROVED and approved.approved_by == colleague


def test_only_editors_and_policy_officers_may_draft(content_copy, django_user_model):
    professional = django_user_model.objects.create_user(username="jgz1", password="x-Geheim-123456", role="jgz")
    with pytest.raises(drafts.NotAllowed):
        drafts.content_draft_save(actor=professional, path=RULE, text="x: 1\n", expected_version=0)
    with pytest.raises(drafts.DraftError):
        drafts.file_text("../settings.py")
    assert ContentDraft.objects.count() == 0


def test_effect_names_changed_vignettes_in_dutch_and_counts_past_situations(content_copy, editors):
    author, _ = editors
    for _i in range(3):
        AdviceTally.objects.create(phase="kraamperiode", reporter="kraamzorg", concerns=sorted(P02["concerns"]),
                                   flags={}, weeks_since_birth=2, content_version="x")
    for _i in range(2):
        AdviceTally.objects.create(phase="zwangerschap", reporter="verloskundige", concerns=sorted(P01["concerns"]),
                                   wijk="overvecht", flags={"buurtteam_involved": False}, content_version="x")
    AdviceTally.objects.create(phase="jeugd-tot-16", reporter="jgz", concerns=["psychische-klachten"], flags={},
                               content_version="y")
    draft = drafts.content_draft_save(actor=author, path=RULE, text=changed_rule(content_copy), expected_version=0)
    effect = drafts.draft_effect(draft)
    assert effect is not None
    labels = [row["label"] for row in effect["vignettes"]]
    assert "public.yaml:P02" in labels and len(labels) >= 2
    row = effect["vignettes"][labels.index("public.yaml:P02")]
    stay = "Wie een andere partij inschakelt, blijft betrokken en monitort de inzet"
    assert stay in row["after"]["warnings"] and stay not in row["before"]["warnings"]
    assert effect["tally"] == {"total": 6, "other": 1, "changed": 3, "first": 0, "laws": 0, "warnings": 3,
                               "groups": 2}


def test_adding_a_vignette_is_a_draft_of_the_vignette_file(content_copy, editors):
    author, _ = editors
    text = (content_copy / VIGNETTES).read_text(encoding="utf-8") + (
        "\n- id: NIEUW-01\n  story: \"Een kraamverzorgende ziet dat de borstvoeding niet op gang komt.\"\n"
        "  situation: {phase: kraamperiode, weeks_since_birth: 3, reporter: kraamzorg, concerns: [borstvoeding]}\n"
        "  expect:\n    involve_includes: [kraamzorg]\n"
    )
    draft = drafts.content_draft_save(actor=author, path=VIGNETTES, text=text, expected_version=0)
    assert draft.problems == []
    effect = drafts.draft_effect(draft)
    assert effect is not None
    assert [r["label"] for r in effect["vignettes"] if r["added"]] == ["own.yaml:NIEUW-01"]
    wrong = text.replace("involve_includes: [kraamzorg]", "involve_includes: [gemeente-niet]")
    draft = drafts.content_draft_save(actor=author, path=VIGNETTES, text=wrong, expected_version=1)
    assert any("NIEUW-01" in p for p in draft.problems)


def _publish(content_copy, editors, text=None):
    author, colleague = editors
    draft = drafts.content_draft_save(actor=author, path=RULE, text=text or changed_rule(content_copy),
                                      expected_version=0)
    draft = drafts.content_draft_approve(actor=colleague, draft_id=draft.pk, expected_version=draft.version)
    return drafts.content_draft_publish(actor=author, draft_id=draft.pk, expected_version=draft.version,
                                        reason="Blijf betrokken bij extra kraamzorg")


def test_publishing_switches_the_live_rules_and_old_advice_replays(content_copy, editors):
    before = service.advise(P02, tally=False)
    assert "stay-involved" not in before["warnings"]
    publication = _publish(content_copy, editors)
    assert publication.kind == ContentPublication.Kind.PUBLISH
    assert publication.approved_by == "redacteur2" and publication.created_by == "beleid1"
    assert "+      warnings: [{code: medical-first, rank: 10}, {code: stay-involved" in publication.diff
    assert ContentRelease.objects.count() == 2  # the content folder as baseline, then the new release
    after = service.advise(P02, tally=False)
    assert "stay-involved" in after["warnings"]
    assert after["content_version"] != before["content_version"]
    assert publication.release.rule_versions["eerste-1000-dagen"] == after["content_version"]
    replay = service.advise_replay(P02, content_version=before["content_version"])
    assert "stay-involved" not in replay["warnings"]
    assert ContentDraft.objects.get().status == ContentDraft.Status.PUBLISHED
    # the content folder itself is untouched: git stays a way to edit
    assert "stay-involved, rank: 60" not in (content_copy / RULE).read_text(encoding="utf-8")


def test_publishing_needs_approval_and_a_reason(content_copy, editors):
    author, colleague = editors
    draft = drafts.content_draft_save(actor=author, path=RULE, text=changed_rule(content_copy), expected_version=0)
    with pytest.raises(drafts.DraftError, match="goedgekeurd"):
        drafts.content_draft_publish(actor=colleague, draft_id=draft.pk, expected_version=1, reason="Omdat het moet")
    draft = drafts.content_draft_approve(actor=colleague, draft_id=draft.pk, expected_version=1)
    with pytest.raises(drafts.DraftError) as refused:
        drafts.content_draft_publish(actor=author, draft_id=draft.pk, expected_version=draft.version, reason="kort")
    assert "reason" in refused.value.errors
    assert not ContentPublication.objects.exists()


def test_another_worker_sees_the_publication_after_its_check_interval(content_copy, editors, settings):
    settings.CONTENT_LIVE_CHECK_SECONDS = 3600
    assert live.rules_folder() is None  # this "worker" checked: nothing live
    _publish(content_copy, editors)  # on_commit does not run inside the test transaction
    assert live.rules_folder() is None  # still within its interval
    live.changed()  # what the publishing process does on commit
    folder = live.rules_folder()
    assert folder is not None and (folder / RULE).is_file()


def test_rollback_is_a_new_publication_of_the_earlier_release(content_copy, editors):
    author, _ = editors
    before = service.advise(P02, tally=False)
    first = _publish(content_copy, editors)
    with pytest.raises(drafts.DraftError, match="al de live inhoud"):
        drafts.content_release_rollback(actor=author, version=first.release.content_version, reason="Nog een keer")
    back = drafts.content_release_rollback(actor=author, version=first.previous_version, reason="Terug: te vroeg")
    assert back.kind == ContentPublication.Kind.ROLLBACK and back.previous_version == first.release.content_version
    assert "-      warnings: [{code: medical-first, rank: 10}, {code: stay-involved" in back.diff
    assert service.advise(P02, tally=False)["warnings"] == before["warnings"]
    assert ContentPublication.objects.count() == 2 and ContentRelease.objects.count() == 2
    assert AccessLogEntry.objects.filter(object_type="content_publication").count() == 2


def test_publication_history_is_append_only(content_copy, editors):
    from django.db import DatabaseError, transaction

    publication = _publish(content_copy, editors)
    with pytest.raises(DatabaseError), transaction.atomic():
        ContentPublication.objects.filter(pk=publication.pk).update(reason="anders")
