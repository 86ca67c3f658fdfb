"""Outgoing mail. Every email goes through :func:`send_now`, inside a job.

Without ``MAIL_SERVER``, messages are written as ``.eml`` files to ``instance/outbox/``
(the contract); otherwise they go out by SMTP. Areas never send directly: they queue a
builder with :func:`wid_events.core.uow.queue_mail`, which hands it to the job seam after the
commit; the job builds the message (by ids, in the recipient's language) and delivers it.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import smtplib
import time
import uuid
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

from flask import current_app


@dataclass
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/octet-stream"


@dataclass
class InlineImage:
    """An image the HTML part shows as ``<img src="cid:{cid}">``: sent inside the message
    (``multipart/related``), never fetched from a server, so it shows without "load remote
    images" and tells nobody that the mail was read."""

    cid: str
    content: bytes
    mimetype: str


@dataclass
class Mail:
    to: str
    subject: str
    body: str
    #: The HTML part; None makes one from ``body`` (see :func:`html_from_text`).
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    reply_to: str | None = None
    #: The recipient's name, for the ``To`` display name (RFC 2047-encoded when not ASCII).
    to_name: str | None = None
    #: The HTML part's heading (e.g. the event's name).
    heading: str | None = None
    #: The HTML part's accent colour (the event's colour, when it has one).
    accent: str = "#4b2e83"
    #: Images the HTML part refers to by ``cid:`` (the event's logo).
    inline_images: list[InlineImage] = field(default_factory=list)


_URL_RE = re.compile(r"(https?://[^\s<>\"]+)")
_COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


def html_from_text(body: str, heading: str | None = None, accent: str = "#4b2e83") -> str:
    """A self-contained HTML version of a plain-text body: escaped, links clickable, inline
    styles only and no remote image (mail clients block them, and they track readers)."""
    accent = accent if _COLOUR_RE.match(accent or "") else "#4b2e83"
    paragraphs = []
    link = r'<a href="\1" style="color:' + accent + r'">\1</a>'
    for block in re.split(r"\n\s*\n", body.strip()):
        lines = [_URL_RE.sub(link, html.escape(line, quote=False)) for line in block.splitlines()]
        paragraphs.append('<p style="margin:0 0 1em">' + "<br>\n".join(lines) + "</p>")
    title = (
        f'<h1 style="margin:0 0 1em;padding:.6em .8em;font-size:1.2em;color:#fff;background:{accent}">'
        f"{html.escape(heading)}</h1>"
        if heading
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>'
        '<body style="margin:0;padding:1em;font-family:Arial,Helvetica,sans-serif;font-size:16px;'
        'line-height:1.5;color:#1a1a1a;background:#fff">'
        f'<div style="max-width:40em">{title}{"".join(paragraphs)}</div></body></html>\n'
    )


def _address(value: str, name: str | None = None) -> Address | str:
    display, addr = parseaddr(value)
    display = name or display
    if not addr or "@" not in addr:
        return value
    user, _, domain = addr.rpartition("@")
    try:
        return Address(display_name=display or "", username=user, domain=domain)
    except (ValueError, TypeError):
        return value


def _attachment_type(mimetype: str) -> tuple[str, str, dict[str, str]]:
    """``text/calendar; method=CANCEL`` → maintype, subtype and parameters (``charset=utf-8`` for text)."""
    kind, *rest = [part.strip() for part in mimetype.split(";")]
    maintype, _, subtype = kind.partition("/")
    params = dict(p.split("=", 1) for p in rest if "=" in p)
    if maintype == "text":
        params.setdefault("charset", "utf-8")
    return maintype, subtype or "octet-stream", params


def build_message(mail: Mail, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = _address(sender)
    msg["To"] = _address(mail.to, mail.to_name)
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(dt.datetime.now(dt.UTC).astimezone())  # a real offset, never -0000
    msg["Message-ID"] = make_msgid(domain="wid-events.local")
    msg["Auto-Submitted"] = "auto-generated"
    if mail.reply_to:
        msg["Reply-To"] = _address(mail.reply_to)
    msg.set_content(mail.body, charset="utf-8")
    msg.add_alternative(
        mail.html or html_from_text(mail.body, mail.heading, mail.accent), subtype="html", charset="utf-8"
    )
    if mail.inline_images:
        html_part = msg.get_body(preferencelist=("html",))
        for image in mail.inline_images:
            maintype, subtype = image.mimetype.split("/", 1)
            html_part.add_related(
                image.content, maintype=maintype, subtype=subtype, cid=f"<{image.cid}>", disposition="inline"
            )
    for att in mail.attachments:
        maintype, subtype, params = _attachment_type(att.mimetype)
        msg.add_attachment(
            att.content, maintype=maintype, subtype=subtype, filename=att.filename, params=params
        )
    return msg


def deliver(raw: bytes, to: str) -> None:
    """Job: deliver one already-built message (bytes, so it pickles for RQ)."""
    cfg = current_app.config
    if not cfg.get("MAIL_SERVER"):
        outbox = Path(cfg["OUTBOX_FOLDER"])
        outbox.mkdir(parents=True, exist_ok=True)
        # Time-ordered names, so the outbox lists in sending order.
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:12]}.eml"
        (outbox / name).write_bytes(raw)
        return
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=30) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
        smtp.sendmail(cfg["MAIL_DEFAULT_SENDER"], [to], raw)


def send_now(mail: Mail) -> None:
    """Build and deliver one message at once. Only jobs call this: everything else queues mail
    with :func:`wid_events.core.uow.queue_mail`, which runs after the commit."""
    msg = build_message(mail, current_app.config["MAIL_DEFAULT_SENDER"])
    deliver(bytes(msg), mail.to)


def send_mail(mail: Mail) -> None:
    """Deprecated: send at once. Kept only until every area queues mail after the commit."""
    send_now(mail)
