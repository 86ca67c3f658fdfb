"""Recording audit entries. Callers commit."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from wid_events.accounts.models import User
from wid_events.audit.models import AuditLogEntry
from wid_events.extensions import db

#: What an erased person's name becomes in the audit trail.
ERASED_LABEL = "(erased)"


def erase_object(object_type: str, object_id: int | str) -> int:
    """GDPR erasure: the entries about this object keep their action and time, but its name
    becomes "(erased)" and the changed values are dropped (only the changed fields' names
    stay). Returns how many entries were changed. Callers commit."""
    entries = db.session.scalars(
        sa.select(AuditLogEntry).where(
            AuditLogEntry.object_type == object_type, AuditLogEntry.object_id == str(object_id)
        )
    ).all()
    for entry in entries:
        entry.object_label = ERASED_LABEL
        entry.changes = {field: [ERASED_LABEL, ERASED_LABEL] for field in entry.changes or {}}
    return len(entries)


def actor_label(actor: User | str | None) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return actor.email


def record(
    action: str,
    *,
    actor: User | str | None,
    event_id: int | None = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    object_label: str = "",
    changes: dict | None = None,
) -> AuditLogEntry:
    """Add an audit entry to the session. ``actor`` is a User, a label (``"cli"``) or None."""
    if obj is not None:
        object_type = object_type or type(obj).__name__.lower()
        object_id = object_id or getattr(obj, "id", "") or ""
        object_label = object_label or str(getattr(obj, "title", None) or getattr(obj, "name", "") or "")
    entry = AuditLogEntry(
        event_id=event_id,
        actor_id=actor.id if isinstance(actor, User) else None,
        actor_label=actor_label(actor),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_label=object_label[:300],
        changes=_jsonable(changes or {}),
    )
    db.session.add(entry)
    return entry


def diff(obj: Any, new_values: dict[str, Any]) -> dict[str, list]:
    """``{field: [old, new]}`` for the fields whose value would change."""
    out: dict[str, list] = {}
    for field, new in new_values.items():
        old = getattr(obj, field)
        if old != new:
            out[field] = [old, new]
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
