"""The organisation's look: accent colour (WCAG AA on save), logo and header image checked by
content (SVG safe subset, scripts refused, a 50,000 × 50,000 image refused), shown on the
public pages, in the HTML mail, on badges and in the PDF agenda; SITE_NAME in the header."""

from __future__ import annotations

import io
import re
import struct
import zlib

import pytest
from PIL import Image

from tests.factories import login, make_event, make_organiser
from tests.test_reg_form import form_data, get_form_key
from wid_events.events.models import Event
from wid_events.exports import badges as badge_export
from wid_events.extensions import db


def png(width=40, height=20, colour=(90, 42, 130)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def huge_png(width=50_000, height=50_000) -> bytes:
    """A tiny file whose header claims 50,000 × 50,000 pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0"))
        + chunk(b"IEND", b"")
    )


SAFE_SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    b'viewBox="0 0 10 10"><rect width="10" height="10" fill="#5a2a82"/>'
    b'<image xlink:href="https://tracker.example/x.png" width="1" height="1"/>'
    b'<circle cx="5" cy="5" r="3" style="fill:url(https://evil.example/a)"/></svg>'
)
SCRIPT_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="1" height="1"/></svg>'
)
HANDLER_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>'


@pytest.fixture
def organised(client):
    event = make_event("look", requires_approval=False)
    login(client, make_organiser(event))
    return event


def post_look(client, event, **fields):
    data = {"accent_colour": "", "header_image_alt": ""}
    for name, value in fields.items():
        data[name] = (io.BytesIO(value), f"{name}.bin") if isinstance(value, bytes) else value
    return client.post(f"/manage/events/{event.slug}/look", data=data, content_type="multipart/form-data")


def reload(event) -> Event:
    db.session.expire_all()
    return db.session.get(Event, event.id)


def test_low_contrast_colour_is_refused_with_the_ratio(client, organised):
    r = post_look(client, organised, accent_colour="#ffcc00")
    assert r.status_code == 400
    text = r.get_data(as_text=True)
    assert "The colour #ffcc00 has a contrast ratio of 1.51:1 with white" in text
    assert "4.5:1" in text
    assert reload(organised).accent_colour is None
    ok = post_look(client, organised, accent_colour="#5A2A82")
    assert ok.status_code == 303
    assert reload(organised).accent_colour == "#5a2a82"
    page = client.get("/events/look/").get_data(as_text=True)
    assert 'href="/events/look/look.css"' in page
    css = client.get("/events/look/look.css").get_data(as_text=True)
    assert "--accent: #5a2a82" in css


def test_png_logo_is_re_encoded_and_shown(client, organised):
    r = post_look(client, organised, logo=png())
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    event = reload(organised)
    assert event.logo_key and event.logo_key.endswith(".png")
    served = client.get("/events/look/look/logo")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(served.data)).size == (40, 20)
    page = client.get("/events/look/").get_data(as_text=True)
    assert 'class="event-logo" src="/events/look/look/logo"' in page
    assert 'src="/events/look/look/logo"' in client.get("/events/look/agenda").get_data(as_text=True)


def test_svg_logo_through_a_safe_subset(client, organised):
    assert post_look(client, organised, logo=SAFE_SVG).status_code == 303
    served = client.get("/events/look/look/logo")
    assert served.mimetype == "image/svg+xml"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    body = served.get_data(as_text=True)
    assert "<rect" in body and "tracker.example" not in body and "evil.example" not in body


@pytest.mark.parametrize("svg", [SCRIPT_SVG, HANDLER_SVG])
def test_svg_with_script_is_refused(client, organised, svg):
    r = post_look(client, organised, logo=svg, accent_colour="#5a2a82")
    assert r.status_code == 400
    assert "This SVG logo contains a script" in r.get_data(as_text=True)
    event = reload(organised)
    assert event.logo_key is None and event.accent_colour is None  # nothing half-saved


def test_image_of_50000_by_50000_pixels_is_refused(client, organised):
    r = post_look(client, organised, logo=huge_png())
    assert r.status_code == 400
    assert "This image has too many pixels" in r.get_data(as_text=True)
    assert reload(organised).logo_key is None


def test_header_image_needs_alt_text(client, organised):
    r = post_look(client, organised, header_image=png(800, 200))
    assert r.status_code == 400
    assert "alternative text" in r.get_data(as_text=True)
    assert reload(organised).header_image_key is None
    ok = post_look(
        client, organised, header_image=png(800, 200), header_image_alt="The audience at DT4E 2024"
    )
    assert ok.status_code == 303
    page = client.get("/events/look/").get_data(as_text=True)
    assert 'alt="The audience at DT4E 2024"' in page


def test_logo_and_colour_in_mail_badges_and_pdf(client, organised, outbox):
    post_look(client, organised, logo=png(), accent_colour="#1d4f91")
    client.get("/logout")
    r = client.post("/events/look/register", data=form_data(form_key=get_form_key(client, "look")))
    assert r.status_code == 303
    mail = outbox()[-1]
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert 'bgcolor="#1d4f91"' in html
    # The logo travels inside the message (multipart/related, cid:), never as a remote image.
    assert "/events/look/look/logo" not in html and "http" not in html.split("<img", 1)[1].split(">", 1)[0]
    cid = re.search(r'<img src="cid:([^"]+)"', html).group(1)
    related = mail.get_body(preferencelist=("related",))
    logo = next(part for part in related.iter_parts() if part["Content-ID"] == f"<{cid}>")
    assert logo.get_content_type() == "image/png" and logo.get_content().startswith(b"\x89PNG")
    event = reload(organised)
    doc = badge_export.badges_html(event, [badge_export.Badge(full_name="Amina", first_name="Amina")], "a6")
    assert "data:image/png;base64," in doc and "border-top: 2.5mm solid #1d4f91" in doc
    pdf = client.get("/events/look/agenda.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_site_name_replaces_the_raw_name(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_NAME", "Women in Digital Events")
    page = client.get("/").get_data(as_text=True)
    assert 'class="brand" href="/">Women in Digital Events</a>' in page
    assert ">wid_events<" not in page
