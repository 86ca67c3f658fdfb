"""Name badges as one PDF, rendered by WeasyPrint.

Who gets a badge (:func:`collect_badges`):

* every *confirmed* registration (in person and online, as the contract says; filter with
  ``attendance=``) — role ``attendee``, QR = the registration's opaque ``checkin_code``;
* a confirmed registration whose email matches a speaker of the event gets the ``speaker``
  role (one badge, with a QR code, instead of two);
* every other speaker (Person on a session of the event, invitation not declined) — role
  ``speaker``, **without** a QR code: speakers are let in from the speaker list, they have no
  registration and therefore nothing to check in;
* the event's organisers (users with the organiser role) — role ``organiser``, no QR code;
* anything other areas return for :data:`wid_events.signals.badges_collect` (Job Day: exhibitors).

Emails and gender are never printed; the QR code holds only the opaque check-in code.

Speed: one HTML document per chunk of :data:`CHUNK` badges, laid out in a pool of light
processes (:mod:`~wid_events.exports.pdf_pool`), each with one ``FontConfiguration`` and the
stylesheet parsed once (:mod:`~wid_events.core.pdf_render`); the QR codes are vector rectangles
drawn into the PDF after layout, not SVG images; the chunks' PDFs are joined with pypdf.
"""

from __future__ import annotations

import dataclasses
import html
import itertools
from collections.abc import Callable, Iterable

import sqlalchemy as sa
from babel.dates import format_interval
from flask_babel import gettext as _

from wid_events import signals
from wid_events.accounts.models import EventOrganiser, User
from wid_events.agenda.models import Session, SessionSpeaker
from wid_events.core import pdf_render
from wid_events.core.collation import collation_key
from wid_events.core.content import localized
from wid_events.core.web import format_locale, local_date
from wid_events.enums import BadgeRole, InvitationStatus, RegistrationStatus
from wid_events.errors import DomainError
from wid_events.events import look
from wid_events.exports import pdf_pool
from wid_events.exports.ics import locale_context
from wid_events.extensions import db
from wid_events.people.models import Person
from wid_events.registration.models import Registration

LAYOUTS = ("a6", "a4-4up", "a4-8up")
#: Badges per page, for each layout.
PER_PAGE = {"a6": 1, "a4-4up": 4, "a4-8up": 8}
#: Badges rendered per WeasyPrint document (progress is reported after each chunk). 48 rather
#: than 96: the same CPU time, a shorter tail on the last core, and smaller workers (-7 MB).
CHUNK = 48

#: Background of the role band; all pass WCAG AA (≥ 4.5:1) against white text.
ROLE_COLOURS = {
    BadgeRole.ATTENDEE: "#1d4f91",
    BadgeRole.SPEAKER: "#6a1b7a",
    BadgeRole.ORGANISER: "#a4161a",
    BadgeRole.EXHIBITOR: "#1b5e20",
    BadgeRole.PRESS: "#3c3c3c",
}


@dataclasses.dataclass
class Badge:
    """One printed badge. Other areas build these to add badges (e.g. exhibitors)."""

    first_name: str
    full_name: str
    organisation: str | None = None
    pronouns: str | None = None
    role: BadgeRole = BadgeRole.ATTENDEE
    #: QR content: only an opaque check-in code, or None for a badge without QR code.
    code: str | None = None
    #: The registration it was made from, when there is one.
    registration_id: int | None = None


def role_label(role: BadgeRole) -> str:
    return {
        BadgeRole.ATTENDEE: _("Attendee"),
        BadgeRole.SPEAKER: _("Speaker"),
        BadgeRole.ORGANISER: _("Organiser"),
        BadgeRole.EXHIBITOR: _("Exhibitor"),
        BadgeRole.PRESS: _("Press"),
    }.get(role, str(role))


def first_name_of(name: str) -> str:
    parts = (name or "").split()
    return parts[0] if parts else ""


def badge_for_registration(registration, role: BadgeRole = BadgeRole.ATTENDEE) -> Badge:
    return Badge(
        first_name=first_name_of(registration.name),
        full_name=registration.name,
        organisation=registration.organisation or None,
        pronouns=registration.pronouns or None,
        role=role,
        code=registration.checkin_code,
        registration_id=registration.id,
    )


def _speakers(event) -> list:
    return list(
        db.session.scalars(
            sa.select(Person)
            .where(
                Person.id.in_(
                    sa.select(SessionSpeaker.person_id)
                    .join(Session, Session.id == SessionSpeaker.session_id)
                    .where(
                        Session.event_id == event.id,
                        SessionSpeaker.invitation_status != InvitationStatus.DECLINED,
                    )
                )
            )
            .order_by(Person.name, Person.id)
        )
    )


def collect_badges(
    event,
    *,
    roles: set[str] | None = None,
    registration_ids: Iterable[int] | None = None,
    attendance: str | None = None,
) -> list[Badge]:
    """The badges to print for ``event``, sorted by name (see the module docstring)."""
    roles = {str(r) for r in roles} if roles else None
    speakers = _speakers(event)
    speaker_emails = {p.email.strip().lower(): p for p in speakers if p.email}

    stmt = sa.select(Registration).where(
        Registration.event_id == event.id,
        Registration.status == RegistrationStatus.CONFIRMED,
        Registration.erased_at.is_(None),
    )
    if registration_ids is not None:
        stmt = stmt.where(Registration.id.in_(list(registration_ids)))
    if attendance:
        stmt = stmt.where(Registration.attendance == attendance)
    badges: list[Badge] = []
    registered_speakers: set[int] = set()
    for reg in db.session.scalars(stmt.order_by(Registration.name, Registration.id)):
        email = (reg.email_normalised or reg.email or "").strip().lower()
        person = speaker_emails.get(email) if email else None
        if person is not None:
            registered_speakers.add(person.id)
            badge = badge_for_registration(reg, BadgeRole.SPEAKER)
            badge.organisation = badge.organisation or person.organisation
            badge.pronouns = badge.pronouns or person.pronouns
        else:
            badge = badge_for_registration(reg)
        badges.append(badge)

    if registration_ids is None:
        for person in speakers:
            if person.id in registered_speakers:
                continue
            badges.append(
                Badge(
                    first_name=first_name_of(person.name),
                    full_name=person.name,
                    organisation=person.organisation,
                    pronouns=person.pronouns,
                    role=BadgeRole.SPEAKER,
                )
            )
        users = db.session.scalars(
            sa.select(User)
            .join(EventOrganiser, EventOrganiser.user_id == User.id)
            .where(EventOrganiser.event_id == event.id)
            .order_by(User.name, User.id)
        )
        for user in users:
            name = user.name or ""
            if not name.strip():
                continue
            badges.append(Badge(first_name=first_name_of(name), full_name=name, role=BadgeRole.ORGANISER))
        badges.extend(signals.collect(signals.badges_collect, event))

    if roles:
        badges = [b for b in badges if str(b.role) in roles]
    badges.sort(key=lambda b: (collation_key(b.full_name), str(b.role)))
    return badges


# --- rendering -------------------------------------------------------------------------

_FONT_STACK = '"Noto Sans", "Noto Sans Arabic", "Noto Naskh Arabic", "DejaVu Sans", sans-serif'

# Plain block layout with absolute positions: WeasyPrint's grid and flex layouts measure
# intrinsic sizes again and again and made 1,000 badges take minutes.
_BASE_CSS = (
    """
@page { margin: 0; }
* { box-sizing: border-box; }
html { font-family: FONT_STACK; color: #111; }
body { margin: 0; }
p { margin: 0; }
.sheet { page-break-after: always; position: relative; overflow: hidden; }
.sheet:last-child { page-break-after: auto; }
.badge { position: absolute; overflow: hidden; border: 0.2mm dashed #9a9a9a; }
.band { color: #fff; font-weight: 700; text-transform: uppercase; letter-spacing: 0.08em;
        text-align: center; }
.who { text-align: center; }
.first { font-weight: 700; line-height: 1.05; overflow-wrap: anywhere; }
.full, .org, .pronouns { overflow-wrap: anywhere; }
.pronouns { font-style: italic; }
.event { color: #333; }
.event b { display: block; color: #111; }
.event .logo { display: block; max-height: 9mm; max-width: 40mm; margin-bottom: 1mm; }
.qr { position: absolute; }
""".replace("FONT_STACK", _FONT_STACK)
    + "".join(
        f".role-{role.value} .band {{ background: {colour}; }}\n" for role, colour in ROLE_COLOURS.items()
    )
)

_LARGE = """
.band { font-size: 14pt; padding: 3mm; }
.who { padding: 0 7mm; }
.first { padding-top: 8mm; font-size: 40pt; }
.first.long { font-size: 26pt; }
.full { font-size: 15pt; margin-top: 2mm; }
.org { font-size: 13pt; margin-top: 2mm; }
.pronouns { font-size: 12pt; margin-top: 1.5mm; }
.event { position: absolute; left: 7mm; bottom: 7mm; width: 50mm; font-size: 9pt; }
.qr { right: 7mm; bottom: 7mm; }
.qr { width: 34mm; height: 34mm; }
"""


def _slots(cols: int, rows: int, size: tuple[float, float], origin: tuple[float, float]) -> str:
    (width, height), (left, top) = size, origin
    return "".join(
        f".slot-{r * cols + c} {{ left: {left + c * width}mm; top: {top + r * height}mm; }}\n"
        for r in range(rows)
        for c in range(cols)
    )


_LAYOUT_CSS = {
    "a6": """
@page { size: 105mm 148mm; }
.sheet { width: 105mm; height: 148mm; }
.badge { width: 105mm; height: 148mm; border: none; }
"""
    + _LARGE
    + _slots(1, 1, (105, 148), (0, 0)),
    "a4-4up": """
@page { size: 210mm 297mm; }
.sheet { width: 210mm; height: 297mm; }
.badge { width: 105mm; height: 148.5mm; }
"""
    + _LARGE
    + _slots(2, 2, (105, 148.5), (0, 0)),
    "a4-8up": """
@page { size: 210mm 297mm; }
.sheet { width: 210mm; height: 297mm; }
.badge { width: 90mm; height: 55mm; }
.band { font-size: 7pt; padding: 0.8mm; }
.who { padding: 0 3mm; }
.first { padding-top: 1.5mm; font-size: 22pt; }
.first.long { font-size: 15pt; }
.full { font-size: 9pt; margin-top: 0.5mm; }
.org { font-size: 8pt; margin-top: 0.5mm; }
.pronouns { font-size: 7.5pt; margin-top: 0.5mm; }
.event { position: absolute; left: 3mm; bottom: 2mm; width: 58mm; font-size: 6.5pt; }
.qr { right: 2.5mm; bottom: 2mm; }
.qr { width: 21mm; height: 21mm; }
"""
    + _slots(2, 4, (90, 55), (15, 38.5)),
}


def _event_line(event) -> str:
    if event.start_date == event.end_date:
        dates = local_date(event.start_date, "long")
    else:
        dates = format_interval(event.start_date, event.end_date, "yMMMMd", locale=format_locale())
    logo = look.data_uri(event, "logo")
    img = f'<img class="logo" src="{logo}" alt="">' if logo else ""
    return f'{img}<b dir="auto">{html.escape(localized(event, "title"))}</b>{html.escape(dates)}'


def _accent_style(event) -> str:
    """The organisation's accent colour as the badge's top edge (inline: print only)."""
    colour = look.normalise_colour(event.accent_colour or "")
    return f' style="border-top: 2.5mm solid {colour}"' if colour else ""


def _badge_html(badge: Badge, event_line: str, layout: str, slot: int = 0, accent: str = "") -> str:
    esc = html.escape
    role = BadgeRole(badge.role)
    parts = []
    first = badge.first_name or badge.full_name
    size = " long" if len(first) > 11 else ""
    parts.append(f'<p class="who first{size}" dir="auto">{esc(first)}</p>')
    parts.append(f'<p class="who full" dir="auto">{esc(badge.full_name)}</p>')
    if badge.organisation:
        parts.append(f'<p class="who org" dir="auto">{esc(badge.organisation)}</p>')
    if badge.pronouns:
        parts.append(f'<p class="who pronouns" dir="auto">{esc(badge.pronouns)}</p>')
    qr = ""
    if badge.code:
        # An empty box: the vector QR code is drawn over it where the chunk is laid out.
        code, label = esc(badge.code), esc(_("Check-in code"))
        qr = f'<div class="qr" {pdf_render.QR_ATTRIBUTE}="{code}" role="img" aria-label="{label}"></div>'
    # The event line and the code sit at the badge's foot, positioned against the badge itself.
    foot = f'<div class="event">{event_line}</div>{qr}'
    label = esc(role_label(role))
    band = f'<div class="band">{label}</div>'
    return f'<div class="badge slot-{slot} role-{role.value}"{accent}>{band}{"".join(parts)}{foot}</div>'


def badges_html(event, badges: list[Badge], layout: str) -> str:
    """The HTML of one document holding ``badges`` (pages of ``PER_PAGE[layout]``)."""
    per_page = PER_PAGE[layout]
    event_line = _event_line(event)
    accent = _accent_style(event)
    sheets = []
    for i in range(0, len(badges), per_page):
        cells = "".join(
            _badge_html(b, event_line, layout, slot, accent)
            for slot, b in enumerate(badges[i : i + per_page])
        )
        sheets.append(f'<div class="sheet">{cells}</div>')
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(event.title)}</title></head><body>{''.join(sheets)}</body></html>"
    )


def stylesheet(layout: str) -> str:
    """The CSS of a layout (parsed once per process by :mod:`~wid_events.core.pdf_render`)."""
    return _BASE_CSS + _LAYOUT_CSS[layout]


def render_badges(
    event,
    badges: list[Badge],
    *,
    layout: str = "a6",
    progress: Callable[[int], None] | None = None,
    chunk: int = CHUNK,
    processes: int | None = None,
) -> bytes:
    """One PDF with every badge. ``progress(n)`` is called with the count done per chunk.

    Batches of more than one chunk are laid out on every core (:mod:`~wid_events.exports.pdf_pool`;
    ``processes`` caps it, default: the cores), smaller ones in this process.
    """
    if layout not in LAYOUTS:
        raise DomainError(_("Unknown badge layout: %(layout)s", layout=layout), field="layout")
    css = stylesheet(layout)
    with locale_context():
        if not badges:
            html_text = badges_html(event, [], layout).replace("<body>", "<body><p></p>")
            return pdf_render.render(html_text, css)
        processes = processes or pdf_pool.default_processes()
        sizes = chunk_sizes(len(badges), PER_PAGE[layout], chunk, processes)
        bounds = list(itertools.pairwise(itertools.accumulate(sizes, initial=0)))
        chunks = ((badges_html(event, badges[start:end], layout), end - start) for start, end in bounds)
        return pdf_pool.render_parallel(chunks, len(bounds), css, progress=progress, processes=processes)


def chunk_sizes(total: int, per_page: int, chunk: int, processes: int) -> list[int]:
    """How many of ``total`` badges each chunk renders: whole sheets, about ``chunk`` badges at
    most, and a number of chunks that ``processes`` divides, as equal as whole sheets allow
    (larger ones first), so no core ends alone on a last chunk. Fixed chunks of 48 made 1,000
    badges 21 chunks, the last one laid out on one core while the other waited."""
    sheets = -(-total // per_page)
    count = -(-sheets // max(1, chunk // per_page))
    if processes > 1 and count > 1:
        count = min(sheets, -(-count // processes) * processes)
    base, extra = divmod(sheets, count)
    sizes = [(base + (i < extra)) * per_page for i in range(count)]
    sizes[-1] -= sheets * per_page - total  # the last sheet may be partly empty
    return sizes
