"""No Women No Panel: recording self-declared gender, verdicts, exemptions, the publishing
gate, suggestions, the report and the public badge.

The rules themselves are pure functions in :mod:`wid_events.balance.rules`; this module
reads the database into them and renders their structured reasons with gettext.
Services take an explicit ``actor`` and never commit: the caller does.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import force_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from wid_events.accounts.models import EventOrganiser, User
from wid_events.agenda.models import Session, SessionSpeaker
from wid_events.audit import services as audit
from wid_events.balance import rules
from wid_events.balance.models import BalanceExemption
from wid_events.enums import Gender, GenderSource, SessionType, SpeakerRole
from wid_events.errors import Conflict, DomainError, NotFound
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.models_base import utcnow
from wid_events.speakers.models import Person

#: An exemption's reason must be written out, not "ok".
MIN_REASON_LENGTH = 10
MAX_REASON_LENGTH = 2000


class BalanceGateError(DomainError):
    """Publishing (or an edit of a published agenda) would leave a failing panel unexempted."""

    status = 409
    code = "balance_gate"

    def __init__(self, message: str, verdicts: list | None = None) -> None:
        super().__init__(message)
        #: The failing panels' verdicts, for the page that explains and suggests.
        self.verdicts = verdicts or []


def record_gender(
    person: Person,
    gender: Gender | str,
    self_description: str | None,
    *,
    source: GenderSource,
    actor: User | str | None,
) -> bool:
    """Store a gender declaration with its provenance. Returns True when it changed.

    The audit entry records that it changed, never the value.
    """
    gender = Gender(gender)
    description = (self_description or "").strip() or None
    if gender != Gender.SELF_DESCRIBED:
        description = None
    if person.gender == gender and person.gender_self_description == description:
        return False
    person.gender = gender
    person.gender_self_description = description
    person.gender_source = None if gender == Gender.UNDISCLOSED else source
    person.gender_recorded_at = utcnow()
    audit.record(
        "person.gender",
        actor=actor,
        event_id=person.event_id,
        obj=person,
        changes={"gender": ["(private)", "(private)"], "source": [None, source.value]},
    )
    return True


# --- reading the database into rules' plain data ------------------------------------------


def policy_for(event: Event) -> rules.Policy:
    return rules.Policy(
        min_women_per_panel=event.balance_min_women_per_panel,
        count_moderators=event.balance_count_moderators,
        count_non_binary=event.balance_count_non_binary,
        target_share_women=event.balance_target_share_women,
    )


def _gender(person: Person) -> str:
    return Gender(person.gender or Gender.UNDISCLOSED).value


def members_of(session: Session) -> list[rules.Member]:
    return [
        rules.Member(role=SpeakerRole(link.role).value, gender=_gender(link.person), person_id=link.person_id)
        for link in session.speakers
    ]


def _sessions(event: Event) -> list[Session]:
    """All sessions of the event with their speakers, fresh from the database.

    ``populate_existing`` so that a caller's unflushed edits (autoflushed first) and
    deletions are seen: the gate runs before the caller commits.
    """
    db.session.flush()  # even inside a caller's no_autoflush block
    return list(
        db.session.scalars(
            sa.select(Session)
            .where(Session.event_id == event.id)
            .options(selectinload(Session.speakers).selectinload(SessionSpeaker.person))
            .order_by(Session.start, Session.id)
            .execution_options(populate_existing=True)
        )
    )


def _panels(sessions: list[Session]) -> list[Session]:
    return [s for s in sessions if s.type == SessionType.PANEL and not s.is_cancelled]


def active_exemptions(event: Event) -> dict[int, BalanceExemption]:
    rows = db.session.scalars(
        sa.select(BalanceExemption).where(
            BalanceExemption.event_id == event.id, BalanceExemption.revoked_at.is_(None)
        )
    )
    return {e.session_id: e for e in rows}


def _lineup(session: Session) -> list[str]:
    return sorted(f"{link.person_id}:{SpeakerRole(link.role).value}" for link in session.speakers)


# --- translating reasons --------------------------------------------------------------------


def in_locale():
    """Flask-Babel needs a locale; outside a request (CLI, jobs) use the default one."""
    if has_request_context():
        return contextlib.nullcontext()
    return force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "en"))


def render_part(part: rules.ReasonPart) -> str:
    n = part.n
    code = part.code
    if code == "no_panelists":
        return gettext("no panelists yet")
    if code == "needed":
        return ngettext("%(num)d woman needed", "%(num)d women needed", n)
    if code == "more_needed":
        return ngettext(
            "%(num)d more woman needed (minimum %(minimum)d)",
            "%(num)d more women needed (minimum %(minimum)d)",
            n,
            minimum=part.param("minimum"),
        )
    if code == "minimum_met":
        return ngettext(
            "meets the minimum of %(num)d woman", "meets the minimum of %(num)d women", part.param("minimum")
        )
    if code == "panelists" and part.param("gender") == rules.MAN:
        return ngettext("%(num)d man panelist", "%(num)d men panelists", n)
    if code == "panelists":
        return ngettext("%(num)d woman panelist", "%(num)d women panelists", n)
    if code == "moderators_counted":
        return ngettext(
            "%(num)d woman moderates, and this event counts moderators",
            "%(num)d women moderate, and this event counts moderators",
            n,
        )
    if code == "only_woman_moderates":
        return gettext("the only woman is the moderator, and moderators are not counted")
    if code == "women_moderate":
        return ngettext(
            "%(num)d woman moderates, and moderators are not counted",
            "%(num)d women moderate, and moderators are not counted",
            n,
        )
    if code == "non_binary_not_counted":
        return ngettext(
            "%(num)d non-binary person, not counted towards the minimum under this event's policy",
            "%(num)d non-binary people, not counted towards the minimum under this event's policy",
            n,
        )
    if code == "non_binary_counted":
        return ngettext(
            "%(num)d non-binary person, counted towards the minimum under this event's policy",
            "%(num)d non-binary people, counted towards the minimum under this event's policy",
            n,
        )
    if code == "self_described_not_counted":
        return ngettext(
            "%(num)d person describes themselves in their own words and is not counted towards "
            "the minimum (an exemption with a reason is the way to record a balanced panel)",
            "%(num)d people describe themselves in their own words and are not counted towards "
            "the minimum (an exemption with a reason is the way to record a balanced panel)",
            n,
        )
    if code == "undisclosed_decide":
        return ngettext(
            "%(num)d person has not disclosed their gender and could decide the verdict",
            "%(num)d people have not disclosed their gender and could decide the verdict",
            n,
        )
    if code == "undisclosed_cannot_save":
        return ngettext(
            "%(num)d person has not disclosed their gender, too few to reach the minimum",
            "%(num)d people have not disclosed their gender, too few to reach the minimum",
            n,
        )
    return code


def render_reason(verdict: rules.Verdict, exemption: BalanceExemption | None = None) -> str:
    with in_locale():
        text = "; ".join(render_part(p) for p in verdict.reason)
        if exemption is not None:
            note = gettext(
                "exempted by %(who)s on %(date)s: %(reason)s",
                who=exemption.created_by_label or gettext("an organiser"),
                date=exemption.created_at.date().isoformat(),
                reason=exemption.reason,
            )
            text = f"{text}; {note}" if text else note
        return text


# --- verdicts -------------------------------------------------------------------------------


@dataclass
class PanelResult:
    """One panel's verdict as the report, the gate and the CLI see it."""

    session: Session
    verdict: rules.Verdict
    exemption: BalanceExemption | None
    reason: str
    #: P(at most this many counted women by chance from the field), None without panelists.
    chance: float | None
    #: The exempted line-up differs from today's.
    lineup_changed: bool = False

    @property
    def blocks(self) -> bool:
        """Fails and has no active exemption: stops publishing."""
        return self.verdict.verdict == rules.FAIL and self.exemption is None

    @property
    def exempted(self) -> bool:
        return self.exemption is not None and self.verdict.verdict != rules.PASS


def _results(event: Event, sessions: list[Session]) -> list[PanelResult]:
    policy = policy_for(event)
    exemptions = active_exemptions(event)
    out = []
    for session in _panels(sessions):
        verdict = rules.panel_verdict(members_of(session), policy)
        exemption = exemptions.get(session.id)
        n = verdict.counted_total
        chance = rules.chance_at_most(n, verdict.counted[rules.WOMAN], event.balance_base_rate) if n else None
        out.append(
            PanelResult(
                session=session,
                verdict=verdict,
                exemption=exemption,
                reason=render_reason(verdict, exemption if verdict.verdict != rules.PASS else None),
                chance=chance,
                lineup_changed=exemption is not None and exemption.lineup != _lineup(session),
            )
        )
    return out


def panel_results(event: Event) -> list[PanelResult]:
    """Every non-cancelled panel's verdict, in agenda order."""
    return _results(event, _sessions(event))


def _session_data(sessions: list[Session]) -> list[rules.SessionData]:
    return [
        rules.SessionData(
            type=SessionType(s.type).value,
            day=s.start.date(),
            members=tuple(members_of(s)),
            cancelled=s.is_cancelled,
        )
        for s in sessions
    ]


def stats_for(event: Event, sessions: list[Session] | None = None) -> rules.EventStats:
    sessions = _sessions(event) if sessions is None else sessions
    return rules.event_stats(_session_data(sessions), policy_for(event), event.balance_base_rate)


def check(event: Event) -> dict:
    """The ``balance check --json`` document (contract), also served by balance.json and the API.

    ``counted`` holds the members counted towards the verdict: panelists, plus moderators when
    the policy counts them. An exempted failing panel keeps ``"verdict": "fail"``; its
    exemption is written in ``reason``.
    """
    sessions = _sessions(event)
    results = _results(event, sessions)
    stats = stats_for(event, sessions)
    share = stats.share_women
    return {
        "event": event.slug,
        "policy": dict(event.balance_policy),
        "panels": [
            {
                "session": r.session.id,
                "key": r.session.key,
                "title": r.session.title,
                "verdict": r.verdict.verdict,
                "counted": dict(r.verdict.counted),
                "moderators": dict(r.verdict.moderators),
                "reason": r.reason,
            }
            for r in results
        ],
        "event_share_women": None if share is None else round(share, 4),
        "speakers": stats.speakers,
    }


def exit_status(document: dict) -> int:
    """Contract exit status of ``balance check``: 0 all pass, 1 any fail, 3 some incomplete."""
    verdicts = [p["verdict"] for p in document["panels"]]
    if rules.FAIL in verdicts:
        return 1
    if rules.INCOMPLETE in verdicts:
        return 3
    return 0


# --- the publishing gate --------------------------------------------------------------------


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


def _panel_of(event: Event, session_id: int) -> Session:
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
    session = _panel_of(event, session_id)
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
        lineup=_lineup(session),
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
    session = _panel_of(event, session_id)
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


# --- suggestions ----------------------------------------------------------------------------


@dataclass
class Suggestion:
    """Someone who would count towards the minimum and is free at the panel's time."""

    person: Person
    #: The person's topic tags found in the panel's title, description or track.
    matched_topics: list[str]
    #: Set for people of another event this organiser organises: they must be invited to this
    #: event first (their answer was given for that event only, so it is not copied).
    other_event: Event | None = None


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


def _topics(person: Person) -> list[str]:
    return [t.strip() for t in (person.topics or "").split(",") if t.strip()]


def _matched(person: Person, session: Session) -> list[str]:
    track = session.track.name if session.track else ""
    text = " ".join([session.title or "", session.description or "", track]).casefold()
    return [t for t in _topics(person) if t.casefold() in text]


def is_free(person: Person, session: Session) -> bool:
    """Not on another non-cancelled session at that time, and not marked unavailable."""
    for link in person.session_links:
        other = link.session
        if (
            other.id != session.id
            and not other.is_cancelled
            and _overlaps(other.start, other.end, session.start, session.end)
        ):
            return False
    return not any(_overlaps(u.start, u.end, session.start, session.end) for u in person.unavailability)


def suggestions(
    event: Event, session: Session, *, user: User | None = None, limit: int = 8
) -> list[Suggestion]:
    """Women (and non-binary people, when they count) who could join this panel.

    First people of this event who are free at the panel's time (topic matches first); then,
    when ``user`` is given, people of other events that user organises (site admins: all).
    """
    policy = policy_for(event)
    on_panel = {link.person_id for link in session.speakers}
    counting = [Gender.WOMAN] + ([Gender.NON_BINARY] if policy.count_non_binary else [])
    people = db.session.scalars(
        sa.select(Person)
        .where(Person.event_id == event.id, Person.gender.in_(counting), Person.id.not_in(on_panel or [0]))
        .options(
            selectinload(Person.session_links).selectinload(SessionSpeaker.session),
            selectinload(Person.unavailability),
        )
    )
    local = [Suggestion(p, _matched(p, session)) for p in people if is_free(p, session)]
    local.sort(key=lambda s: (-len(s.matched_topics), s.person.name.casefold()))
    out = local[:limit]
    if user is not None and len(out) < limit:
        out += _other_event_suggestions(event, session, user, counting, limit - len(out))
    return out


def _other_event_suggestions(
    event: Event, session: Session, user: User, counting: list[Gender], limit: int
) -> list[Suggestion]:
    if user.is_admin:
        event_ids = sa.select(Event.id).where(Event.id != event.id)
    else:
        event_ids = sa.select(EventOrganiser.event_id).where(
            EventOrganiser.user_id == user.id, EventOrganiser.event_id != event.id
        )
    known_names = {p.name.casefold() for p in event.people}
    known_emails = {p.email.casefold() for p in event.people if p.email}
    rows = db.session.scalars(
        sa.select(Person)
        .where(Person.event_id.in_(event_ids), Person.gender.in_(counting))
        .options(selectinload(Person.event))
        .order_by(Person.name, Person.id)
    )
    out: list[Suggestion] = []
    seen: set[str] = set()
    for p in rows:
        name = p.name.casefold()
        if name in known_names or name in seen or (p.email and p.email.casefold() in known_emails):
            continue
        seen.add(name)
        out.append(Suggestion(p, _matched(p, session), other_event=p.event))
    out.sort(key=lambda s: (-len(s.matched_topics), s.person.name.casefold()))
    return out[:limit]


def add_panelist(
    event: Event, session_id: int, person_id: int, *, actor: User | str | None
) -> SessionSpeaker:
    """Put a suggested person on a panel as a panelist (audited). Caller commits.

    Checked again here, since anyone can post anything: the person belongs to this event,
    counts towards the minimum, is not already on the panel and is free at that time.
    """
    session = _panel_of(event, session_id)
    person = db.session.get(Person, person_id)
    if person is None or person.event_id != event.id:
        raise NotFound(str(_l("This person is not among this event's speakers.")))
    if any(link.person_id == person.id for link in session.speakers):
        raise Conflict(str(_l("%(name)s is already on this panel.", name=person.name)))
    if not policy_for(event).counts_towards_minimum(_gender(person)):
        raise DomainError(str(_l("%(name)s would not count towards this panel's minimum.", name=person.name)))
    if not is_free(person, session):
        raise Conflict(
            str(_l("%(name)s is busy or unavailable at the time of this panel.", name=person.name))
        )
    link = SessionSpeaker(
        person=person,
        role=SpeakerRole.PANELIST,
        position=max((s.position for s in session.speakers), default=-1) + 1,
    )
    session.speakers.append(link)
    db.session.flush()
    audit.record(
        "session.speaker_add",
        actor=actor,
        event_id=event.id,
        obj=session,
        changes={"speaker": [None, f"{person.name} ({SpeakerRole.PANELIST.value})"]},
    )
    return link


# --- the report and the public badge --------------------------------------------------------


@dataclass
class Report:
    event: Event
    panels: list[PanelResult]
    stats: rules.EventStats
    suggestions: dict[int, list[Suggestion]]

    def count(self, verdict: str) -> int:
        return sum(1 for p in self.panels if p.verdict.verdict == verdict)

    @property
    def blocking(self) -> list[PanelResult]:
        return [p for p in self.panels if p.blocks]

    @property
    def exempted(self) -> list[PanelResult]:
        return [p for p in self.panels if p.exempted]


def report(event: Event, *, user: User | None = None) -> Report:
    sessions = _sessions(event)
    panels = _results(event, sessions)
    return Report(
        event=event,
        panels=panels,
        stats=stats_for(event, sessions),
        suggestions={
            p.session.id: suggestions(event, p.session, user=user)
            for p in panels
            if p.verdict.verdict == rules.FAIL
        },
    )


def badge(event: Event) -> rules.BadgeData | None:
    """Aggregates for the public badge; None for drafts and when too few speakers are counted."""
    if not event.published:
        return None
    sessions = _sessions(event)
    verdicts = [r.verdict.verdict for r in _results(event, sessions)]
    return rules.badge_data(verdicts, stats_for(event, sessions).overall["all"])
