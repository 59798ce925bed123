"""Writes to the social map (keyword-only, typed, one transaction each).

The bulk writes live beside their formats: content.load (YAML content files) and hsds.import_document
(HSDS JSON); these are the entry points other apps and commands call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import transaction

from . import changes, content, hsds
from .models import Wijk
from .selectors import RecordModel, record_get


def map_load_content(*, if_empty: bool = False, replace: bool = False, content_dir: Path | None = None) -> str:
    """Load the content files (see content.load); returns a Dutch one-line report."""
    return content.load(if_empty=if_empty, replace=replace, content_dir=content_dir)


def map_import_hsds(*, document: Any) -> tuple[dict[str, int] | None, list[str]]:
    """Validate an HSDS document fully, then replace the map with it (all or nothing)."""
    problems = hsds.validate_document(document)
    if problems:
        return None, problems
    return hsds.import_document(document), []


def map_change_keys(*, objects: Iterable[Any]) -> list[tuple[str, Any]]:
    """What `map_records_changed` will log for these objects; read it before deleting them."""
    return [key for obj in objects for key in changes.record_keys(obj)]


@transaction.atomic
def map_records_changed(
    *, user: Any, objects: Iterable[Any] = (), keys: Iterable[tuple[str, Any]] = ()
) -> int:
    """Log that these map objects were saved or edited (or, by `keys` read before, deleted): one bump of the
    change counter in the writer's transaction, so the search index and snapshots follow. The admin calls
    this after every save and delete; a script that writes the map through the ORM must call it too."""
    return changes.changes_record(records=[*keys, *map_change_keys(objects=objects)], user=user)


@transaction.atomic
def record_mark_assured(*, slug: str, on: dt.date | None = None) -> RecordModel | None:
    """Record that a record's facts were checked against their source today (HSDS assured_date)."""
    obj = record_get(slug)
    if obj is None or isinstance(obj, Wijk):
        return None
    obj.assured_date = on or dt.date.today()  # noqa: DTZ011 - a calendar date
    obj.unconfirmed_source = ""  # a person checked it: it no longer rests on an unconfirmed source
    obj.save(update_fields=["assured_date", "unconfirmed_source", "updated_at"])
    changes.changes_record(records=changes.record_keys(obj))
    return obj
