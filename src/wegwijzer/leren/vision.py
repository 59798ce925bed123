"""The shared vision (content/leren/vision.yaml): four main themes with their themes, validated on load and
read through one cached accessor. A broken file fails loudly (VisionError names the problem)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

MAIN_THEME_CODES = ("klant-centraal", "passende-zorg", "professionele-afstemming", "randvoorwaarden")


class VisionError(ValueError):
    """The vision file is not valid."""


@dataclass(frozen=True, slots=True)
class Theme:
    code: str
    label: str
    main_theme: str


@dataclass(frozen=True, slots=True)
class MainTheme:
    code: str
    label: str
    source: str
    themes: tuple[Theme, ...]


@dataclass(frozen=True, slots=True)
class Vision:
    status: str
    main_themes: tuple[MainTheme, ...]

    @property
    def themes(self) -> tuple[Theme, ...]:
        return tuple(t for m in self.main_themes for t in m.themes)

    def theme(self, code: str) -> Theme | None:
        return next((t for t in self.themes if t.code == code), None)

    def main_theme(self, code: str) -> MainTheme | None:
        return next((m for m in self.main_themes if m.code == code), None)


def vision_path() -> Path:
    return Path(getattr(settings, "LEREN_VISION_PATH", "") or Path(settings.CONTENT_DIR) / "leren" / "vision.yaml")


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise VisionError(f"{where}: tekst ontbreekt.")
    return value.strip()


def parse(data: Any) -> Vision:
    """Check the loaded YAML: the four main themes in order, each with a source section and at least one theme,
    codes unique across the file."""
    if not isinstance(data, dict):
        raise VisionError("Het bestand is geen mapping.")
    mains = data.get("main_themes")
    if not isinstance(mains, list):
        raise VisionError("main_themes ontbreekt of is geen lijst.")
    seen: set[str] = set()
    result = []
    for i, main in enumerate(mains):
        if not isinstance(main, dict):
            raise VisionError(f"main_themes[{i}] is geen mapping.")
        code = _text(main.get("code"), f"main_themes[{i}].code")
        themes = main.get("themes")
        if not isinstance(themes, list) or not themes:
            raise VisionError(f"{code}: themes ontbreekt of is leeg.")
        parsed = []
        for j, theme in enumerate(themes):
            if not isinstance(theme, dict):
                raise VisionError(f"{code}.themes[{j}] is geen mapping.")
            tcode = _text(theme.get("code"), f"{code}.themes[{j}].code")
            if tcode in seen or tcode in MAIN_THEME_CODES:
                raise VisionError(f"Code '{tcode}' komt twee keer voor.")
            seen.add(tcode)
            parsed.append(Theme(tcode, _text(theme.get("label"), f"{tcode}.label"), code))
        result.append(MainTheme(code, _text(main.get("label"), f"{code}.label"),
                                _text(main.get("source"), f"{code}.source"), tuple(parsed)))
    if tuple(m.code for m in result) != MAIN_THEME_CODES:
        raise VisionError("De vier hoofdthema's moeten zijn: " + ", ".join(MAIN_THEME_CODES) + ".")
    return Vision(status=str(data.get("status") or ""), main_themes=tuple(result))


@cache
def _load(path: str) -> Vision:
    with open(path, encoding="utf-8") as fh:
        return parse(yaml.safe_load(fh))


def vision() -> Vision:
    """The one cached vision."""
    return _load(str(vision_path()))
