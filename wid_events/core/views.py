"""Site-wide routes: health check and language choice."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from wid_events.core.health import check_health
from wid_events.core.urls import safe_next
from wid_events.extensions import csrf, db, limiter

bp = Blueprint("core", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    ok, detail = check_health(db.engine)
    body = {"status": "ok"} if ok else {"status": "error", "detail": detail}
    return jsonify(body), 200 if ok else 503


@bp.post("/language")
@csrf.exempt  # only sets a display preference cookie; no state changes on the server
def set_language():
    lang = request.form.get("lang", "")
    response = redirect(safe_next(request.form.get("next")) or url_for("events.home"))
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@bp.get("/accessibility")
def accessibility():
    return render_template("core/accessibility.html", title=_("Accessibility statement"))
