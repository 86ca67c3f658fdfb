"""No Women No Panel: the rules, as pure functions over plain data.

No database, no Flask: everything here takes dataclasses and strings, so the rules can be
read, unit-tested and property-tested on their own. :mod:`wid_events.balance.services`
turns models into these inputs and renders the structured reasons with gettext.

The rules (issue 4; the campaigns they follow are named in brackets):

* Only sessions of type ``panel`` get a verdict; cancelled panels are ignored.
* **Counted members** are the panelists: role ``panelist``, and role ``speaker`` on a panel
  session (an import or the CSV may use the generic role). Moderators (role ``moderator``,
  and ``facilitator``, which on a panel is the chair) are counted only when the policy says
  ``count_moderators`` (Owen Barder's pledge, EU Panel Watch: a woman moderating men is not a
  balanced panel, so the default is not to count them).
* **Who counts towards the minimum:** women; non-binary people too when ``count_non_binary``.
* **pass:** counted women ≥ minimum (and the panel has at least one panelist).
* **fail:** counted women + counted undisclosed < minimum: even if every undisclosed
  panelist turned out to be a woman, the panel would still fall short.
* **incomplete:** the panel has no panelists yet, or the undisclosed could decide it.
* **Self-described** people decide how they are counted (issue 14). They answer one
  optional question, "for the No Women No Panel count, count me as a woman":
  *yes* counts them towards the minimum (they are still reported as self-described),
  *no* does not count them, and *prefer not to say* or no answer leaves them like the
  undisclosed: they can make a panel *incomplete*, never *fail*. The rule never reads the
  free-text description (that would be the organiser guessing someone's gender, the thing
  self-declaration exists to avoid).

A verdict carries a structured reason (:class:`ReasonPart` codes with numbers) rather than
an English sentence, so that the caller can translate it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

WOMAN = "woman"
MAN = "man"
NON_BINARY = "non_binary"
SELF_DESCRIBED = "self_described"
UNDISCLOSED = "undisclosed"
#: Every gender value, in report order (the keys of ``counted``/``moderators``).
GENDERS = (WOMAN, MAN, NON_BINARY, SELF_DESCRIBED, UNDISCLOSED)

PASS = "pass"  # noqa: S105 (a verdict, not a password)
FAIL = "fail"
INCOMPLETE = "incomplete"

#: Roles that make someone a panelist on a panel session.
PANELIST_ROLES = frozenset({"panelist", "speaker"})
#: Roles that chair a panel: not counted unless the policy says so.
MODERATOR_ROLES = frozenset({"moderator", "facilitator"})

#: Women among ICT experts in Belgium (Women in Digital strategy): the default base rate.
DEFAULT_BASE_RATE = 0.182
#: A public share of women is published only when at least this many counted speakers are
#: women and at least this many are not; otherwise only the panels line is (the speakers'
#: names are public, so a small group's share would tell each one's gender).
PUBLIC_SHARE_MIN_GROUP = 5


def public_share_allowed(women: int, total: int) -> bool:
    """Whether a share of ``women`` among ``total`` counted speakers may be published."""
    return women >= PUBLIC_SHARE_MIN_GROUP and total - women >= PUBLIC_SHARE_MIN_GROUP


@dataclass(frozen=True)
class Member:
    """One person on a panel: their role on it and their self-declared gender."""

    role: str
    gender: str = UNDISCLOSED
    #: Optional identity, so that statistics count each person once across sessions.
    person_id: Any = None
    #: A self-described person's own answer to "count me as a woman" (True/False), or None
    #: (no answer, prefer not to say). Ignored for every other gender.
    count_as_woman: bool | None = None

    @property
    def is_moderator(self) -> bool:
        return self.role in MODERATOR_ROLES

    @property
    def self_described_answer(self) -> bool | None:
        """The count-as-woman answer when self-described, else None."""
        return self.count_as_woman if self.gender == SELF_DESCRIBED else None


@dataclass(frozen=True)
class Policy:
    """An event's policy (contract ``balance_policy``)."""

    min_women_per_panel: int = 1
    count_moderators: bool = False
    count_non_binary: bool = False
    target_share_women: float = 0.4

    def counts_towards_minimum(self, gender: str) -> bool:
        return gender == WOMAN or (self.count_non_binary and gender == NON_BINARY)


@dataclass(frozen=True)
class ReasonPart:
    """One clause of a human reason: a code, a number (for plurals) and parameters.

    Codes (``n`` is the number the clause is about):

    ``no_panelists``: the panel has no panelists yet.
    ``needed``: n women needed in all (none counted yet).
    ``more_needed``: n more women needed; ``minimum`` in params.
    ``minimum_met``: n counted women meet the minimum (``minimum`` in params).
    ``panelists``: n panelists (moderators excluded) of gender ``gender`` (params: woman or
    man), e.g. "3 men panelists".
    ``moderators_counted``: n women moderate, and moderators count under this event's policy.
    ``only_woman_moderates``: the only woman is the moderator, and moderators are not counted.
    ``women_moderate``: n women moderate, and moderators are not counted.
    ``non_binary_not_counted``: n counted non-binary people, not counted towards the minimum.
    ``non_binary_counted``: n counted non-binary people count towards the minimum (policy).
    ``self_described_counted``: n self-described people who asked to be counted as women.
    ``self_described_not_counted``: n self-described people who asked not to be counted as women.
    ``self_described_undecided``: n self-described people who have not said how to count
    them, and could decide the verdict (like the undisclosed).
    ``undisclosed_decide``: n people who have not disclosed could decide the verdict.
    ``undisclosed_cannot_save``: n undisclosed people, too few to reach the minimum.
    """

    code: str
    n: int = 0
    params: tuple[tuple[str, Any], ...] = ()

    def param(self, name: str, default: Any = None) -> Any:
        return dict(self.params).get(name, default)


def _zero() -> dict[str, int]:
    return dict.fromkeys(GENDERS, 0)


@dataclass(frozen=True)
class Verdict:
    verdict: str
    #: Counted members by gender (panelists, plus moderators when the policy counts them).
    counted: dict[str, int] = field(default_factory=_zero)
    #: Moderators by gender (always reported, counted or not).
    moderators: dict[str, int] = field(default_factory=_zero)
    #: Counted members who count towards the minimum (women, + non-binary if the policy says).
    women_counted: int = 0
    #: The policy's minimum.
    minimum: int = 1
    #: How many more counting members the panel needs to pass (0 when it passes).
    women_needed: int = 0
    #: Counted members who have not disclosed their gender.
    undisclosed: int = 0
    #: Counted self-described members by their answer to "count me as a woman".
    self_described_yes: int = 0
    self_described_no: int = 0
    self_described_undecided: int = 0
    #: Number of panelists (moderators excluded).
    panelists: int = 0
    reason: tuple[ReasonPart, ...] = ()

    @property
    def counted_total(self) -> int:
        return sum(self.counted.values())


def _tally(members: Iterable[Member]) -> dict[str, int]:
    out = _zero()
    for m in members:
        out[m.gender if m.gender in out else UNDISCLOSED] += 1
    return out


def panel_verdict(members: Sequence[Member], policy: Policy = Policy()) -> Verdict:
    """The No Women No Panel verdict of one (non-cancelled) panel.

    >>> panel_verdict([Member("panelist", "man")] * 3 + [Member("moderator", "woman")]).verdict
    'fail'
    """
    panelists = [m for m in members if not m.is_moderator]
    moderators = [m for m in members if m.is_moderator]
    counted_members = panelists + (moderators if policy.count_moderators else [])
    counted = _tally(counted_members)
    mods = _tally(moderators)
    minimum = max(0, policy.min_women_per_panel)
    answers = [m.count_as_woman for m in counted_members if m.gender == SELF_DESCRIBED]
    sd_yes, sd_no = answers.count(True), answers.count(False)
    sd_undecided = len(answers) - sd_yes - sd_no
    women = counted[WOMAN] + (counted[NON_BINARY] if policy.count_non_binary else 0) + sd_yes
    undisclosed = counted[UNDISCLOSED]
    undecided = undisclosed + sd_undecided
    needed = max(0, minimum - women)
    parts: list[ReasonPart] = []

    if not panelists:
        verdict = INCOMPLETE
        parts.append(ReasonPart("no_panelists"))
    elif women >= minimum:
        verdict = PASS
    elif women + undecided < minimum:
        verdict = FAIL
    else:
        verdict = INCOMPLETE

    if panelists:
        if verdict == PASS:
            parts.append(ReasonPart("minimum_met", women, (("minimum", minimum),)))
        elif women == 0:
            parts.append(ReasonPart("needed", minimum))
        else:
            parts.append(ReasonPart("more_needed", needed, (("minimum", minimum),)))
        on_panel = _tally(panelists)
        for gender in (WOMAN, MAN):
            if on_panel[gender]:
                parts.append(ReasonPart("panelists", on_panel[gender], (("gender", gender),)))
        if counted[NON_BINARY]:
            code = "non_binary_counted" if policy.count_non_binary else "non_binary_not_counted"
            parts.append(ReasonPart(code, counted[NON_BINARY]))
        for code, n in (
            ("self_described_counted", sd_yes),
            ("self_described_not_counted", sd_no),
            ("self_described_undecided", sd_undecided if verdict != PASS else 0),
        ):
            if n:
                parts.append(ReasonPart(code, n))
        if undisclosed:
            code = "undisclosed_decide" if verdict == INCOMPLETE else "undisclosed_cannot_save"
            if verdict != PASS:
                parts.append(ReasonPart(code, undisclosed))
        if policy.count_moderators and mods[WOMAN]:
            parts.append(ReasonPart("moderators_counted", mods[WOMAN]))
    if not policy.count_moderators and mods[WOMAN] and verdict != PASS:
        if mods[WOMAN] == 1 and counted[WOMAN] == 0:
            parts.append(ReasonPart("only_woman_moderates", 1))
        else:
            parts.append(ReasonPart("women_moderate", mods[WOMAN]))

    return Verdict(
        verdict=verdict,
        counted=counted,
        moderators=mods,
        women_counted=women,
        minimum=minimum,
        women_needed=0 if verdict == PASS else needed,
        undisclosed=undisclosed,
        self_described_yes=sd_yes,
        self_described_no=sd_no,
        self_described_undecided=sd_undecided,
        panelists=len(panelists),
        reason=tuple(parts),
    )


# --- chance -------------------------------------------------------------------------------


def chance_at_most(n: int, k: int, base_rate: float = DEFAULT_BASE_RATE) -> float:
    """P(at most ``k`` women among ``n`` people drawn at random from a field with
    ``base_rate`` women): the binomial cumulative probability.

    "How likely is this line-up by chance": a small value means the line-up is unlikely to be
    an accident of the field; a large one means "it just happened" often, so it must be acted
    on deliberately (which is the campaign's point).
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    p = min(1.0, max(0.0, base_rate))
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    return min(1.0, sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k + 1)))


def chance_all_men(n: int, base_rate: float = DEFAULT_BASE_RATE) -> float:
    """P(no woman among ``n`` people drawn at random). P(0 of 4 | 0.182) = 0.818⁴ ≈ 0.448."""
    return chance_at_most(n, 0, base_rate)


# --- event statistics ---------------------------------------------------------------------

#: Statistics groups, in report order.
GROUPS = ("all", "panelists", "keynotes", "moderators", "other")


@dataclass(frozen=True)
class SessionData:
    """A session as the statistics need it."""

    type: str
    day: Any
    members: tuple[Member, ...] = ()
    cancelled: bool = False


@dataclass(frozen=True)
class Share:
    """Distinct people of one group, by gender, with the share of women."""

    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def women(self) -> int:
        return self.counts[WOMAN]

    @property
    def share(self) -> float | None:
        """Women among everyone in the group (undisclosed included in the denominator)."""
        return self.women / self.total if self.total else None

    @property
    def share_if_undisclosed_women(self) -> float | None:
        """The upper bound, if every undisclosed person were a woman."""
        return (self.women + self.counts[UNDISCLOSED]) / self.total if self.total else None


def group_of(session_type: str, member: Member) -> str:
    """The statistics group of a member: moderators are those who chair a *panel* (a workshop's
    facilitator or a talk's host counts under "other", not as a moderator)."""
    if session_type == "panel":
        return "moderators" if member.is_moderator else "panelists"
    if session_type == "keynote":
        return "keynotes"
    return "other"


def _shares(sessions: Iterable[SessionData]) -> dict[str, Share]:
    people: dict[str, dict[Any, str]] = {g: {} for g in GROUPS}
    anonymous = 0
    for s in sessions:
        if s.cancelled:
            continue
        for m in s.members:
            ident = m.person_id
            if ident is None:  # no identity: every appearance is its own person
                anonymous += 1
                ident = ("anon", anonymous)
            people["all"][ident] = m.gender
            people[group_of(s.type, m)][ident] = m.gender
    return {g: Share(_tally(Member("x", gender) for gender in people[g].values())) for g in GROUPS}


@dataclass(frozen=True)
class EventStats:
    overall: dict[str, Share]
    by_day: dict[Any, dict[str, Share]]
    target: float
    base_rate: float

    @property
    def speakers(self) -> int:
        return self.overall["all"].total

    @property
    def share_women(self) -> float | None:
        return self.overall["all"].share

    @property
    def gap(self) -> float | None:
        """Target minus the share of women (positive: short of the target)."""
        share = self.share_women
        return None if share is None else self.target - share

    @property
    def women_to_target(self) -> int | None:
        """How many more women speakers (added to the line-up) would reach the target."""
        return women_to_reach(self.overall["all"].women, self.speakers, self.target)

    @property
    def chance(self) -> float | None:
        """P(this few women or fewer among all speakers, by chance from the field)."""
        if not self.speakers:
            return None
        return chance_at_most(self.speakers, self.overall["all"].women, self.base_rate)


def women_to_reach(women: int, total: int, target: float) -> int | None:
    """Smallest k ≥ 0 with (women + k) / (total + k) ≥ target (adding k women);
    None when adding women alone can never reach it (a target of 100 %)."""
    if total == 0 or women / total >= target:
        return 0
    if target >= 1:
        return None
    return max(0, math.ceil((target * total - women) / (1 - target) - 1e-9))


def event_stats(
    sessions: Sequence[SessionData], policy: Policy = Policy(), base_rate: float = DEFAULT_BASE_RATE
) -> EventStats:
    days = sorted({s.day for s in sessions if not s.cancelled})
    return EventStats(
        overall=_shares(sessions),
        by_day={d: _shares(s for s in sessions if s.day == d) for d in days},
        target=policy.target_share_women,
        base_rate=base_rate,
    )


@dataclass(frozen=True)
class BadgeData:
    panels_total: int
    panels_passing: int
    speakers: int
    #: Share of women speakers, rounded to whole percent; None when it would identify people.
    share_women_percent: int | None


def badge_data(verdicts: Sequence[str], overall: Share) -> BadgeData | None:
    """The public transparency badge, or None when there is nothing to show.

    The share of women is published only when :func:`public_share_allowed` (at least 5
    counted speakers are women and at least 5 are not), so nobody's gender can be inferred
    from it; otherwise only "N of M panels meet No Women No Panel" is shown.
    """
    share = None
    if public_share_allowed(overall.women, overall.total):
        share = round(100 * overall.women / overall.total)
    if not verdicts and share is None:
        return None
    return BadgeData(
        panels_total=len(verdicts),
        panels_passing=sum(1 for v in verdicts if v == PASS),
        speakers=overall.total,
        share_women_percent=share,
    )
