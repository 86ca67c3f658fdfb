"""The publishing gate (a failing panel without an exemption blocks) and the exemptions."""

from __future__ import annotations

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l

from wid_events.accounts.models import User
from wid_events.agenda.models import Session
from wid_events.audit import services as audit
from wid_events.balance import rules
from wid_events.balance.models import BalanceExemption
from wid_events.balance.services.reasons import in_locale
from wid_events.balance.services.verdicts import active_exemptions, lineup, panel_results
from wid_events.enums import SessionType
from wid_events.errors import BalanceGateError, Conflict, DomainError, NotFound
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.models_base import utcnow

#: An exemption's reason must be written out, not "ok".
MIN_REASON_LENGTH = 10
MAX_REASON_LENGTH = 2000


def enforce_gate(event: Event, *, publishing: bool = False) -> None:
    """Raise :class:`BalanceGateError` if the agenda is (or is being) published with a
    failing panel that has no exemption. Call before committing a change to a published
    event's sessions or speakers, and when publishing.

    Incomplete panels never block (see :func:`publish_warnings`).
    """
    if not (publishing or event.published):
        return
    blocking = [r for r in panel_results(event) if r.blocks]
    if not blocking:
        return
    with in_locale():
        details = " ".join(
            gettext("“%(title)s”: %(reason)s.", title=r.session.title, reason=r.reason) for r in blocking
        )
        if publishing:
            head = ngettext(
                "The agenda cannot be published: %(num)d panel fails No Women No Panel.",
                "The agenda cannot be published: %(num)d panels fail No Women No Panel.",
                len(blocking),
            )
        else:
            head = ngettext(
                "This change would leave %(num)d panel of the published agenda failing No Women No Panel.",
                "This change would leave %(num)d panels of the published agenda failing No Women No Panel.",
                len(blocking),
            )
        tail = gettext(
            "Add a woman panelist (the balance report suggests who is free), or record an "
            "exemption with a written reason."
        )
        raise BalanceGateError(f"{head} {details} {tail}", [r.verdict for r in blocking])


def publish_warnings(event: Event) -> list[str]:
    """One message per incomplete panel (they warn, never block)."""
    with in_locale():
        return [
            gettext("“%(title)s” is incomplete: %(reason)s.", title=r.session.title, reason=r.reason)
            for r in panel_results(event)
            if r.verdict.verdict == rules.INCOMPLETE
        ]


# --- exemptions -----------------------------------------------------------------------------


def panel_of(event: Event, session_id: int) -> Session:
    session = db.session.get(Session, session_id)
    if session is None or session.event_id != event.id:
        raise NotFound(str(_l("There is no such panel in this event.")))
    if session.type != SessionType.PANEL:
        raise DomainError(str(_l("Only panels are checked for No Women No Panel.")))
    return session


def record_exemption(
    event: Event, session_id: int, reason: str, *, actor: User | str | None
) -> BalanceExemption:
    """Exempt one panel from the gate, with a written reason. Audited. Caller commits."""
    session = panel_of(event, session_id)
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise DomainError(
            ngettext(
                "Write the reason for the exemption (at least %(num)d character): it is kept "
                "in the audit log.",
                "Write the reason for the exemption (at least %(num)d characters): it is kept "
                "in the audit log.",
                MIN_REASON_LENGTH,
            ),
            field="reason",
        )
    if len(reason) > MAX_REASON_LENGTH:
        raise DomainError(
            ngettext(
                "The reason is too long (at most %(num)d character).",
                "The reason is too long (at most %(num)d characters).",
                MAX_REASON_LENGTH,
            ),
            field="reason",
        )
    if session.id in active_exemptions(event):
        raise Conflict(str(_l("This panel already has an exemption. Revoke it first to write a new one.")))
    exemption = BalanceExemption(
        event_id=event.id,
        session_id=session.id,
        reason=reason,
        created_by_id=actor.id if isinstance(actor, User) else None,
        created_by_label=audit.actor_label(actor),
        created_at=utcnow(),
        lineup=lineup(session),
    )
    db.session.add(exemption)
    db.session.flush()
    audit.record(
        "balance.exemption",
        actor=actor,
        event_id=event.id,
        obj=session,
        changes={"exemption": [None, exemption.id], "reason": [None, reason]},
    )
    return exemption


def revoke_exemption(event: Event, session_id: int, *, actor: User | str | None) -> BalanceExemption:
    """Revoke a panel's active exemption. Audited. Caller commits.

    Revoking on a published agenda is refused when the panel still fails, because that
    would leave the published agenda with a failing panel (the gate).
    """
    session = panel_of(event, session_id)
    exemption = active_exemptions(event).get(session.id)
    if exemption is None:
        raise NotFound(str(_l("This panel has no active exemption.")))
    exemption.revoked_at = utcnow()
    exemption.revoked_by_id = actor.id if isinstance(actor, User) else None
    exemption.revoked_by_label = audit.actor_label(actor)
    db.session.flush()
    enforce_gate(event)
    audit.record(
        "balance.exemption_revoked",
        actor=actor,
        event_id=event.id,
        obj=session,
        changes={"exemption": [exemption.id, None], "reason": [exemption.reason, None]},
    )
    return exemption
