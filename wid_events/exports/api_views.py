"""Organiser API: ``POST /api/v1/events/<slug>/checkins`` (bearer token, idempotent)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from wid_events.core.actions import actor, run_json_action
from wid_events.core.web import error_response
from wid_events.events.access import api_organiser_required
from wid_events.exports import services
from wid_events.extensions import csrf

bp = Blueprint("exports_api", __name__, url_prefix="/api/v1")
# Bearer-token API: no cookies are trusted here (see ``_bearer_only``), so no CSRF token.
csrf.exempt(bp)


def _has_bearer() -> bool:
    return request.headers.get("Authorization", "").startswith("Bearer ")


@bp.post("/events/<slug>/checkins")
def checkins(slug: str):
    # A login cookie alone must not be enough for a CSRF-exempt POST.
    if not _has_bearer():
        return error_response(401, "A valid bearer token is required.", "unauthorized")
    return _checkin(slug=slug)


@api_organiser_required
def _checkin(event):
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("code"), str) or not body["code"].strip():
        return error_response(400, 'Send a JSON body {"code": "<badge QR content>"}.', "bad_request")
    result = run_json_action(services.check_in, event, code=body["code"], actor=actor())
    return jsonify(result.as_json()), 200


@bp.get("/events/<slug>/checkins/stats")
def checkin_stats(slug: str):
    return _stats(slug=slug)


@api_organiser_required
def _stats(event):
    return jsonify(services.checkin_counts(event).as_json())
