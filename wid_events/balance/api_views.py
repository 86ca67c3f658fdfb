"""Organiser API: ``GET /api/v1/events/<slug>/balance`` (bearer token of an organiser)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from wid_events.balance import services
from wid_events.events.access import api_organiser_required

bp = Blueprint("balance_api", __name__, url_prefix="/api/v1")


@bp.get("/events/<slug>/balance")
@api_organiser_required
def balance(event):
    """The same document as ``flask balance check SLUG --json``."""
    return jsonify(services.check(event))
