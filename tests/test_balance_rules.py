"""No Women No Panel rules: pure functions, no database."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wid_events.balance import rules
from wid_events.balance.rules import FAIL, INCOMPLETE, PASS, Member, Policy, panel_verdict


def members(*spec: str) -> list[Member]:
    """``members("panelist:man", "moderator:woman")``."""
    out = []
    for i, s in enumerate(spec):
        role, gender = s.split(":")
        out.append(Member(role, gender, person_id=i))
    return out


def codes(v: rules.Verdict) -> list[str]:
    return [p.code for p in v.reason]


def test_one_woman_panelist_passes():
    v = panel_verdict(members("panelist:woman", "panelist:man", "panelist:man"))
    assert v.verdict == PASS
    assert v.counted == {"woman": 1, "man": 2, "non_binary": 0, "self_described": 0, "undisclosed": 0}
    assert v.women_needed == 0


def test_all_men_fails():
    v = panel_verdict(members("panelist:man", "panelist:man", "panelist:man"))
    assert v.verdict == FAIL
    assert v.women_needed == 1


def test_woman_moderator_only_fails_and_says_why():
    v = panel_verdict(members("panelist:man", "panelist:man", "panelist:man", "moderator:woman"))
    assert v.verdict == FAIL
    assert v.moderators["woman"] == 1
    assert v.counted["woman"] == 0
    assert codes(v) == ["needed", "panelists", "only_woman_moderates"]
    assert v.reason[1].n == 3 and v.reason[1].param("gender") == "man"


def test_woman_moderator_counts_when_the_policy_says_so():
    v = panel_verdict(
        members("panelist:man", "panelist:man", "moderator:woman"), Policy(count_moderators=True)
    )
    assert v.verdict == PASS
    assert v.counted["woman"] == 1


def test_facilitator_on_a_panel_is_a_chair_not_a_panelist():
    v = panel_verdict(members("panelist:man", "facilitator:woman"))
    assert v.verdict == FAIL


def test_speaker_role_on_a_panel_counts_as_panelist():
    assert panel_verdict(members("speaker:woman", "panelist:man")).verdict == PASS


def test_undisclosed_can_flip_the_verdict():
    v = panel_verdict(members("panelist:man", "panelist:man", "panelist:undisclosed"))
    assert v.verdict == INCOMPLETE
    assert "undisclosed_decide" in codes(v)
    # once the undisclosed panelist declares, the verdict is decided either way
    assert panel_verdict(members("panelist:man", "panelist:man", "panelist:woman")).verdict == PASS
    assert panel_verdict(members("panelist:man", "panelist:man", "panelist:man")).verdict == FAIL


def test_undisclosed_cannot_save_when_too_few():
    v = panel_verdict(members("panelist:man", "panelist:undisclosed"), Policy(min_women_per_panel=2))
    assert v.verdict == FAIL
    assert "undisclosed_cannot_save" in codes(v)


def test_undisclosed_does_not_matter_once_passing():
    v = panel_verdict(members("panelist:woman", "panelist:undisclosed"))
    assert v.verdict == PASS
    assert "undisclosed_decide" not in codes(v)


def test_non_binary_without_count_non_binary():
    v = panel_verdict(members("panelist:non_binary", "panelist:man"))
    assert v.verdict == FAIL
    assert v.counted["non_binary"] == 1
    assert "non_binary_not_counted" in codes(v)


def test_non_binary_with_count_non_binary():
    v = panel_verdict(members("panelist:non_binary", "panelist:man"), Policy(count_non_binary=True))
    assert v.verdict == PASS
    assert v.women_counted == 1


def _two_men_and_self_described(answer):
    return [
        Member("panelist", "man", person_id=1),
        Member("panelist", "man", person_id=2),
        Member("panelist", "self_described", person_id=3, count_as_woman=answer),
    ]


def test_self_described_without_an_answer_is_incomplete_never_fail():
    v = panel_verdict(_two_men_and_self_described(None))
    assert v.verdict == INCOMPLETE
    assert v.counted["self_described"] == 1
    assert "self_described_undecided" in codes(v)


def test_self_described_counted_as_a_woman_by_their_own_answer_passes():
    v = panel_verdict(_two_men_and_self_described(True))
    assert v.verdict == PASS
    assert v.counted["self_described"] == 1 and v.counted["woman"] == 0  # still reported as self-described
    assert "self_described_counted" in codes(v)


def test_self_described_who_asked_not_to_be_counted_as_a_woman_fails():
    v = panel_verdict(_two_men_and_self_described(False))
    assert v.verdict == FAIL
    assert "self_described_not_counted" in codes(v)


def test_count_as_woman_is_ignored_for_other_genders():
    v = panel_verdict([Member("panelist", "man", count_as_woman=True), Member("panelist", "man")])
    assert v.verdict == FAIL


def test_min_two_women():
    policy = Policy(min_women_per_panel=2)
    one = panel_verdict(members("panelist:woman", "panelist:man", "panelist:man"), policy)
    assert one.verdict == FAIL
    assert one.women_needed == 1
    assert codes(one)[0] == "more_needed"
    assert one.reason[0].param("minimum") == 2
    two = panel_verdict(members("panelist:woman", "panelist:woman", "panelist:man"), policy)
    assert two.verdict == PASS
    maybe = panel_verdict(members("panelist:woman", "panelist:undisclosed", "panelist:man"), policy)
    assert maybe.verdict == INCOMPLETE


def test_empty_panel_is_incomplete():
    v = panel_verdict([])
    assert v.verdict == INCOMPLETE
    assert codes(v) == ["no_panelists"]


def test_moderator_only_panel_is_incomplete_even_when_moderators_count():
    v = panel_verdict(members("moderator:woman"), Policy(count_moderators=True))
    assert v.verdict == INCOMPLETE
    assert codes(v)[0] == "no_panelists"


def test_minimum_zero_always_passes_with_panelists():
    assert panel_verdict(members("panelist:man"), Policy(min_women_per_panel=0)).verdict == PASS


# --- chance ---------------------------------------------------------------------------------


def test_chance_all_men_of_four_is_about_45_percent():
    assert rules.chance_all_men(4) == pytest.approx(0.818**4)
    assert round(rules.chance_all_men(4), 3) == 0.448


def test_chance_at_most_is_the_binomial_cdf():
    p = 0.3
    expected = sum(math.comb(5, i) * p**i * (1 - p) ** (5 - i) for i in range(2))
    assert rules.chance_at_most(5, 1, p) == pytest.approx(expected)
    assert rules.chance_at_most(5, 5, p) == 1.0
    assert rules.chance_at_most(0, 0, p) == 1.0


# --- statistics -----------------------------------------------------------------------------


def test_event_stats_count_each_person_once_per_group_and_by_day():
    import datetime as dt

    d1, d2 = dt.date(2030, 9, 11), dt.date(2030, 9, 12)
    w, m, u = (
        Member("panelist", "woman", 1),
        Member("panelist", "man", 2),
        Member("speaker", "undisclosed", 3),
    )
    sessions = [
        rules.SessionData("panel", d1, (w, m, Member("moderator", "man", 4))),
        rules.SessionData("panel", d2, (w, Member("panelist", "man", 5))),
        rules.SessionData("keynote", d1, (Member("speaker", "woman", 6),)),
        rules.SessionData("workshop", d2, (u,)),
        rules.SessionData("panel", d2, (Member("panelist", "man", 7),), cancelled=True),
    ]
    stats = rules.event_stats(sessions, Policy(target_share_women=0.5))
    assert stats.speakers == 6  # person 7 is only on a cancelled panel
    assert stats.overall["all"].women == 2
    assert stats.share_women == pytest.approx(2 / 6)
    assert stats.overall["panelists"].total == 3
    assert stats.overall["moderators"].counts["man"] == 1
    assert stats.overall["keynotes"].share == 1.0
    assert stats.overall["all"].share_if_undisclosed_women == pytest.approx(3 / 6)
    assert stats.gap == pytest.approx(0.5 - 2 / 6)
    assert stats.women_to_target == 2  # (2+2)/(6+2) = 0.5
    assert set(stats.by_day) == {d1, d2}
    assert stats.by_day[d1]["all"].total == 4
    assert stats.by_day[d2]["all"].total == 3


def test_women_to_reach():
    assert rules.women_to_reach(4, 10, 0.4) == 0
    assert rules.women_to_reach(0, 4, 0.4) == 3  # 3/7 ≥ 0.4, 2/6 < 0.4
    assert rules.women_to_reach(1, 2, 1.0) is None


def _share(women, others):
    return rules.Share(
        {"woman": women, "man": others, "non_binary": 0, "self_described": 0, "undisclosed": 0}
    )


def test_badge_share_only_with_five_women_and_five_others():
    """Issue 16, F8: the share is published only when at least 5 counted speakers are women and
    at least 5 are not; otherwise only the panels line."""
    assert rules.badge_data([], _share(2, 2)) is None
    small = rules.badge_data(["pass"], _share(2, 2))
    assert (small.panels_passing, small.panels_total, small.share_women_percent) == (1, 1, None)
    # The finding: 5 women and 1 man (83 %) told everyone which one speaker is not a woman.
    assert rules.badge_data(["pass"], _share(5, 1)).share_women_percent is None
    assert rules.badge_data(["pass"], _share(4, 10)).share_women_percent is None
    assert rules.badge_data(["pass"], _share(10, 4)).share_women_percent is None
    assert rules.badge_data(["pass"], _share(5, 0)).share_women_percent is None
    badge = rules.badge_data(["pass", "fail", "incomplete"], _share(5, 5))
    assert (badge.panels_passing, badge.panels_total, badge.share_women_percent) == (1, 3, 50)
    assert rules.badge_data([], _share(6, 9)).share_women_percent == 40


# --- properties -----------------------------------------------------------------------------

genders = st.sampled_from(rules.GENDERS)
roles = st.sampled_from(["panelist", "speaker", "moderator", "facilitator"])
answers = st.sampled_from([None, True, False])
member_lists = st.lists(st.builds(Member, roles, genders, count_as_woman=answers), max_size=8)
policies = st.builds(
    Policy,
    min_women_per_panel=st.integers(0, 3),
    count_moderators=st.booleans(),
    count_non_binary=st.booleans(),
)


@settings(max_examples=200, deadline=None)
@given(member_lists, policies)
def test_adding_a_woman_panelist_never_turns_pass_into_fail(ms, policy):
    v = panel_verdict(ms, policy)
    after = panel_verdict([*ms, Member("panelist", "woman")], policy).verdict
    if v.verdict == PASS:
        assert after == PASS
    if v.verdict == INCOMPLETE and v.panelists:
        assert after != FAIL  # an undecided panel only gets closer to passing


@settings(max_examples=200, deadline=None)
@given(member_lists, policies, st.sampled_from(["panelist", "speaker", "moderator"]))
def test_adding_a_man_never_turns_fail_into_pass(ms, policy, role):
    before = panel_verdict(ms, policy).verdict
    after = panel_verdict([*ms, Member(role, "man")], policy).verdict
    if before == FAIL:
        assert after == FAIL
    if before == PASS:
        assert after == PASS  # a man never takes a woman's place either


@settings(max_examples=200, deadline=None)
@given(member_lists, policies, st.randoms())
def test_verdict_does_not_depend_on_order(ms, policy, rnd):
    shuffled = list(ms)
    rnd.shuffle(shuffled)
    assert panel_verdict(ms, policy) == panel_verdict(shuffled, policy)


@settings(max_examples=200, deadline=None)
@given(member_lists, policies)
def test_undisclosed_bounds_the_outcome(ms, policy):
    """incomplete exactly when declaring the undisclosed as women vs men (and the self-described
    without an answer as yes vs no) would differ."""
    v = panel_verdict(ms, policy)

    def decided(m: Member, as_woman: bool) -> Member:
        if m.gender == "undisclosed":
            return Member(m.role, "woman" if as_woman else "man")
        if m.gender == "self_described" and m.count_as_woman is None:
            return Member(m.role, "self_described", count_as_woman=as_woman)
        return m

    as_women = [decided(m, True) for m in ms]
    as_men = [decided(m, False) for m in ms]
    best, worst = panel_verdict(as_women, policy).verdict, panel_verdict(as_men, policy).verdict
    if v.verdict == FAIL:
        assert best == FAIL  # even all-women undisclosed cannot save it
    if v.verdict == PASS:
        assert worst == PASS
    if v.verdict == INCOMPLETE and v.panelists:
        assert (best, worst) == (PASS, FAIL)


@settings(max_examples=200, deadline=None)
@given(member_lists, policies)
def test_counts_add_up_and_reason_is_never_empty(ms, policy):
    v = panel_verdict(ms, policy)
    moderators = sum(1 for m in ms if m.is_moderator)
    assert sum(v.moderators.values()) == moderators
    assert v.counted_total == len(ms) - (0 if policy.count_moderators else moderators)
    assert v.reason
    assert (v.women_needed == 0) == (v.verdict == PASS) or v.verdict == INCOMPLETE


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 12), st.floats(0.01, 0.99))
def test_chance_of_all_men_falls_with_panel_size(n, p):
    assert rules.chance_all_men(n + 1, p) <= rules.chance_all_men(n, p)
    assert 0.0 <= rules.chance_at_most(n, n // 2, p) <= 1.0


@settings(max_examples=200, deadline=None)
@given(member_lists, policies)
def test_a_self_described_answer_of_yes_never_does_worse_than_no(ms, policy):
    """Answering "count me as a woman" moves a panel towards passing, never towards failing."""
    order = {FAIL: 0, INCOMPLETE: 1, PASS: 2}
    for i, m in enumerate(ms):
        if m.gender != "self_described":
            continue
        yes = [*ms[:i], Member(m.role, m.gender, count_as_woman=True), *ms[i + 1 :]]
        no = [*ms[:i], Member(m.role, m.gender, count_as_woman=False), *ms[i + 1 :]]
        assert order[panel_verdict(yes, policy).verdict] >= order[panel_verdict(no, policy).verdict]


def test_moderator_statistics_count_panel_moderators_only():
    sessions = [
        rules.SessionData(
            "panel", 1, (Member("moderator", "woman", person_id=1), Member("panelist", "man", person_id=2))
        ),
        rules.SessionData("workshop", 1, (Member("facilitator", "woman", person_id=3),)),
        rules.SessionData(
            "talk", 1, (Member("moderator", "man", person_id=4), Member("speaker", "man", person_id=5))
        ),
    ]
    stats = rules.event_stats(sessions)
    assert stats.overall["moderators"].total == 1
    assert stats.overall["other"].total == 3
