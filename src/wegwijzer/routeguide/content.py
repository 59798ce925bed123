"""The route guide's content: rule files, schema, vocabulary and vignettes under settings.CONTENT_DIR.

Used by `wegwijzer content check|diff` and by the service (which caches the loaded rule set).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from wegwijzer.core.vocabulary import vocabulary

from .engine import (
    RuleSet,
    RuleSetError,
    SituationError,
    Vocabulary,
    VocabularyError,
    evaluate,
    invariant_violations,
    load_ruleset,
    validate_situation,
)
from .engine.sources import Sources, SourcesError, load_sources
from .engine.vignettes import expectation_failures, format_problems, load_vignette_files


@dataclass(frozen=True)
class Paths:
    content: Path

    @property
    def vocabulary(self) -> Path:
        return self.content / "vocabulary.yaml"

    @property
    def rules(self) -> Path:
        return self.content / "routeguide" / "rules"

    @property
    def schema(self) -> Path:
        return self.content / "routeguide" / "schema" / "rules.schema.json"

    @property
    def vignettes(self) -> Path:
        return self.content / "routeguide" / "vignettes"

    @property
    def sources(self) -> Path:
        return self.content / "sources.yaml"


def paths() -> Paths:
    return Paths(Path(settings.CONTENT_DIR))


def load_vocab() -> Vocabulary:
    """The content folder's vocabulary: the one cached instance (wegwijzer.core.vocabulary)."""
    return vocabulary()  # type: ignore[return-value]  # the engine's Vocabulary, registered by RoutesConfig


def load_source_list(path: Path | None = None) -> Sources:
    """content/sources.yaml, read and validated (RuleSetError naming each problem). Uncached: the service
    keeps the one cached instance (service.sources())."""
    try:
        return load_sources(path or paths().sources)
    except SourcesError as exc:
        raise RuleSetError([f"bronnen: {p}" for p in exc.problems]) from exc


def load_rules(
    rules_dir: Path | None = None, vocab: Vocabulary | None = None, sources: Sources | None = None
) -> RuleSet:
    """The rules of `rules_dir` (default: the content folder's), every `source` checked against the sources
    list, with the notices (contradictions, silences) of the folder next to it."""
    p = paths()
    vocab = vocab or load_vocab()
    rules_dir = Path(rules_dir) if rules_dir else p.rules
    schema = _schema_for(rules_dir) or p.schema
    sources = sources or load_source_list()
    # the notices next to these rules (a whole content copy), else the content folder's (a bare rules copy)
    notices = rules_dir.parent / "notices.yaml"
    if not notices.is_file():
        notices = p.rules.parent / "notices.yaml"
    return load_ruleset(rules_dir, vocab, schema, sources=sources, notices_path=notices)


def _schema_for(rules_dir: Path) -> Path | None:
    candidate = rules_dir.parent / "schema" / "rules.schema.json"
    return candidate if candidate.is_file() else None


def _resolve_rules_dir(directory: Path) -> Path:
    """Accept a rules directory itself, a `routes/` directory or a whole content directory."""
    directory = Path(directory)
    for candidate in (directory / "routeguide" / "rules", directory / "rules"):
        if candidate.is_dir():
            return candidate
    return directory


def _vignettes(vocab: Vocabulary) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    """(file:id, vignette) pairs and format problems."""
    problems: list[str] = []
    out: list[tuple[str, dict[str, Any]]] = []
    try:
        files = load_vignette_files(paths().vignettes)
    except ValueError as exc:
        return [], [f"vignetten: {exc}"]
    seen: set[str] = set()
    for name, items in files:
        for i, item in enumerate(items):
            vid = item.get("id", f"#{i}") if isinstance(item, dict) else f"#{i}"
            label = f"vignet {name}:{vid}"
            for problem in format_problems(item, vocab):
                problems.append(f"{label}: {problem}")
            if vid in seen:
                problems.append(f"{label}: id komt vaker voor")
            seen.add(vid)
            if isinstance(item, dict) and "situation" in item:
                out.append((f"{name}:{vid}", item))
    return out, problems


def _run_vignette(label: str, item: dict[str, Any], ruleset: RuleSet) -> list[str]:
    try:
        situation = validate_situation(item["situation"], ruleset.vocabulary)
    except SituationError as exc:
        return [f"vignet {label}: ongeldige situatie: {exc}"]
    advice = evaluate(situation, ruleset)
    problems = [f"vignet {label}: {f}" for f in expectation_failures(advice, item.get("expect"), situation.acting_role)]
    problems += [f"vignet {label}: invariant: {p}" for p in invariant_violations(situation, advice)]
    if evaluate(situation, ruleset) != advice:
        problems.append(f"vignet {label}: niet deterministisch")
    raw = evaluate(situation, ruleset, guards=False)
    for p in invariant_violations(situation, raw):
        problems.append(f"vignet {label}: de regels zelf schenden een invariant (een bewaking greep in): {p}")
    return problems


def check() -> list[str]:
    """Every problem in the route content: vocabulary, rule files, vignettes; [] when all is well."""
    try:
        vocab = load_vocab()
    except VocabularyError as exc:
        return [f"vocabulary: {exc}"]
    try:
        ruleset = load_rules(vocab=vocab)
    except RuleSetError as exc:
        return [f"regels: {p}" for p in exc.problems]
    vignettes, problems = _vignettes(vocab)
    if not vignettes:
        problems.append(f"geen vignetten gevonden in {paths().vignettes}")
    for label, item in vignettes:
        problems += _run_vignette(label, item, ruleset)
    return problems


def summary() -> str:
    vocab = load_vocab()
    ruleset = load_rules(vocab=vocab)
    vignettes, _ = _vignettes(vocab)
    return (
        f"{len(ruleset.rules)} routeregels in {len(ruleset.files)} bestanden, "
        f"{len(vignettes)} vignetten, content_version {ruleset.content_version}."
    )


def _outcome(advice: Any) -> dict[str, tuple[str, ...]]:
    return {
        "involve": advice.involve,
        "interventions": advice.interventions,
        "laws": advice.laws,
        "warnings": advice.warnings,
        "steps": tuple(f"{s.actor}: {s.text}" for s in advice.steps),
        "guards": advice.guards,
    }


def diff(old_dir: Path, new_dir: Path) -> tuple[int, str]:
    """Which vignettes change outcome between two rule directories; (number changed, readable report)."""
    vocab = load_vocab()
    lines: list[str] = []
    try:
        old = load_rules(_resolve_rules_dir(old_dir), vocab)
        new = load_rules(_resolve_rules_dir(new_dir), vocab)
    except RuleSetError as exc:
        return 1, "Regels ongeldig:\n" + "\n".join(f"  {p}" for p in exc.problems)
    vignettes, problems = _vignettes(vocab)
    lines.append(f"Oud: {_resolve_rules_dir(old_dir)} ({len(old.rules)} regels, content_version {old.content_version})")
    lines.append(f"Nieuw: {_resolve_rules_dir(new_dir)} ({len(new.rules)} regels, content_version {new.content_version})")
    old_ids = {r.id for r in old.rules}
    new_ids = {r.id for r in new.rules}
    for rid in sorted(new_ids - old_ids):
        lines.append(f"  + regel {rid}")
    for rid in sorted(old_ids - new_ids):
        lines.append(f"  - regel {rid}")
    for rid in sorted(old_ids & new_ids):
        ra, rb = old.by_id(rid), new.by_id(rid)
        if ra and rb and (ra.when, ra.adds, ra.steps, ra.excludes, ra.priority, ra.reason, ra.source) != (
            rb.when, rb.adds, rb.steps, rb.excludes, rb.priority, rb.reason, rb.source
        ):
            lines.append(f"  ~ regel {rid} gewijzigd")
    lines.append("")
    changed = 0
    for label, item in vignettes:
        try:
            situation = validate_situation(item["situation"], vocab)
        except SituationError:
            continue
        before, after = evaluate(situation, old), evaluate(situation, new)
        a, b = _outcome(before), _outcome(after)
        verdict_before = expectation_failures(before, item.get("expect"), situation.acting_role)
        verdict_after = expectation_failures(after, item.get("expect"), situation.acting_role)
        if a == b and bool(verdict_before) == bool(verdict_after):
            continue
        changed += 1
        status = (
            f"{'slaagt' if not verdict_before else 'faalt'} → {'slaagt' if not verdict_after else 'faalt'}"
        )
        lines.append(f"Vignet {label} ({status}): {item.get('story', '')}".rstrip())
        for kind in ("involve", "interventions", "laws", "warnings"):
            if a[kind] != b[kind]:
                added = [c for c in b[kind] if c not in a[kind]]
                removed = [c for c in a[kind] if c not in b[kind]]
                detail = []
                if added:
                    detail.append("+" + ", +".join(added))
                if removed:
                    detail.append("-" + ", -".join(removed))
                if not added and not removed:
                    detail.append("volgorde: " + " > ".join(b[kind]))
                lines.append(f"  {kind}: {'; '.join(detail)}")
        if a["involve"][:1] != b["involve"][:1]:
            lines.append(f"  eerste contact: {a['involve'][:1] or '-'} → {b['involve'][:1] or '-'}")
        if a["steps"] != b["steps"]:
            lines.append("  stappen gewijzigd")
        if b["guards"]:
            lines.append(
                f"  bewaking greep in ({', '.join(b['guards'])}): de nieuwe regels schenden zelf een invariant"
            )
        for failure in verdict_after:
            lines.append(f"  verwachting niet gehaald: {failure}")
    lines.append("")
    lines.append(f"{changed} van {len(vignettes)} vignetten veranderen van uitkomst.")
    if problems:
        lines.append("Let op, vignetproblemen: " + "; ".join(problems))
    return changed, "\n".join(lines)
