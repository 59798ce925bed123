"""Content releases (issue 15, item 1): the whole content folder as one versioned, append-only release.

A release holds every text file of settings.CONTENT_DIR (path → text), its `content_version` (a hash over
those files) and, per route, the rule set's content_version that the advice of that route carries; so an
advice can be replayed with the release that produced it, and a release exported as the same readable
files (git stays a way to edit). Services write the access log; selectors read.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.audit.service import access_log_write

from . import content
from .models import ContentRelease

OBJECT_TYPE = "content_release"


class ContentReleaseError(ValueError):
    """A release cannot be recorded, found or exported; the message is Dutch and names the problem."""


# ------------------------------------------------------------------ the content folder


def content_files(root: Path | None = None) -> dict[str, str]:
    """Every text file of the content folder as relative POSIX path → text, sorted by path (hidden files and
    folders left out: editor and VCS leftovers are not content)."""
    base = Path(root or settings.CONTENT_DIR)
    out: dict[str, str] = {}
    for path in sorted(base.rglob("*")):
        relative = path.relative_to(base)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        try:
            out[relative.as_posix()] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ContentReleaseError(f"{relative.as_posix()}: geen tekstbestand (UTF-8): {exc}") from exc
    return out


def files_version(files: dict[str, str]) -> str:
    """sha256 over the paths and texts (every byte counts: the release is the files as written); 12 hex digits."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode("utf-8") + b"\0" + files[path].encode("utf-8") + b"\0")
    return digest.hexdigest()[:12]


def _safe(path: str) -> PurePosixPath:
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise ContentReleaseError(f"ongeldig pad in de release: {path!r}")
    return relative


def write_files(files: dict[str, str], directory: Path) -> int:
    """Write the files under `directory` (which must be empty or absent); the number written."""
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise ContentReleaseError(f"De map {directory} bestaat al en is niet leeg; kies een lege of nieuwe map.")
    for path, text in files.items():
        target = directory / _safe(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return len(files)


def rule_versions(root: Path) -> dict[str, str]:
    """Route → the rule set's content_version, for the content folder at `root` (every load check applied)."""
    return {item.id: content.route_ruleset(item.id, root).content_version for item in content.routes(root)}


# ------------------------------------------------------------------ services


@transaction.atomic
def content_release_record(*, actor: Any, reason: str, root: Path | None = None) -> tuple[ContentRelease, bool]:
    """Record the content folder as a release: (release, True), or (the existing release, False) when exactly
    these files were released before. The content must load (every route's rules); nothing is stored if not."""
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise ContentReleaseError("Geef een reden (--reason) van minstens 5 tekens: waarom deze release?")
    username = getattr(actor, "get_username", lambda: "")()
    if not username:
        raise ContentReleaseError("Een release heeft een gebruiker nodig (--user).")
    base = Path(root or settings.CONTENT_DIR)
    files = content_files(base)
    version = files_version(files)
    existing = ContentRelease.objects.filter(content_version=version).first()
    if existing is not None:
        return existing, False
    try:
        versions = rule_versions(base)
    except (content.RuleSetError, content.VocabularyError) as exc:
        raise ContentReleaseError(f"De inhoud laadt niet; eerst `wegwijzer content check`: {exc}") from exc
    release = ContentRelease.objects.create(
        content_version=version, rule_versions=versions, files=files, created_by=username, reason=reason
    )
    access_log_write(
        context=None, user=actor, action=AccessLogEntry.Action.CREATE, object_type=OBJECT_TYPE,
        object_id=version, detail=f"files={len(files)}",
    )
    return release, True


# ------------------------------------------------------------------ selectors


def content_release_list() -> QuerySet[ContentRelease]:
    return ContentRelease.objects.order_by("-created_at", "-id")


def content_release_get(version: str) -> ContentRelease:
    """The release with this content_version, or the one whose rules of some route carry it (an advice's
    content_version); ContentReleaseError in Dutch when there is none."""
    version = (version or "").strip()
    found = ContentRelease.objects.filter(content_version=version).first()
    if found is None and version:
        # JSON containment is not portable to SQLite; a release list is short, so look through it
        for release in ContentRelease.objects.filter(~Q(rule_versions={})).order_by("-created_at", "-id"):
            if version in release.rule_versions.values():
                return release
    if found is None:
        raise ContentReleaseError(f"Geen release met inhoudsversie '{version}'. Zie `wegwijzer content releases`.")
    return found


@contextmanager
def release_folder(release: ContentRelease) -> Iterator[Path]:
    """The release's files written to a temporary content folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="wegwijzer-release-") as tmp:
        folder = Path(tmp) / "content"
        write_files(release.files, folder)
        yield folder
