"""Site-wide routes: health check and language choice."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from wid_events.core.health import check_health, check_redis
from wid_events.core.urls import safe_next
from wid_events.extensions import csrf, db, limiter

bp = Blueprint("core", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """200 ``ok``; 200 ``degraded`` when the database answers but the configured Redis does not
    (rate limits count in memory and jobs run inline meanwhile); 503 when the database fails."""
    ok, detail = check_health(db.engine)
    if not ok:
        return jsonify({"status": "error", "detail": detail, "checks": {"database": "down"}}), 503
    redis_url = current_app.config.get("REDIS_URL")
    if not redis_url:
        return jsonify({"status": "ok"}), 200
    if check_redis(redis_url):
        return jsonify({"status": "ok", "checks": {"database": "ok", "redis": "ok"}}), 200
    current_app.logger.warning("Health check: Redis at REDIS_URL does not answer; the site runs degraded")
    return jsonify({"status": "degraded", "checks": {"database": "ok", "redis": "down"}}), 200


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
