"""The organiser's balance report and the public transparency badge."""

from __future__ import annotations

from dataclasses import dataclass, field

from wid_events import signals
from wid_events.accounts.models import User
from wid_events.balance import rules
from wid_events.balance.services.suggestions import Suggestion, suggestions
from wid_events.balance.services.verdicts import PanelResult, event_sessions, panel_results_of, stats_for
from wid_events.events.models import Event


@dataclass
class Report:
    event: Event
    panels: list[PanelResult]
    stats: rules.EventStats
    suggestions: dict[int, list[Suggestion]]
    #: Suggestions from other areas (the speaker pool) for failing and incomplete panels.
    pool_suggestions: dict[int, list] = field(default_factory=dict)

    def count(self, verdict: str) -> int:
        return sum(1 for p in self.panels if p.verdict.verdict == verdict)

    @property
    def blocking(self) -> list[PanelResult]:
        return [p for p in self.panels if p.blocks]

    @property
    def exempted(self) -> list[PanelResult]:
        return [p for p in self.panels if p.exempted]


def report(event: Event, *, user: User | None = None) -> Report:
    sessions = event_sessions(event)
    panels = panel_results_of(event, sessions)
    return Report(
        event=event,
        panels=panels,
        stats=stats_for(event, sessions),
        suggestions={
            p.session.id: suggestions(event, p.session, user=user)
            for p in panels
            if p.verdict.verdict == rules.FAIL
        },
        pool_suggestions={
            p.session.id: signals.collect(signals.panel_suggestions, event, session=p.session)
            for p in panels
            if p.verdict.verdict in (rules.FAIL, rules.INCOMPLETE) and not p.exempted
        },
    )


def badge(event: Event) -> rules.BadgeData | None:
    """Aggregates for the public badge; None for drafts and when there is nothing to show."""
    if not event.published:
        return None
    sessions = event_sessions(event)
    verdicts = [r.verdict.verdict for r in panel_results_of(event, sessions)]
    return rules.badge_data(verdicts, stats_for(event, sessions).overall["all"])
