"""The source documents and their sections (content/sources.yaml): what a rule's `source` may name.

A rule's `source` is "<document prefix> <section title>", several joined by "; "; a later part without a
prefix belongs to the document of the part before it ("Wegwijzer §2, Uitgangspunten; §4, Welke …").
Pure Python: no Django import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class SourcesError(ValueError):
    """content/sources.yaml is invalid. `problems`: one Dutch line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, slots=True)
class Section:
    document: str  # document id
    id: str
    title: str  # as a rule cites it after the document prefix, e.g. "§3, Tijdens de zwangerschap"
    url: str = ""

    @property
    def label(self) -> str:
        return self.title

    def to_dict(self, prefix: str) -> dict[str, str]:
        return {"document": self.document, "section": self.id, "title": f"{prefix} {self.title}", "url": self.url}


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    prefix: str
    title: str
    file: str
    url: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Sources:
    documents: tuple[Document, ...]
    # resolve() per source text, filled on first use: the engine asks for the same few texts every advice
    _memo: dict[str, tuple[tuple[dict[str, str], ...], tuple[str, ...]]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def cite(self, source: str) -> tuple[dict[str, str], ...]:
        """The listed sections `source` names (unknown parts left out), memoised."""
        found = self._memo.get(source)
        if found is None:
            sections, unknown = self.resolve(source)
            found = (tuple(sections), tuple(unknown))
            self._memo[source] = found
        return found[0]

    def _prefixes(self) -> dict[str, Document]:
        return {d.prefix: d for d in self.documents}

    def resolve(self, source: str) -> tuple[list[dict[str, str]], list[str]]:
        """(the sections a `source` text names, as dicts; the parts naming no listed section)."""
        found: list[dict[str, str]] = []
        unknown: list[str] = []
        prefixes = self._prefixes()
        current: Document | None = None
        for raw in source.split(";"):
            part = raw.strip()
            if not part:
                continue
            rest = part
            for prefix, document in prefixes.items():
                if part.startswith(prefix + " "):
                    current, rest = document, part[len(prefix) + 1 :].strip()
                    break
            section = next((s for s in current.sections if s.title == rest), None) if current else None
            if section is None or current is None:
                unknown.append(part)
            else:
                found.append(section.to_dict(current.prefix))
        return found, unknown


def _text(item: dict[str, Any], key: str, where: str, problems: list[str], *, required: bool = True) -> str:
    value = item.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(f"{where}: '{key}' moet een niet-lege tekst zijn")
        return ""
    return value.strip()


def parse_sources(data: Any, name: str = "sources.yaml") -> Sources:
    """Validate and build the sources; SourcesError lists every problem."""
    problems: list[str] = []
    documents: list[Document] = []
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list) or not data["documents"]:
        raise SourcesError([f"{name}: verwacht 'documents' met minstens één brondocument"])
    seen_docs: set[str] = set()
    seen_prefix: set[str] = set()
    for i, doc in enumerate(data["documents"]):
        where = f"{name}: documents[{i}]"
        if not isinstance(doc, dict):
            problems.append(f"{where}: verwacht een document (id, prefix, title, sections)")
            continue
        extra = set(doc) - {"id", "prefix", "title", "file", "url", "sections"}
        if extra:
            problems.append(f"{where}: onbekende velden: {', '.join(sorted(map(str, extra)))}")
        did = _text(doc, "id", where, problems)
        prefix = _text(doc, "prefix", where, problems)
        title = _text(doc, "title", where, problems)
        file = _text(doc, "file", where, problems, required=False)
        url = _text(doc, "url", where, problems, required=False)
        if did in seen_docs:
            problems.append(f"{where}: document-id '{did}' komt vaker voor")
        if prefix in seen_prefix:
            problems.append(f"{where}: prefix '{prefix}' komt vaker voor")
        seen_docs.add(did)
        seen_prefix.add(prefix)
        sections: list[Section] = []
        seen_ids: set[str] = set()
        seen_titles: set[str] = set()
        raw_sections = doc.get("sections")
        if not isinstance(raw_sections, list) or not raw_sections:
            problems.append(f"{where}: verwacht 'sections' met minstens één paragraaf")
            raw_sections = []
        for j, sec in enumerate(raw_sections):
            swhere = f"{where}.sections[{j}]"
            if not isinstance(sec, dict):
                problems.append(f"{swhere}: verwacht een paragraaf (id, title, url)")
                continue
            extra = set(sec) - {"id", "title", "url"}
            if extra:
                problems.append(f"{swhere}: onbekende velden: {', '.join(sorted(map(str, extra)))}")
            sid = _text(sec, "id", swhere, problems)
            stitle = _text(sec, "title", swhere, problems)
            surl = _text(sec, "url", swhere, problems, required=False)
            if surl and not surl.startswith("https://"):
                problems.append(f"{swhere}: url moet met https:// beginnen")
            if sid in seen_ids:
                problems.append(f"{swhere}: paragraaf-id '{sid}' komt vaker voor")
            if stitle in seen_titles:
                problems.append(f"{swhere}: paragraaftitel '{stitle}' komt vaker voor")
            seen_ids.add(sid)
            seen_titles.add(stitle)
            sections.append(Section(document=did, id=sid, title=stitle, url=surl))
        documents.append(Document(id=did, prefix=prefix, title=title, file=file, url=url, sections=tuple(sections)))
    if problems:
        raise SourcesError(problems)
    return Sources(documents=tuple(documents))


def load_sources(path: Path) -> Sources:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourcesError([f"bronnenlijst niet te lezen: {path}: {exc}"]) from exc
    except yaml.YAMLError as exc:
        raise SourcesError([f"{path.name}: geen geldige YAML: {exc}"]) from exc
    return parse_sources(data, path.name)


def unknown_source_problems(rules: Any, sources: Sources) -> list[str]:
    """One Dutch line per rule whose `source` names a section not in the list (rules: id, source, file)."""
    problems = []
    for rule in rules:
        _, unknown = sources.resolve(rule.source)
        for part in unknown:
            problems.append(
                f"{rule.file}: {rule.id}: source noemt een paragraaf die niet in content/sources.yaml staat: '{part}'"
            )
    return problems
