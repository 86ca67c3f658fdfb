"""Reading the database into the rules' plain data: each panel's verdict, the event's
statistics and the ``balance check`` document."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from wid_events.agenda.models import Session, SessionSpeaker
from wid_events.balance import rules
from wid_events.balance.models import BalanceExemption
from wid_events.balance.services.reasons import render_reason
from wid_events.enums import Gender, SessionType, SpeakerRole
from wid_events.events.models import Event
from wid_events.extensions import db
from wid_events.people.models import Person


def policy_for(event: Event) -> rules.Policy:
    return rules.Policy(
        min_women_per_panel=event.balance_min_women_per_panel,
        count_moderators=event.balance_count_moderators,
        count_non_binary=event.balance_count_non_binary,
        target_share_women=event.balance_target_share_women,
    )


def gender_of(person: Person) -> str:
    return Gender(person.gender or Gender.UNDISCLOSED).value


def members_of(session: Session) -> list[rules.Member]:
    return [
        rules.Member(
            role=SpeakerRole(link.role).value,
            gender=gender_of(link.person),
            person_id=link.person_id,
            count_as_woman=link.person.count_as_woman,
        )
        for link in session.speakers
    ]


def event_sessions(event: Event) -> list[Session]:
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


def lineup(session: Session) -> list[str]:
    return sorted(f"{link.person_id}:{SpeakerRole(link.role).value}" for link in session.speakers)


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


def panel_results_of(event: Event, sessions: list[Session]) -> list[PanelResult]:
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
                lineup_changed=exemption is not None and exemption.lineup != lineup(session),
            )
        )
    return out


def panel_results(event: Event) -> list[PanelResult]:
    """Every non-cancelled panel's verdict, in agenda order."""
    return panel_results_of(event, event_sessions(event))


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
    sessions = event_sessions(event) if sessions is None else sessions
    return rules.event_stats(_session_data(sessions), policy_for(event), event.balance_base_rate)


def check(event: Event) -> dict:
    """The ``balance check --json`` document (contract), also served by balance.json and the API.

    ``counted`` holds the members counted towards the verdict: panelists, plus moderators when
    the policy counts them. An exempted failing panel keeps ``"verdict": "fail"``; its
    exemption is written in ``reason``.
    """
    sessions = event_sessions(event)
    results = panel_results_of(event, sessions)
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
