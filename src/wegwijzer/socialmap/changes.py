"""The map's change counter and change log (models only; every write path calls `changes_record`).

Every write of a searchable record bumps `ChangeCounter` in the writing transaction and logs which records
changed (kind + id) under the new counter value. Readers check freshness with one primary-key read
(`counter_read`); an indexer applies just the records logged after the value it has
(`changes_since`). The row lock taken by the bump orders writers, so counter values commit in order and
without gaps: a rolled-back write rolls its bump back too.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F

from . import models as m

# The models whose rows are search records, by the kind the change log names them with.
KIND_MODELS: dict[str, type[Any]] = {
    "role": m.Role,
    "service": m.Service,
    "organization": m.Organization,
    "wijk": m.Wijk,
}
KIND_ALL = m.RecordChange.KIND_ALL


@dataclass(frozen=True)
class Counter:
    value: int
    epoch: str


def change_kind(obj: Any) -> str | None:
    """The change-log kind of a record instance or model (None: not a search record)."""
    model = obj if isinstance(obj, type) else type(obj)
    for kind, cls in KIND_MODELS.items():
        if issubclass(model, cls):
            return kind
    return None


def record_keys(obj: Any) -> list[tuple[str, Any]]:
    """The search records an edit of `obj` changes: the record itself; for a wijk also the records that serve
    it (their documents carry its code); for a taxonomy term the records that carry it (its label is in
    their documents); for a phone, contact, schedule or location its owner. Read before a delete."""
    kind = change_kind(obj)
    if kind is not None:
        keys: list[tuple[str, Any]] = [(kind, obj.pk)]
        if kind == "wijk":
            keys += [("service", i) for i in m.Service.service_areas.through.objects.filter(wijk_id=obj.pk)
                     .values_list("service_id", flat=True)]
            keys += [("organization", i) for i in m.Organization.service_areas.through.objects
                     .filter(wijk_id=obj.pk).values_list("organization_id", flat=True)]
            keys += [("organization", i) for i in m.Organization.objects.filter(wijk_id=obj.pk)
                     .values_list("id", flat=True)]
        return keys
    if isinstance(obj, m.TaxonomyTerm):
        keys = []
        for owner_kind, model in (("role", m.Role), ("service", m.Service), ("organization", m.Organization)):
            through = model.terms.through  # type: ignore[attr-defined]
            owner = f"{model._meta.model_name}_id"
            keys += [(owner_kind, i) for i in through.objects.filter(taxonomyterm_id=obj.pk)
                     .values_list(owner, flat=True)]
        return keys
    keys = []
    for attr, owner_kind in (("organization_id", "organization"), ("service_id", "service")):
        if getattr(obj, attr, None):
            keys.append((owner_kind, getattr(obj, attr)))
    contact = getattr(obj, "contact", None)
    if isinstance(contact, m.Contact):
        keys += record_keys(contact)
    return keys


def counter_read() -> Counter:
    """The counter's value and epoch: one primary-key read (0 and "" before the first migration row)."""
    row = m.ChangeCounter.objects.filter(pk=1).values_list("value", "epoch").first()
    if row is None:
        return Counter(0, "")
    return Counter(int(row[0]), str(row[1]))


def _bump() -> int:
    """Add one to the counter inside the caller's transaction and return the new value."""
    updated = m.ChangeCounter.objects.filter(pk=1).update(value=F("value") + 1)
    if not updated:  # a flushed test database has no row; the migration normally creates it
        m.ChangeCounter.objects.get_or_create(pk=1, defaults={"epoch": uuid.uuid4()})
        m.ChangeCounter.objects.filter(pk=1).update(value=F("value") + 1)
    return int(m.ChangeCounter.objects.filter(pk=1).values_list("value", flat=True)[0])


def changes_record(*, records: Iterable[tuple[str, Any]], user: Any = None) -> int:
    """Bump the counter once and log each (kind, record id); kind `all` means "rebuild everything".

    Runs in the caller's transaction (a savepoint when there is one), so the bump commits or rolls back with
    the edit. Returns the new counter value.
    """
    rows = sorted({(str(kind), str(rid) if rid else None) for kind, rid in records}, key=lambda r: (r[0], r[1] or ""))
    if not rows:
        rows = [(KIND_ALL, None)]  # every bump logs at least one row: the log has no gaps
    changed_by = user if getattr(user, "is_authenticated", False) and getattr(user, "pk", None) else None
    with transaction.atomic():
        value = _bump()
        m.RecordChange.objects.bulk_create(
            [m.RecordChange(seq=value, record_kind=kind, record_id=rid, changed_by=changed_by) for kind, rid in rows]
        )
    return value


def changes_record_all(*, user: Any = None) -> int:
    """The whole map changed (content load, import, a taxonomy label used by many records)."""
    return changes_record(records=[(KIND_ALL, None)], user=user)


def changes_since(value: int, *, limit: int) -> list[tuple[int, str, str | None]]:
    """(seq, kind, record id) logged after counter `value`, oldest first, at most `limit` rows."""
    rows = m.RecordChange.objects.filter(seq__gt=value).order_by("seq", "id")
    return [(int(s), k, str(r) if r else None) for s, k, r in rows.values_list("seq", "record_kind", "record_id")[:limit]]


def changes_prune(*, keep: int) -> int:
    """Delete log rows more than `keep` counter values old (an indexer further behind rebuilds)."""
    current = counter_read().value
    deleted, _ = m.RecordChange.objects.filter(seq__lte=current - keep).delete()
    return deleted
