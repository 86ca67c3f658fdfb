"""Outgoing mail. Every email goes through :func:`send_now`, inside a job.

Without ``MAIL_SERVER``, messages are written as ``.eml`` files to ``instance/outbox/``
(the contract); otherwise they go out by SMTP. Areas never send directly: they queue a
builder with :func:`wid_events.core.uow.queue_mail`, which hands it to the job seam after the
commit; the job builds the message (by ids, in the recipient's language) and delivers it.
"""

from __future__ import annotations

import smtplib
import time
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app


@dataclass
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/octet-stream"


@dataclass
class Mail:
    to: str
    subject: str
    body: str
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    reply_to: str | None = None


def build_message(mail: Mail, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = mail.to
    msg["Subject"] = mail.subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="wid-events.local")
    if mail.reply_to:
        msg["Reply-To"] = mail.reply_to
    msg.set_content(mail.body)
    if mail.html:
        msg.add_alternative(mail.html, subtype="html")
    for att in mail.attachments:
        maintype, _, subtype = att.mimetype.partition("/")
        msg.add_attachment(
            att.content, maintype=maintype, subtype=subtype or "octet-stream", filename=att.filename
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
