"""The route guide's content: rule files, schema, vocabulary and vignettes under settings.CONTENT_DIR.

Used by `wegwijzer content check|diff` and by the service (which caches the loaded rule set).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
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
from .engine.vocabulary import extend_vocabulary, load_vocabulary

DEFAULT_ROUTE = "eerste-1000-dagen"
ROUTE_FILE = "route.yaml"


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


def paths(root: Path | None = None) -> Paths:
    return Paths(Path(root) if root is not None else Path(settings.CONTENT_DIR))


# ------------------------------------------------------------------ routes


class RouteError(ValueError):
    """An unknown route code (the situation's `route`)."""


@dataclass(frozen=True)
class Route:
    """One route of the route guide: a folder with rules/, vignettes/, notices.yaml, route.yaml and optionally
    its own vocabulary additions (vocabulary.yaml) and wizard help texts (help.yaml). The first-1000-days
    route is content/routeguide itself; every other route is a folder under content/routeguide/routes/."""

    id: str
    title: str
    description: str
    source: str
    folder: Path

    @property
    def rules(self) -> Path:
        return self.folder / "rules"

    @property
    def vignettes(self) -> Path:
        return self.folder / "vignettes"

    @property
    def notices(self) -> Path:
        return self.folder / "notices.yaml"

    @property
    def vocabulary(self) -> Path:
        return self.folder / "vocabulary.yaml"

    @property
    def help(self) -> Path:
        return self.folder / "help.yaml"


def _read_route(folder: Path, default_id: str) -> Route:
    path = folder / ROUTE_FILE
    data: Any = {}
    if path.is_file():
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise RuleSetError([f"{path}: geen geldige YAML: {exc}"]) from exc
    if not isinstance(data, dict):
        raise RuleSetError([f"{path}: verwacht id, title, description en source"])
    return Route(
        id=str(data.get("id") or default_id),
        title=str(data.get("title") or default_id),
        description=" ".join(str(data.get("description") or "").split()),
        source=str(data.get("source") or ""),
        folder=folder,
    )


def routes(root: Path | None = None) -> tuple[Route, ...]:
    """Every route of the content folder: the default (first-1000-days) route first, then routes/<id>/ by name."""
    base = paths(root).content / "routeguide"
    found = [_read_route(base, DEFAULT_ROUTE)]
    extra = base / "routes"
    if extra.is_dir():
        found += [_read_route(d, d.name) for d in sorted(extra.iterdir()) if (d / ROUTE_FILE).is_file()]
    return tuple(found)


def route(route_id: str | None, root: Path | None = None) -> Route:
    """The route with this code (None: the default route); RouteError naming the codes when unknown."""
    wanted = route_id or DEFAULT_ROUTE
    known = routes(root)
    for item in known:
        if item.id == wanted:
            return item
    raise RouteError(f"Onbekende route '{wanted}'. Kies uit: {', '.join(r.id for r in known)}.")


def route_vocab(item: Route, base: Vocabulary) -> Vocabulary:
    """The route's vocabulary: the product's, with the route's own additions when it has them."""
    if not item.vocabulary.is_file():
        return base
    try:
        return extend_vocabulary(base, item.vocabulary.read_text(encoding="utf-8"), f"{item.id}/vocabulary.yaml")
    except OSError as exc:
        raise VocabularyError(f"{item.vocabulary}: {exc}") from exc


def route_ruleset(route_id: str | None = None, root: Path | None = None) -> RuleSet:
    """The rule set of one route, every check of a load included. With `root`, from that content folder (an
    exported release) instead of settings.CONTENT_DIR, read afresh."""
    p = paths(root)
    item = route(route_id, root)
    base = load_vocab() if root is None else load_vocabulary(p.vocabulary)
    vocab = route_vocab(item, base)
    sources = load_source_list(p.sources)
    schema = _schema_for(item.rules) or p.schema
    return load_ruleset(item.rules, vocab, schema, sources=sources, notices_path=item.notices)


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


def _vignettes(
    vocab: Vocabulary, directory: Path | None = None
) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    """(file:id, vignette) pairs and format problems of one route's vignettes (default: the default route's)."""
    problems: list[str] = []
    out: list[tuple[str, dict[str, Any]]] = []
    directory = directory or paths().vignettes
    try:
        files = load_vignette_files(directory)
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


def check(root: Path | None = None) -> list[str]:
    """Every problem in the route content: vocabulary, every route's rule files and vignettes; [] when all is
    well. The default route's lines read as before; another route's start with "route <id>: ". With `root`,
    of that content folder (a draft applied to the live content) instead of settings.CONTENT_DIR."""
    try:
        vocab = load_vocab() if root is None else load_vocabulary(paths(root).vocabulary)
    except VocabularyError as exc:
        return [f"vocabulary: {exc}"]
    try:
        known = routes(root)
    except RuleSetError as exc:
        return [f"routes: {p}" for p in exc.problems]
    problems: list[str] = []
    owner: dict[str, str] = {}  # rule id -> route: a reason's rule id names one rule in the whole product
    for item in known:
        prefix = "" if item.id == DEFAULT_ROUTE else f"route {item.id}: "
        if [r.id for r in known].count(item.id) > 1:
            problems.append(f"{prefix}route-id komt vaker voor")
        try:
            rvocab = route_vocab(item, vocab)
            ruleset = route_ruleset(item.id, root)
        except VocabularyError as exc:
            problems.append(f"{prefix}vocabulary: {exc}")
            continue
        except RuleSetError as exc:
            problems += [f"{prefix}regels: {p}" for p in exc.problems]
            continue
        for rule in ruleset.rules:
            if owner.setdefault(rule.id, item.id) != item.id:
                problems.append(f"{prefix}regel {rule.id} bestaat ook in route {owner[rule.id]}")
        vignettes, vproblems = _vignettes(rvocab, item.vignettes)
        problems += [f"{prefix}{p}" for p in vproblems]
        if not vignettes:
            problems.append(f"{prefix}geen vignetten gevonden in {item.vignettes}")
        for label, vignette in vignettes:
            problems += [f"{prefix}{p}" for p in _run_vignette(label, vignette, ruleset)]
    return problems


def summary() -> str:
    vocab = load_vocab()
    parts = []
    for item in routes():
        ruleset = route_ruleset(item.id)
        vignettes, _ = _vignettes(route_vocab(item, vocab), item.vignettes)
        parts.append(
            f"{len(ruleset.rules)} routeregels in {len(ruleset.files)} bestanden, "
            f"{len(vignettes)} vignetten, content_version {ruleset.content_version}"
            + ("" if item.id == DEFAULT_ROUTE else f" (route {item.id})")
        )
    return "; ".join(parts) + "."


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
