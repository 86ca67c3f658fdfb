"""Server-rendered SVG charts for the balance report.

No JavaScript and no ``style`` attributes (CSP): presentation attributes only. Every chart
is ``role="img"`` with a ``<title>`` and ``<desc>``; the report also prints the same numbers
as a list next to each chart, so nothing is only visible as colour or shape. Colours meet
3:1 against white and each series also has its own label in the legend and the list.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext, ngettext
from markupsafe import Markup, escape

from wid_events.balance import rules
from wid_events.core.labels import percent

#: Fill per gender, in stacking order (women first, so "is there one?" reads at a glance).
COLOURS = {
    rules.WOMAN: "#5a2a82",
    rules.NON_BINARY: "#1d6b35",
    rules.SELF_DESCRIBED: "#7a4d00",
    rules.MAN: "#5f6b7a",
    rules.UNDISCLOSED: "#ffffff",
}
STACK = (rules.WOMAN, rules.NON_BINARY, rules.SELF_DESCRIBED, rules.MAN, rules.UNDISCLOSED)


def gender_labels() -> dict[str, str]:
    return {
        rules.WOMAN: gettext("women"),
        rules.MAN: gettext("men"),
        rules.NON_BINARY: gettext("non-binary"),
        rules.SELF_DESCRIBED: gettext("self-described"),
        rules.UNDISCLOSED: gettext("not disclosed"),
    }


def count_label(gender: str, n: int) -> str:
    """ "3 men", "1 woman", "2 people not disclosed"."""
    if gender == rules.WOMAN:
        return ngettext("%(num)d woman", "%(num)d women", n)
    if gender == rules.MAN:
        return ngettext("%(num)d man", "%(num)d men", n)
    if gender == rules.NON_BINARY:
        return ngettext("%(num)d non-binary person", "%(num)d non-binary people", n)
    if gender == rules.SELF_DESCRIBED:
        return ngettext("%(num)d self-described", "%(num)d self-described", n)
    return ngettext("%(num)d not disclosed", "%(num)d not disclosed", n)


def _rect(x: float, y: float, w: float, h: float, fill: str, **extra: str) -> str:
    attrs = " ".join(f'{k.replace("_", "-")}="{escape(v)}"' for k, v in extra.items())
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}" {attrs}/>'


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 13, weight: str = "400"):
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" text-anchor="{anchor}" '
        f'fill="#1b1b1f">{escape(text)}</text>'
    )


def _shorten(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _legend(y: float) -> list[str]:
    out, x = [], 0.0
    labels = gender_labels()
    for g in STACK:
        out.append(_rect(x, y, 14, 14, COLOURS[g], stroke="#1b1b1f", stroke_width="1"))
        out.append(_text(x + 19, y + 12, labels[g], size=12))
        x += 30 + 7.2 * len(labels[g])
    return out


def _svg(ident: str, size: tuple[int, int], title: str, desc: str, body: list[str]) -> Markup:
    """Every interpolated text is escaped; numbers are formatted by us."""
    width, height = size
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="balance-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{ident}-title {ident}-desc" focusable="false">'
        f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def panel_composition(panels: Sequence, *, ident: str = "panel-chart") -> Markup:
    """One stacked bar per panel: the counted members by gender, a tick at the minimum,
    and the verdict written at the end of the bar. ``panels`` are ``PanelResult``s."""
    verdict_labels = {
        rules.PASS: gettext("pass"),
        rules.FAIL: gettext("fail"),
        rules.INCOMPLETE: gettext("incomplete"),
    }
    unit, left, top, row = 34, 230, 30, 30
    most = max([p.verdict.counted_total for p in panels] + [p.verdict.minimum for p in panels] + [4])
    width = left + most * unit + 150
    height = top + row * len(panels) + 10
    body = _legend(0)
    descs = []
    for i, p in enumerate(panels):
        y = top + i * row
        v = p.verdict
        body.append(_text(0, y + 16, _shorten(p.session.title)))
        x = float(left)
        for g in STACK:
            for _ in range(v.counted[g]):
                body.append(_rect(x, y + 2, unit - 3, 20, COLOURS[g], stroke="#1b1b1f", stroke_width="1"))
                x += unit
        if not v.counted_total:
            body.append(_rect(left, y + 2, unit - 3, 20, "#ffffff", stroke="#4a4a55", stroke_dasharray="3 2"))
        tick = left + v.minimum * unit - 1.5
        body.append(
            f'<line x1="{tick:.1f}" y1="{y - 1}" x2="{tick:.1f}" y2="{y + 25}" stroke="#a4262c" '
            f'stroke-width="2" stroke-dasharray="4 2"/>'
        )
        word = verdict_labels[v.verdict] + (" (" + gettext("exempted") + ")" if p.exempted else "")
        body.append(_text(left + most * unit + 12, y + 16, word, weight="700"))
        parts = ", ".join(count_label(g, v.counted[g]) for g in STACK if v.counted[g]) or gettext("nobody")
        descs.append(f"{p.session.title}: {parts}; {word}")
    title = gettext("Composition of each panel (counted members)")
    desc = gettext("Dashed red line: the minimum number of women per panel.") + " " + " · ".join(descs)
    return _svg(ident, (width, height), title, desc, body)


def share_vs_target(rows: Sequence[tuple[str, rules.Share]], target: float, *, ident: str) -> Markup:
    """Horizontal bars: the share of women in each group, against the event's target."""
    left, top, row, scale = 170, 28, 30, 400
    width = left + scale + 70
    height = top + row * len(rows) + 26
    body = []
    descs = []
    for i, (label, share) in enumerate(rows):
        y = top + i * row
        body.append(_text(0, y + 16, label))
        body.append(_rect(left, y + 2, scale, 20, "#f5f5f8", stroke="#4a4a55", stroke_width="1"))
        if share.share is None:
            body.append(_text(left + 6, y + 16, gettext("no speakers"), size=12))
            descs.append(f"{label}: {gettext('no speakers')}")
            continue
        body.append(_rect(left, y + 2, scale * share.share, 20, COLOURS[rules.WOMAN]))
        text = f"{percent(share.share, 0)} ({share.women}/{share.total})"
        body.append(_text(left + scale + 6, y + 16, text, size=12))
        descs.append(f"{label}: {text}")
    tx = left + scale * target
    body.append(
        f'<line x1="{tx:.1f}" y1="{top - 8}" x2="{tx:.1f}" y2="{top + row * len(rows)}" '
        f'stroke="#a4262c" stroke-width="2" stroke-dasharray="5 3"/>'
    )
    target_label = gettext("target %(share)s", share=percent(target, 0))
    body.append(_text(tx, top - 12, target_label, anchor="middle", size=12, weight="700"))
    title = gettext("Share of women speakers against the target")
    desc = target_label + ". " + " · ".join(descs)
    return _svg(ident, (width, height + 4), title, desc, body)
