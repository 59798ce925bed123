"""Fixtures for the route guide's tests: the repository's vocabulary and rule set, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from wegwijzer.routeguide.engine import load_ruleset, load_vocabulary
from wegwijzer.routeguide.engine.sources import load_sources

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
RULES_DIR = CONTENT / "routeguide" / "rules"
SCHEMA = CONTENT / "routeguide" / "schema" / "rules.schema.json"
VIGNETTES_DIR = CONTENT / "routeguide" / "vignettes"
SOURCES = CONTENT / "sources.yaml"
NOTICES = CONTENT / "routeguide" / "notices.yaml"

P01 = {
    "phase": "zwangerschap",
    "weeks_since_birth": None,
    "reporter": "verloskundige",
    "wijk": "overvecht",
    "concerns": ["jong-ouderschap", "geen-netwerk"],
    "buurtteam_involved": False,
    "urgent": False,
    "child_protection_order": False,
    "ambulant_sufficient": True,
    "related_to_baby_care": True,
}


@pytest.fixture(scope="session")
def vocab():
    return load_vocabulary(CONTENT / "vocabulary.yaml")


@pytest.fixture(scope="session")
def ruleset(vocab):
    # as the service loads it: every source checked against the sources list, with the notices
    return load_ruleset(RULES_DIR, vocab, SCHEMA, sources=load_sources(SOURCES), notices_path=NOTICES)


def all_vignettes() -> list[dict]:
    out = []
    for path in sorted(VIGNETTES_DIR.glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            out.append({**item, "_file": path.name})
    return out
