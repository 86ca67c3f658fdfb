"""Organiser API: ``GET /api/v1/events/<slug>/registrations`` (contract shape)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from wid_events.events.access import api_organiser_required
from wid_events.extensions import csrf
from wid_events.registration import services

bp = Blueprint("registration_api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.get("/events/<slug>/registrations")
@api_organiser_required
def registrations(event):
    response = jsonify(services.api_list(event))
    response.headers["Cache-Control"] = "private, no-store"
    return response
