"""Which content is live: the newest ContentPublication's release, or the content folder while nothing has
been published in the browser (issue 15 item 4).

Every worker asks the database at most once per CONTENT_LIVE_CHECK_SECONDS (one indexed one-row query), so a
publication reaches all workers within that time without a restart; the process that publishes switches at
once (`changed`). A release's files are written once to VAR_DIR/content-releases/<version>/ (atomically: a
rename), and the rule loader reads that folder like any content folder.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError

from .models import ContentPublication, ContentRelease
from .releases import content_files, files_version, write_files

logger = logging.getLogger("wegwijzer.routeguide")
_lock = threading.Lock()
_state: dict[str, object] = {"checked": None, "version": None}


def changed() -> None:
    """Forget the last check: the next rules lookup in this process asks the database again."""
    with _lock:
        _state["checked"] = None


def live_release() -> ContentRelease | None:
    """The release of the newest publication (None: nothing published, the content folder is live). Uncached."""
    publication = ContentPublication.objects.select_related("release").order_by("-id").first()
    return publication.release if publication is not None else None


def live_files() -> tuple[str, dict[str, str]]:
    """(content_version, path → text) of the live content, read now."""
    release = live_release()
    if release is not None:
        return release.content_version, dict(release.files)
    files = content_files()
    return files_version(files), files


def _live_version() -> str | None:
    """The live release's version, asked of the database at most once per CONTENT_LIVE_CHECK_SECONDS."""
    now = time.monotonic()
    checked = _state["checked"]
    if isinstance(checked, float) and now - checked < float(settings.CONTENT_LIVE_CHECK_SECONDS):
        return _state["version"]  # type: ignore[return-value]
    try:
        version = (ContentPublication.objects.order_by("-id")
                   .values_list("release__content_version", flat=True).first())
    except DatabaseError as exc:  # keep what was live (or the content folder): an advice is still given
        # loud only when a published release is at stake; without one the content folder is what was live
        level = logging.WARNING if _state["version"] else logging.DEBUG
        logger.log(level, "live content: publication not read, keeping %s: %s", _state["version"], exc)
        version = _state["version"]  # type: ignore[assignment]
    with _lock:
        _state.update(checked=now, version=version)
    return version  # type: ignore[return-value]


def rules_folder() -> Path | None:
    """The folder the rules are read from when a release is live (None: settings.CONTENT_DIR as ever)."""
    version = _live_version()
    if version is None:
        return None
    folder = Path(settings.VAR_DIR) / "content-releases" / version
    if not folder.is_dir():
        release = ContentRelease.objects.get(content_version=version)
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{version}-", dir=folder.parent))
        write_files(release.files, tmp / "content")
        try:
            os.rename(tmp / "content", folder)  # a release's files never change: the first writer wins
        except OSError:
            if not folder.is_dir():
                raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return folder
