"""Drafts of the route content in the browser, their effect, four eyes and publishing (issue 15 items 2–4).

A draft is one changed file of content/routeguide (a rule file or a vignette file of any route) on top of
the *live* content: the newest published release, or the content folder while nothing has been published.
Every save checks the whole content tree with the draft applied exactly as `wegwijzer content check` does
(content.check on a temporary folder): an invalid draft is kept as a draft but cannot be approved.
A second editor (not the author, not the last editor) approves; publishing records the files as a
ContentRelease and appends a ContentPublication, whose newest row is the live release for every worker
(live.py). A rollback is a new publication naming an earlier release. Services write the access log.
"""

from __future__ import annotations

import difflib
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from wegwijzer.audit.context import AccessContext
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.audit.service import access_log_write

from . import content, live, rule_edit
from .engine import RuleSet, SituationError, evaluate, validate_situation
from .engine.vignettes import expectation_failures
from .models import AdviceTally, ContentDraft, ContentPublication, ContentRelease
from .releases import content_release_get, content_release_record, write_files
from .tally import SITUATION_FIELDS, situation_data

OBJECT_TYPE = "content_draft"
MAX_TEXT = 200_000
TALLY_DAYS = 183  # "the last 6 months"
_EDITABLE = re.compile(r"^routeguide/(?:routes/[a-z0-9-]+/)?(?:rules|vignettes)/[A-Za-z0-9_.-]+\.yaml$")


class DraftError(ValueError):
    """A refused draft action; `errors` maps a field ("text", "reason", "form") to Dutch messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


class DraftConflict(DraftError):
    """Someone else saved, approved or published this draft after the version the editor started from."""


class NotAllowed(Exception):
    """Only an active content editor (`redacteur`) or policy officer (`beleid`) edits the route content."""


def may_edit(user: Any) -> bool:
    """An active content editor or policy officer (the views add the second factor). Read off the user model."""
    model = get_user_model()
    roles = {getattr(model, "ROLE_CONTENT_EDITOR", "redacteur"), getattr(model, "ROLE_POLICY", "beleid")}
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)
                and getattr(user, "role", "") in roles)


def _require_editor(user: Any) -> None:
    if not may_edit(user):
        raise NotAllowed()


# ------------------------------------------------------------------ selectors: files and the live content


def editable_files() -> list[dict[str, str]]:
    """The rule and vignette files of the live content: path, route, kind ("regels"/"vignetten")."""
    _version, files = live.live_files()
    rows = []
    for path in sorted(files):
        if _EDITABLE.match(path):
            parts = path.split("/")
            route = parts[2] if parts[1] == "routes" else content.DEFAULT_ROUTE
            rows.append({"path": path, "route": route, "kind": parts[-2]})
    return rows


def file_text(path: str) -> str:
    """The live text of an editable file; DraftError when the path is not one."""
    _version, files = live.live_files()
    if not _EDITABLE.match(path or "") or path not in files:
        raise DraftError({"path": [_("Dit bestand bestaat niet of kan hier niet bewerkt worden.")]})
    return files[path]


def open_draft(path: str) -> ContentDraft | None:
    return ContentDraft.objects.filter(path=path, status__in=ContentDraft.OPEN).first()


def content_draft_get(draft_id: int) -> ContentDraft:
    return ContentDraft.objects.select_related("author", "edited_by", "approved_by", "release").get(pk=draft_id)


def content_draft_list() -> list[ContentDraft]:
    return list(ContentDraft.objects.select_related("author", "approved_by").order_by("-updated_at", "-id")[:50])


def publication_list() -> list[ContentPublication]:
    return list(ContentPublication.objects.select_related("release").order_by("-id")[:50])


@contextmanager
def _tree(files: dict[str, str]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="wegwijzer-draft-") as tmp:
        folder = Path(tmp) / "content"
        write_files(files, folder)
        yield folder


def changes(draft: ContentDraft) -> dict[str, str]:
    """path → text of every file the draft changes: its own and the others (a vignette added beside it)."""
    return {draft.path: draft.text, **{path: item["text"] for path, item in (draft.others or {}).items()}}


def applied(draft: ContentDraft) -> dict[str, str]:
    """The live files with the draft's files replaced."""
    _version, files = live.live_files()
    return {**files, **changes(draft)}


def _in_other_draft(path: str, exclude: int | None = None) -> ContentDraft | None:
    """The open draft that changes `path` as one of its other files (one open draft per file)."""
    for draft in ContentDraft.objects.filter(status__in=ContentDraft.OPEN).exclude(others={}):
        if draft.pk != exclude and path in (draft.others or {}):
            return draft
    return None


# ------------------------------------------------------------------ checking a draft


@dataclass(frozen=True)
class Problem:
    text: str
    line: int | None  # 1-based line in the draft's file, when the problem points at one
    here: bool  # about the draft's own file


_ID_LINE = re.compile(r"^\s*-?\s*id:\s*['\"]?([A-Za-z0-9_.-]+)['\"]?\s*$")
_LINE = re.compile(r"line (\d+)|regel (\d+), kolom")


def _locate(problem: str, path: str, text: str) -> Problem:
    """Where in the draft's file a problem points: a YAML error's line, else the line of the rule or
    vignette id that the problem names (content check names them)."""
    name = path.rsplit("/", 1)[-1]
    here = name in problem
    match = _LINE.search(problem)
    if match and here:
        return Problem(problem, int(match.group(1) or match.group(2)), True)
    for number, line in enumerate(text.splitlines(), start=1):
        found = _ID_LINE.match(line)
        if found and re.search(rf"(?<![\w-]){re.escape(found.group(1))}(?![\w-])", problem):
            return Problem(problem, number, True)
    return Problem(problem, None, here)


def check_text(path: str, text: str, others: dict[str, str] | None = None) -> list[str]:
    """Every problem of the live content with `text` as the file `path` (and `others` as theirs): `content
    check`'s own lines."""
    _version, files = live.live_files()
    with _tree({**files, **(others or {}), path: text}) as folder:
        return content.check(folder)


def _other_texts(draft: ContentDraft) -> dict[str, str]:
    return {path: item["text"] for path, item in (draft.others or {}).items()}


def draft_problems(draft: ContentDraft) -> list[Problem]:
    """The stored problems, with the line in the draft's file where one can be found; own file first."""
    rows = [_locate(p, draft.path, draft.text) for p in draft.problems]
    return sorted(rows, key=lambda p: (not p.here, p.line or 0))


# ------------------------------------------------------------------ services


def _normalise(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").replace("\x00", "")
    return text if text.endswith("\n") or not text else text + "\n"


def _log(actor: Any, context: AccessContext | None, action: AccessLogEntry.Action, draft: ContentDraft,
         detail: str) -> None:
    access_log_write(context=context, user=actor, action=action, object_type=OBJECT_TYPE,
                     object_id=str(draft.pk), detail=detail)


@transaction.atomic
def content_draft_save(
    *, actor: Any, path: str, text: str, expected_version: int, context: AccessContext | None = None
) -> ContentDraft:
    """Save `text` as the open draft of `path` (created when there is none; an approval lapses). Invalid
    text is saved too, with its problems. `expected_version` is the draft version the editor started from
    (0: the live file, no draft yet); DraftConflict when the draft has moved on since."""
    _require_editor(actor)
    text = _normalise(text)
    live_text = file_text(path)
    if not text.strip():
        raise DraftError({"text": [_("De tekst is leeg; een bestand leegmaken kan niet via een concept.")]})
    if len(text) > MAX_TEXT:
        raise DraftError({"text": [_("De tekst is te lang (meer dan 200.000 tekens).")]})
    draft = ContentDraft.objects.select_for_update().filter(path=path, status__in=ContentDraft.OPEN).first()
    holder = _in_other_draft(path, exclude=draft.pk if draft else None)
    if holder is not None:
        raise DraftConflict({"form": [_(
            "Dit bestand wordt al gewijzigd in het concept van %(path)s; bewerk het daar of wacht tot dat is afgehandeld."
        ) % {"path": holder.path}]})
    current = draft.version if draft is not None else 0
    if current != expected_version:
        raise DraftConflict({"form": [_(
            "Iemand anders heeft dit bestand intussen opgeslagen (versie %(now)d; u begon bij versie %(yours)d). "
            "Uw tekst is niet opgeslagen: open het concept opnieuw en breng uw wijziging daarin aan."
        ) % {"now": current, "yours": expected_version}]})
    problems = check_text(path, text, _other_texts(draft) if draft is not None else None)
    now = timezone.now()
    if draft is None:
        version, _files = live.live_files()
        draft = ContentDraft.objects.create(
            path=path, base_version=version, base_text=live_text, text=text, problems=problems,
            author=actor, edited_by=actor, created_at=now, updated_at=now,
        )
        action = AccessLogEntry.Action.CREATE
    else:
        draft.text, draft.problems, draft.edited_by, draft.updated_at = text, problems, actor, now
        draft.version += 1
        draft.status, draft.approved_by, draft.approved_at = ContentDraft.Status.DRAFT, None, None
        draft.save()
        action = AccessLogEntry.Action.UPDATE
    _log(actor, context, action, draft, f"path={path} version={draft.version} problems={len(problems)}")
    return draft


def _locked(draft_id: int, expected_version: int) -> ContentDraft:
    draft = ContentDraft.objects.select_for_update().filter(pk=draft_id).first()
    if draft is None:
        raise DraftError({"form": [_("Dit concept bestaat niet.")]})
    if draft.version != expected_version:
        raise DraftConflict({"form": [_(
            "Dit concept is intussen gewijzigd (nu versie %(now)d). Bekijk het opnieuw voordat u verdergaat."
        ) % {"now": draft.version}]})
    return draft


@transaction.atomic
def content_draft_approve(
    *, actor: Any, draft_id: int, expected_version: int, context: AccessContext | None = None
) -> ContentDraft:
    """A second editor approves: not the author nor the last editor; only a draft without problems (checked
    again now, against the live content of this moment)."""
    _require_editor(actor)
    draft = _locked(draft_id, expected_version)
    if draft.status != ContentDraft.Status.DRAFT:
        raise DraftError({"form": [_("Alleen een concept kan worden goedgekeurd (dit is: %(s)s).")
                                   % {"s": draft.get_status_display()}]})
    if actor.pk in (draft.author_id, draft.edited_by_id):
        raise DraftError({"form": [_("U hebt dit concept zelf geschreven of bewerkt; een collega moet het goedkeuren.")]})
    draft.problems = check_text(draft.path, draft.text, _other_texts(draft))
    if draft.problems:
        raise DraftError({"form": [_("Dit concept heeft %(n)d probleem/problemen en kan niet worden goedgekeurd.")
                                   % {"n": len(draft.problems)}]})
    draft.status, draft.approved_by, draft.approved_at = ContentDraft.Status.APPROVED, actor, timezone.now()
    draft.version += 1
    draft.save()
    _log(actor, context, AccessLogEntry.Action.UPDATE, draft, f"approved version={draft.version}")
    return draft


@transaction.atomic
def content_draft_reject(
    *, actor: Any, draft_id: int, expected_version: int, context: AccessContext | None = None
) -> ContentDraft:
    _require_editor(actor)
    draft = _locked(draft_id, expected_version)
    if draft.status not in ContentDraft.OPEN:
        raise DraftError({"form": [_("Dit concept is al afgehandeld.")]})
    draft.status = ContentDraft.Status.REJECTED
    draft.version += 1
    draft.save()
    _log(actor, context, AccessLogEntry.Action.UPDATE, draft, f"rejected version={draft.version}")
    return draft


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise DraftError({"reason": [_("Geef een reden van minstens 5 tekens: waarom deze publicatie?")]})
    return reason


def files_diff(old: dict[str, str], new: dict[str, str]) -> str:
    """A unified diff of every file that differs (added, removed or changed)."""
    out: list[str] = []
    for path in sorted(set(old) | set(new)):
        if old.get(path) != new.get(path):
            out += difflib.unified_diff(
                (old.get(path) or "").splitlines(keepends=True), (new.get(path) or "").splitlines(keepends=True),
                fromfile=f"a/{path}", tofile=f"b/{path}",
            )
    return "".join(out)


def _record(actor: Any, files: dict[str, str], reason: str) -> ContentRelease:
    with _tree(files) as folder:
        release, _created = content_release_record(actor=actor, reason=reason, root=folder)
    return release


def _baseline(actor: Any) -> str:
    """The live version, recording the content folder as a release the first time something is published
    (so an advice given before it can still be replayed)."""
    version, files = live.live_files()
    if not ContentPublication.objects.exists() and not ContentRelease.objects.filter(content_version=version).exists():
        _record(actor, files, _("Uitgangspunt: de inhoudsmap vóór de eerste publicatie in de browser."))
    return version


def _make_live(*, actor: Any, release: ContentRelease, previous: str, kind: str, reason: str, diff: str,
               draft: ContentDraft | None = None, context: AccessContext | None = None) -> ContentPublication:
    publication = ContentPublication.objects.create(
        release=release, previous_version=previous, kind=kind, reason=reason, diff=diff,
        created_by=actor.get_username(), draft_id_ref=draft.pk if draft else None,
        approved_by=draft.approved_by.get_username() if draft and draft.approved_by else "",
    )
    access_log_write(context=context, user=actor, action=AccessLogEntry.Action.CREATE,
                     object_type="content_publication", object_id=release.content_version,
                     detail=f"{kind} from={previous}")
    transaction.on_commit(live.changed)  # this process at once; other workers on their next check
    return publication


@transaction.atomic
def content_draft_publish(
    *, actor: Any, draft_id: int, expected_version: int, reason: str, context: AccessContext | None = None
) -> ContentPublication:
    """Make an approved draft the live content: a ContentRelease of the live files with the draft applied,
    and a ContentPublication naming it; all or nothing. Refused when the file changed live since the draft
    began, or when the whole content with the draft no longer checks clean."""
    _require_editor(actor)
    reason = _reason(reason)
    draft = _locked(draft_id, expected_version)
    if draft.status != ContentDraft.Status.APPROVED:
        raise DraftError({"form": [_("Alleen een goedgekeurd concept kan worden gepubliceerd.")]})
    ContentPublication.objects.select_for_update().order_by("-id").first()  # publishers queue here (PostgreSQL)
    previous = _baseline(actor)
    _version, files = live.live_files()
    bases = {draft.path: draft.base_text, **{p: item["base"] for p, item in (draft.others or {}).items()}}
    if any(files.get(p) != base for p, base in bases.items()):
        raise DraftConflict({"form": [_(
            "Dit bestand is gewijzigd gepubliceerd sinds dit concept begon; neem die wijziging over in een nieuw concept."
        )]})
    new_files = {**files, **changes(draft)}
    problems = check_text(draft.path, draft.text, _other_texts(draft))
    if problems:
        raise DraftError({"form": [_("De inhoud met dit concept is niet meer in orde (%(n)d problemen); niet gepubliceerd.")
                                   % {"n": len(problems)}]})
    release = _record(actor, new_files, reason)
    draft.status, draft.release = ContentDraft.Status.PUBLISHED, release
    draft.version += 1
    draft.save()
    _log(actor, context, AccessLogEntry.Action.UPDATE, draft, f"published release={release.content_version}")
    return _make_live(actor=actor, release=release, previous=previous, kind=ContentPublication.Kind.PUBLISH,
                      reason=reason, diff=files_diff(files, new_files), draft=draft, context=context)


@transaction.atomic
def content_release_rollback(
    *, actor: Any, version: str, reason: str, context: AccessContext | None = None
) -> ContentPublication:
    """Make an earlier release live again, as a new entry in the publishing history (nothing is removed)."""
    _require_editor(actor)
    reason = _reason(reason)
    release = content_release_get(version)
    ContentPublication.objects.select_for_update().order_by("-id").first()
    previous = _baseline(actor)
    if release.content_version == previous:
        raise DraftError({"form": [_("Deze release is al de live inhoud.")]})
    _version, files = live.live_files()
    return _make_live(actor=actor, release=release, previous=previous, kind=ContentPublication.Kind.ROLLBACK,
                      reason=reason, diff=files_diff(files, release.files), context=context)


# ------------------------------------------------------------------ one rule in a form, a vignette added


@dataclass(frozen=True)
class EditableRule:
    path: str
    index: int
    rule: dict[str, Any]
    route: str
    draft: ContentDraft | None  # the open draft of the rule's file, whose text the form starts from

    @property
    def version(self) -> int:
        return self.draft.version if self.draft is not None else 0


def _current_texts() -> dict[str, str]:
    """The rule files as an editor sees them now: an open draft's text, else the live text."""
    _version, files = live.live_files()
    texts = {path: files[path] for path in files if _EDITABLE.match(path) and "/rules/" in path}
    for draft in ContentDraft.objects.filter(status__in=ContentDraft.OPEN, path__in=list(texts)):
        texts[draft.path] = draft.text
    return texts


def rule_get(rule_id: str) -> EditableRule:
    """The rule with this id, from its file's open draft or the live content; DraftError when there is none."""
    found = rule_edit.find_rule(_current_texts(), rule_id or "")
    if found is None:
        raise DraftError({"rule": [_("Deze regel bestaat niet (of het bestand is nu geen geldige YAML).")]})
    return EditableRule(found.path, found.index, found.rule, route_of(found.path), open_draft(found.path))


def rule_list() -> list[dict[str, Any]]:
    """Per route, the rules of its files (id, description, file) as an editor sees them now, in file order."""
    rows: list[dict[str, Any]] = []
    for path, text in sorted(_current_texts().items()):
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError:
            continue
        for rule in (data.get("rules") or []) if isinstance(data, dict) else []:
            if isinstance(rule, dict) and rule.get("id"):
                rows.append({"id": rule["id"], "description": str(rule.get("description", "")), "path": path,
                             "route": route_of(path)})
    return rows


def content_rule_save(
    *, actor: Any, rule_id: str, rule: dict[str, Any], expected_version: int, context: AccessContext | None = None
) -> ContentDraft:
    """Save one rule edited in the form: a draft of its file with only that rule changed (rule_edit keeps the
    rest of the text), checked and guarded against a concurrent save exactly like content_draft_save."""
    _require_editor(actor)
    current = rule_get(rule_id)
    if current.version != expected_version:  # the file moved on since the form was opened
        raise DraftConflict({"form": [_(
            "Iemand anders heeft dit bestand intussen opgeslagen (versie %(now)d; u begon bij versie %(yours)d). "
            "Uw wijziging is niet opgeslagen: open de regel opnieuw en breng uw wijziging daarin aan."
        ) % {"now": current.version, "yours": expected_version}]})
    if rule.get("id") != rule_id:
        raise DraftError({"form": [_("Het id van een regel verandert niet in het formulier; een nieuwe betekenis krijgt een nieuwe regel.")]})
    if rule == current.rule:
        raise DraftError({"form": [_("Er is niets gewijzigd aan deze regel; er is geen concept opgeslagen.")]})
    text = current.draft.text if current.draft is not None else file_text(current.path)
    new_text = rule_edit.replace_rule(text, current.index, rule)
    return content_draft_save(actor=actor, path=current.path, text=new_text, expected_version=expected_version,
                              context=context)


def vignette_files(route: str) -> list[str]:
    """The vignette files of a route in the live content."""
    return [row["path"] for row in editable_files() if row["kind"] == "vignettes" and row["route"] == route]


def _vignette_block(vignette: dict[str, Any]) -> str:
    text = yaml.safe_dump([vignette], allow_unicode=True, sort_keys=False, width=110, default_flow_style=None)
    return "\n" + text


@transaction.atomic
def content_draft_vignette_add(
    *, actor: Any, draft_id: int, expected_version: int, path: str, vignette: dict[str, Any],
    context: AccessContext | None = None,
) -> ContentDraft:
    """Add a vignette to a vignette file of the draft's route, as part of the draft (the case that prompted the
    change is checked, approved and published with it). The file's text is kept; the vignette is appended."""
    _require_editor(actor)
    draft = _locked(draft_id, expected_version)
    if draft.status not in ContentDraft.OPEN:
        raise DraftError({"form": [_("Dit concept is al afgehandeld.")]})
    if path not in vignette_files(route_of(draft.path)):
        raise DraftError({"path": [_("Kies een vignetbestand van de route van dit concept.")]})
    holder = open_draft(path) if path != draft.path else None
    holder = holder or _in_other_draft(path, exclude=draft.pk)
    if holder is not None:
        raise DraftConflict({"path": [_("Dit vignetbestand heeft al een eigen open concept; voeg het vignet daar toe.")]})
    others = dict(draft.others or {})
    base = draft.text if path == draft.path else others[path]["text"] if path in others else file_text(path)
    if any(item.get("id") == vignette.get("id") for item in _vignette_items(applied(draft))):
        raise DraftError({"vignette_id": [_("Er is al een vignet met dit id; kies een ander.")]})
    text = _normalise(base) + _vignette_block(vignette)
    if path == draft.path:
        draft.text = text
    else:
        others[path] = {"base": others[path]["base"] if path in others else file_text(path), "text": text}
        draft.others = others
    draft.problems = check_text(draft.path, draft.text, _other_texts(draft))
    draft.edited_by, draft.updated_at = actor, timezone.now()
    draft.version += 1
    draft.status, draft.approved_by, draft.approved_at = ContentDraft.Status.DRAFT, None, None
    draft.save()
    _log(actor, context, AccessLogEntry.Action.UPDATE, draft,
         f"vignette={vignette.get('id')} path={path} version={draft.version} problems={len(draft.problems)}")
    return draft


def _vignette_items(files: dict[str, str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path, text in files.items():
        if "/vignettes/" in path and path.endswith(".yaml"):
            try:
                data = yaml.safe_load(text)
            except yaml.YAMLError:
                continue
            out += [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []
    return out


# ------------------------------------------------------------------ the effect of a draft


def route_of(path: str) -> str:
    parts = path.split("/")
    return parts[2] if len(parts) > 2 and parts[1] == "routes" else content.DEFAULT_ROUTE


def _outcome(advice: Any) -> dict[str, tuple[str, ...]]:
    return {"first": tuple(advice.involve[:1]), "laws": tuple(advice.laws), "warnings": tuple(advice.warnings)}


def _labels(rules: RuleSet, kind: str, codes: tuple[str, ...]) -> list[str]:
    return [rules.vocabulary.label(kind, code) for code in codes]


def _vignettes(folder: Path, route: str, rules: RuleSet) -> dict[str, dict[str, Any]]:
    found, _problems = content._vignettes(rules.vocabulary, content.route(route, folder).vignettes)
    return dict(found)


def draft_effect(draft: ContentDraft) -> dict[str, Any] | None:
    """Which vignettes of the draft's route change outcome (first contact, laws, warnings; old and new in
    Dutch) and how many advised situations of the last 6 months would get a different one. None when the
    draft's content does not load (its problems say why)."""
    route = route_of(draft.path)
    _version, files = live.live_files()
    try:
        with _tree(files) as old_folder:
            old = content.route_ruleset(route, old_folder)
            old_vignettes = _vignettes(old_folder, route, old)
        with _tree(applied(draft)) as new_folder:
            new = content.route_ruleset(route, new_folder)
            new_vignettes = _vignettes(new_folder, route, new)
    except (content.RuleSetError, content.VocabularyError, content.RouteError):
        return None
    rows = []
    for label, item in new_vignettes.items():
        try:
            situation = validate_situation(item["situation"], new.vocabulary)
        except SituationError:
            continue
        before, after = evaluate(situation, old), evaluate(situation, new)
        a, b = _outcome(before), _outcome(after)
        added = label not in old_vignettes
        if a == b and not added:
            continue
        rows.append({
            "label": label, "story": item.get("story", ""), "added": added,
            "before": {k: _labels(old, kind, a[k]) for k, kind in (("first", "roles"), ("laws", "laws"),
                                                                    ("warnings", "warnings"))},
            "after": {k: _labels(new, kind, b[k]) for k, kind in (("first", "roles"), ("laws", "laws"),
                                                                   ("warnings", "warnings"))},
            "failures": expectation_failures(after, item.get("expect"), situation.acting_role),
        })
    return {"route": route, "vignettes": rows, "vignette_count": len(new_vignettes),
            "tally": tally_effect(old, new, route=route)}


def tally_effect(old: RuleSet, new: RuleSet, *, route: str, days: int = TALLY_DAYS) -> dict[str, int]:
    """Advised situations of this route in the last `days` days (the anonymous tally) that would now get a
    different first contact, law or warning: identical situations grouped in one GROUP BY, the engine run once
    per group with the old and the new rules, weighted by the group's count. `other`: situations of another
    route, or that no longer validate against this route's vocabulary."""
    since = timezone.localdate() - timedelta(days=days)
    groups = (AdviceTally.objects.filter(date__gte=since)
              .values(*SITUATION_FIELDS).annotate(n=Count("id")).order_by())
    out = {"total": 0, "other": 0, "changed": 0, "first": 0, "laws": 0, "warnings": 0, "groups": 0}
    for group in groups:
        n = group["n"]
        out["total"] += n
        if group["route"] != route:
            out["other"] += n
            continue
        try:
            situation = validate_situation(situation_data(group), new.vocabulary)
        except SituationError:
            out["other"] += n
            continue
        out["groups"] += 1
        a, b = _outcome(evaluate(situation, old)), _outcome(evaluate(situation, new))
        if a != b:
            out["changed"] += n
            for key in ("first", "laws", "warnings"):
                if a[key] != b[key]:
                    out[key] += n
    return out


def live_summary() -> dict[str, Any]:
    version, _files = live.live_files()
    latest = ContentPublication.objects.select_related("release").order_by("-id").first()
    return {"version": version, "publication": latest}

