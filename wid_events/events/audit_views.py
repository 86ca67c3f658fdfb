"""The per-event audit log for organisers: who, when, what, from → to (paginated)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from wid_events.audit.models import AuditLogEntry
from wid_events.core.web import int_arg
from wid_events.events.access import organiser_required
from wid_events.events.models import Event
from wid_events.extensions import db

bp = Blueprint("audit_manage", __name__, url_prefix="/manage/events/<slug>")

PER_PAGE = 50


@bp.get("/audit")
@organiser_required
def log(event: Event):
    page = max(1, min(int_arg("page") or 1, 100_000))
    action = request.args.get("action", "").strip()
    stmt = sa.select(AuditLogEntry).where(AuditLogEntry.event_id == event.id)
    if action:
        stmt = stmt.where(AuditLogEntry.action.startswith(action))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    entries = list(
        db.session.scalars(
            stmt.order_by(AuditLogEntry.created_at.desc(), AuditLogEntry.id.desc())
            .offset((page - 1) * PER_PAGE)
            .limit(PER_PAGE)
        )
    )
    pages = max(1, -(-total // PER_PAGE))
    return render_template(
        "audit/manage_log.html",
        event=event,
        entries=entries,
        page=page,
        pages=pages,
        total=total,
        action=action,
        title=_("Audit log"),
    )
