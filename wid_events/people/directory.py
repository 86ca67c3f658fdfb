"""The people directory: one record per person across the organisation's events.

Each event's :class:`Person` row links to a :class:`DirectoryPerson`. New rows are linked on an
exact email match (see the listener in :mod:`wid_events.speakers.models`); joining two records
otherwise is :func:`merge`, a reviewed organiser action: the organiser sees both side by side,
chooses each field, and the merge is audited. Gender and its consent stay on each event's row.

Organisers see the records that have someone in an event they organise (site admins: all).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from wid_events.accounts.models import EventOrganiser, User
from wid_events.audit import services as audit
from wid_events.core.search import like_pattern
from wid_events.errors import DomainError, NotFound, PermissionDenied
from wid_events.extensions import db
from wid_events.people.models import DirectoryPerson, Person, directory_search_key, email_key

#: Fields an organiser chooses between when merging two records.
MERGE_FIELDS = ("name", "email", "organisation")
PAGE_SIZE = 50


def _visible_event_ids(user: User):
    return sa.select(EventOrganiser.event_id).where(EventOrganiser.user_id == user.id)


def _visible(user: User):
    """Directory ids the user may see: someone of theirs is linked to it."""
    query = sa.select(Person.directory_id).where(Person.directory_id.is_not(None))
    if not user.is_admin:
        query = query.where(Person.event_id.in_(_visible_event_ids(user)))
    return query


def search(user: User, query: str = "", *, limit: int = PAGE_SIZE) -> list[DirectoryPerson]:
    """Records visible to ``user`` whose name or organisation matches, in any script."""
    stmt = (
        sa.select(DirectoryPerson)
        .where(DirectoryPerson.id.in_(_visible(user)))
        .options(selectinload(DirectoryPerson.people).selectinload(Person.event))
        .order_by(DirectoryPerson.search_key, DirectoryPerson.id)
        .limit(limit)
    )
    pattern = like_pattern(query)
    if query.strip() and pattern is None:
        return []
    if pattern:
        stmt = stmt.where(DirectoryPerson.search_key.like(pattern, escape="\\"))
    return list(db.session.scalars(stmt))


def get(user: User, record_id: int) -> DirectoryPerson:
    record = db.session.get(DirectoryPerson, record_id)
    visible = record is not None and db.session.scalar(
        sa.select(sa.literal(True)).where(sa.literal(record_id).in_(_visible(user)))
    )
    if not visible:
        raise NotFound(_("There is no such person in your directory."))
    return record


def visible_links(user: User, record: DirectoryPerson) -> list[Person]:
    """The record's event rows that ``user`` may see (an organiser: their events only)."""
    if user.is_admin:
        return list(record.people)
    mine = set(db.session.scalars(_visible_event_ids(user)))
    return [p for p in record.people if p.event_id in mine]


def _require_all_events(user: User, record: DirectoryPerson) -> None:
    if user.is_admin:
        return
    mine = set(db.session.scalars(_visible_event_ids(user)))
    if any(p.event_id not in mine for p in record.people):
        raise PermissionDenied(
            _("This record also belongs to events you do not organise; ask a site administrator to merge it.")
        )


def merge(user: User, keep_id: int, other_id: int, choices: dict[str, str]) -> DirectoryPerson:
    """Merge record ``other_id`` into ``keep_id``. ``choices[field]`` is ``"keep"`` or ``"other"``
    for each of :data:`MERGE_FIELDS`. Every event row of the other record moves to the kept one;
    no gender or consent is copied between events. Audited with both ids. Caller commits."""
    if keep_id == other_id:
        raise DomainError(_("Choose two different records to merge."))
    keep, other = get(user, keep_id), get(user, other_id)
    _require_all_events(user, keep)
    _require_all_events(user, other)
    before = {f: [getattr(keep, f), getattr(other, f)] for f in MERGE_FIELDS}
    chosen = {}
    for field in MERGE_FIELDS:
        pick = choices.get(field, "keep")
        if pick not in ("keep", "other"):
            raise DomainError(_("Choose one of the two values for each field."), field=field)
        chosen[field] = getattr(other if pick == "other" else keep, field)
    if not (chosen["name"] or "").strip():
        raise DomainError(_("The merged record needs a name."), field="name")
    moved = [p.id for p in other.people]
    for person in list(other.people):
        person.directory = keep
    other_email = other.email
    other.email = None  # free the unique address before the kept record may take it
    db.session.flush()
    keep.name = chosen["name"]
    keep.email = email_key(chosen["email"]) if chosen["email"] else (keep.email or email_key(other_email))
    keep.organisation = chosen["organisation"]
    keep.search_key = directory_search_key(keep.name, keep.organisation)
    db.session.delete(other)
    db.session.flush()
    audit.record(
        "directory.merge",
        actor=user,
        object_type="directory_person",
        object_id=keep.id,
        object_label=keep.name,
        changes={
            "merged_record": [other_id, None],
            "event_rows": [None, moved],
            **{f: before[f] for f in MERGE_FIELDS if before[f][0] != chosen[f] or before[f][1] != chosen[f]},
        },
    )
    return keep
