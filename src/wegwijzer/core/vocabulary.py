"""The one cached vocabulary (CONTENT_DIR/vocabulary.yaml) of this process, for every app.

    from wegwijzer.core.vocabulary import vocabulary
    vocabulary().label("roles", "jgz")

The object is the rule engine's frozen `Vocabulary` (codes → Dutch labels in file order). Core sits below
the apps and imports none of them, so the pure loader (`wegwijzer.routeguide.engine.load_vocabulary`) is
registered by the routes app when Django starts (RoutesConfig.ready). The cached instance is keyed on the
file's path, modification time and size: a switch of settings.CONTENT_DIR (tests do this) or an edited
file gives a fresh instance on the next call, and one `stat` per call is all a hit costs.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

FILENAME = "vocabulary.yaml"


class Vocabulary(Protocol):
    """What callers may rely on (the engine's frozen dataclass satisfies it)."""

    phases: Mapping[str, str]
    reporters: Mapping[str, str]
    wijken: Mapping[str, str]
    concerns: Mapping[str, str]
    roles: Mapping[str, str]
    interventions: Mapping[str, str]
    laws: Mapping[str, str]
    warnings: Mapping[str, str]

    def codes(self, kind: str) -> tuple[str, ...]: ...

    def label(self, kind: str, code: str) -> str: ...

    def as_dict(self) -> dict[str, dict[str, str]]: ...


Loader = Callable[[Path], Any]

_lock = threading.Lock()
_loader: list[Loader] = []
_cache: dict[str, Any] = {"key": None, "value": None}


def register_loader(loader: Loader) -> None:
    """Set the function that parses a vocabulary file (called once, from an AppConfig.ready)."""
    with _lock:
        _loader[:] = [loader]
        _cache.update(key=None, value=None)


_paths: dict[str, str] = {}


def vocabulary_path() -> Path:
    return Path(settings.CONTENT_DIR) / FILENAME


def _path_text() -> str:
    """`str(vocabulary_path())`, built once per content folder: every vocabulary lookup (several per case
    read) stats the file, and building the Path cost more than the stat."""
    folder = str(settings.CONTENT_DIR)
    text = _paths.get(folder)
    if text is None:
        text = _paths[folder] = str(Path(folder) / FILENAME)
    return text


def vocabulary() -> Vocabulary:
    """This process's vocabulary; re-read when the content folder or the file changes.

    Raises the loader's error (the engine's VocabularyError) when the file is missing or malformed.
    """
    path = _path_text()
    try:
        stat = os.stat(path)
        key: tuple[Any, ...] = (path, stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = (path, None, None)  # let the loader raise its own clear error
    if _cache["key"] == key:
        return _cache["value"]
    with _lock:
        if _cache["key"] == key:
            return _cache["value"]
        if not _loader:
            raise RuntimeError("No vocabulary loader registered: is wegwijzer.routeguide in INSTALLED_APPS?")
        value = _loader[0](Path(path))
        _cache.update(key=key, value=value)
        return value


def clear() -> None:
    """Forget the cached instance (the next call reads the file again)."""
    with _lock:
        _cache.update(key=None, value=None)


@receiver(setting_changed, dispatch_uid="wegwijzer.core.vocabulary.setting_changed")
def _on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "CONTENT_DIR":
        clear()
