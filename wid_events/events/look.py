"""The organisation's look of an event: accent colour (WCAG AA checked on save), logo
(PNG/JPEG/WebP re-encoded without metadata, or SVG through a safe subset) and a header
image with its alternative text. Files live in the upload storage, outside ``static/``.
Services: no request, no commit.
"""

from __future__ import annotations

import base64
import io
import re

from flask_babel import format_decimal
from flask_babel import gettext as _
from PIL import Image

from wid_events.audit import services as audit
from wid_events.errors import DomainError
from wid_events.events.models import Event
from wid_events.events.svg_logo import looks_like_svg, sanitise_svg
from wid_events.storage import StorageError, delete_quietly, get_storage
from wid_events.uploads import IMAGE_KINDS, MAX_IMAGE_PIXELS, UploadRefused, process_image, validate_upload

#: WCAG 2.2 AA minimum for normal text; the accent is text on white and white text on it.
MIN_CONTRAST = 4.5
LOGO_MAX_BYTES = 2 * 1024 * 1024
HEADER_MAX_BYTES = 8 * 1024 * 1024
_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
MIMETYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp", "svg": "image/svg+xml"}


# --------------------------------------------------------------------------- colour


def normalise_colour(value: str) -> str | None:
    match = _HEX.match((value or "").strip())
    if not match:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits.lower()


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def check_colour(value: str | None) -> str | None:
    """``#rrggbb`` or None (cleared); a DomainError with the measured ratio below WCAG AA."""
    if not (value or "").strip():
        colour = None
    else:
        colour = normalise_colour(value)
        if colour is None:
            raise DomainError(_("Enter a colour as #rrggbb, e.g. #5a2a82."), field="accent_colour")
        ratio = contrast_ratio(colour, "#ffffff")
        if ratio < MIN_CONTRAST:
            raise DomainError(
                _(
                    "The colour %(colour)s has a contrast ratio of %(ratio)s:1 with white; WCAG AA needs "
                    "at least 4.5:1 for text. Choose a darker colour.",
                    colour=colour,
                    ratio=f"{int(ratio * 100) / 100:.2f}",
                ),
                field="accent_colour",
                code="low_contrast",
            )
    return colour


def set_accent_colour(event: Event, value: str | None, *, actor) -> str | None:
    """Save the accent colour (``#rrggbb``) or clear it; refuse one below WCAG AA on white."""
    colour = check_colour(value)
    if colour != event.accent_colour:
        audit.record(
            "event.look",
            actor=actor,
            event_id=event.id,
            obj=event,
            changes={"accent_colour": [event.accent_colour, colour]},
        )
        event.accent_colour = colour
    return colour


# --------------------------------------------------------------------------- images


def _too_many_pixels(field: str) -> UploadRefused:
    return UploadRefused(
        _(
            "This image has too many pixels (limit: %(max)s). Please upload a smaller image.",
            max=format_decimal(MAX_IMAGE_PIXELS),
        ),
        field=field,
        code="too_many_pixels",
    )


def _raster(stream, *, max_px: int, field: str) -> tuple[bytes, str]:
    """Check the pixel count first (a 50,000 × 50,000 image is refused before decoding)."""
    start = stream.tell()
    try:
        with Image.open(stream) as probe:
            width, height = probe.size
    except Image.DecompressionBombError:
        raise _too_many_pixels(field) from None
    except (OSError, ValueError, SyntaxError):
        raise UploadRefused(_("This image could not be read."), field=field) from None
    if width * height > MAX_IMAGE_PIXELS:
        raise _too_many_pixels(field)
    stream.seek(start)
    data, kind = process_image(stream, max_px=max_px, field=field)
    return data, kind.extension


def _read_small(file_storage, max_bytes: int, field: str) -> bytes:
    if file_storage is None or not getattr(file_storage, "filename", None):
        raise UploadRefused(_("Please choose a file."), field=field)
    data = file_storage.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRefused(
            _("The file is larger than the %(mb)s MB limit.", mb=max_bytes // (1024 * 1024)), field=field
        )
    if not data:
        raise UploadRefused(_("The file is empty."), field=field)
    return data


def _store(data: bytes, suffix: str) -> str:
    return get_storage().save(io.BytesIO(data), prefix="look", suffix=suffix)


def prepare_logo(file_storage) -> tuple[bytes, str]:
    """The cleaned logo and its suffix, checked by content (nothing stored yet)."""
    data = _read_small(file_storage, LOGO_MAX_BYTES, "logo")
    if looks_like_svg(data[:64]):
        return sanitise_svg(data), "svg"
    file_storage.stream = io.BytesIO(data)
    upload = validate_upload(file_storage, IMAGE_KINDS, LOGO_MAX_BYTES, field="logo")
    try:
        return _raster(upload.stream, max_px=600, field="logo")
    finally:
        upload.stream.close()


def prepare_header(file_storage) -> tuple[bytes, str]:
    upload = validate_upload(file_storage, IMAGE_KINDS, HEADER_MAX_BYTES, field="header_image")
    try:
        return _raster(upload.stream, max_px=1600, field="header_image")
    finally:
        upload.stream.close()


def _chosen(file_storage) -> bool:
    return file_storage is not None and bool(getattr(file_storage, "filename", None))


def update_look(
    event: Event,
    *,
    actor,
    accent_colour: str | None = None,
    logo=None,
    header_image=None,
    header_image_alt: str = "",
    remove_logo: bool = False,
    remove_header: bool = False,
) -> Event:
    """Everything of the look form at once: every check runs before anything is stored, so a
    refused colour or file leaves the event as it was."""
    colour = check_colour(accent_colour)
    new_logo = prepare_logo(logo) if _chosen(logo) else None
    new_header = prepare_header(header_image) if _chosen(header_image) else None
    alt = (header_image_alt or "").strip()
    keeps_header = new_header is not None or (event.header_image_key and not remove_header)
    if keeps_header and not alt:
        raise DomainError(
            _("Describe the header image for people who cannot see it (alternative text)."),
            field="header_image_alt",
        )
    set_accent_colour(event, colour, actor=actor)
    if new_logo is not None:
        _replace(event, "logo", _store(*new_logo), actor=actor)
    elif remove_logo and event.logo_key:
        remove_image(event, "logo", actor=actor)
    if new_header is not None:
        _replace(event, "header", _store(*new_header), actor=actor)
    elif remove_header and event.header_image_key:
        remove_image(event, "header", actor=actor)
    if keeps_header and alt[:300] != event.header_image_alt:
        audit.record(
            "event.look",
            actor=actor,
            event_id=event.id,
            obj=event,
            changes={"header_image_alt": [event.header_image_alt, alt[:300]]},
        )
        event.header_image_alt = alt[:300]
    return event


def _replace(event: Event, which: str, key: str, *, actor) -> None:
    attr = "logo_key" if which == "logo" else "header_image_key"
    old = getattr(event, attr)
    setattr(event, attr, key)
    audit.record("event.look", actor=actor, event_id=event.id, obj=event, changes={which: [old, key]})
    delete_quietly(old)


def set_logo(event: Event, file_storage, *, actor) -> str:
    """Check the logo by its content and store the cleaned file. Returns the storage key."""
    key = _store(*prepare_logo(file_storage))
    old, event.logo_key = event.logo_key, key
    audit.record("event.look", actor=actor, event_id=event.id, obj=event, changes={"logo": [old, key]})
    delete_quietly(old)
    return key


def remove_image(event: Event, which: str, *, actor) -> None:
    attr = "logo_key" if which == "logo" else "header_image_key"
    old = getattr(event, attr)
    setattr(event, attr, None)
    if which != "logo":
        event.header_image_alt = ""
    audit.record("event.look", actor=actor, event_id=event.id, obj=event, changes={which: [old, None]})
    delete_quietly(old)


# --------------------------------------------------------------------------- reading


def image_key(event: Event, which: str) -> str | None:
    return event.logo_key if which == "logo" else event.header_image_key if which == "header" else None


def mimetype_of(key: str) -> str:
    return MIMETYPES.get(key.rsplit(".", 1)[-1], "application/octet-stream")


def read_image(key: str) -> bytes | None:
    try:
        with get_storage().open(key) as fh:
            return fh.read()
    except StorageError:
        return None


def data_uri(event: Event, which: str) -> str | None:
    """The image as a ``data:`` URI, for PDFs (badges, agenda) rendered without a web server."""
    key = image_key(event, which)
    data = read_image(key) if key else None
    if not data:
        return None
    return f"data:{mimetype_of(key)};base64,{base64.b64encode(data).decode()}"
