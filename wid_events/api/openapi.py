"""The OpenAPI 3.1 document for ``/api/v1``: the public API and the organiser API.

Paths are relative to the server URL ``…/api/v1``. An area adding an API route documents
it here (a test checks that every ``/api/v1`` route of the app is described). The component
schemas are in :mod:`wid_events.api.openapi_schemas`.
"""

from __future__ import annotations

import copy

from wid_events.api.openapi_schemas import (
    FORBIDDEN,
    NOT_FOUND,
    SCHEMAS,
    SLUG,
    UNAUTHORIZED,
    error_response,
    json_response,
    list_of,
    ref,
)

_SESSION_FILTERS = [
    {
        "name": "day",
        "in": "query",
        "required": False,
        "description": "A day of the event.",
        "schema": {"type": "string", "format": "date"},
    },
    {
        "name": "type",
        "in": "query",
        "required": False,
        "schema": SCHEMAS["Session"]["properties"]["type"],
    },
    {
        "name": "track",
        "in": "query",
        "required": False,
        "description": "A track key.",
        "schema": {"type": "string"},
    },
]

ORGANISER = [{"bearerAuth": []}]

PATHS: dict = {
    "/events": {
        "get": {
            "operationId": "listEvents",
            "summary": "Published events",
            "tags": ["public"],
            "responses": {"200": json_response(list_of("EventSummary"), "Published events, soonest first.")},
        }
    },
    "/events/{slug}": {
        "parameters": [SLUG],
        "get": {
            "operationId": "getEvent",
            "summary": "One published event",
            "tags": ["public"],
            "responses": {"200": json_response(ref("Event"), "The event."), "404": NOT_FOUND},
        },
    },
    "/events/{slug}/sessions": {
        "parameters": [SLUG],
        "get": {
            "operationId": "listSessions",
            "summary": "The event's agenda (cancelled sessions included, with their status)",
            "tags": ["public"],
            "parameters": _SESSION_FILTERS,
            "responses": {
                "200": json_response(list_of("Session"), "Sessions in agenda order."),
                "400": error_response("A filter value is invalid (code `invalid_filter`)."),
                "404": NOT_FOUND,
            },
        },
    },
    "/events/{slug}/speakers": {
        "parameters": [SLUG],
        "get": {
            "operationId": "listSpeakers",
            "summary": "Public profiles of the event's speakers",
            "tags": ["public"],
            "responses": {"200": json_response(list_of("Speaker"), "Speakers by name."), "404": NOT_FOUND},
        },
    },
    "/events/{slug}/exhibitors": {
        "parameters": [SLUG],
        "get": {
            "operationId": "listExhibitors",
            "summary": "Exhibitors (Job Day events); empty for other events",
            "tags": ["public"],
            "responses": {"200": json_response(list_of("Exhibitor"), "Exhibitors."), "404": NOT_FOUND},
        },
    },
    "/events/{slug}/jobs": {
        "parameters": [SLUG],
        "get": {
            "operationId": "listJobs",
            "summary": "Job offers of the event's exhibitors; empty for other events",
            "parameters": [
                {"name": n, "in": "query", "required": False, "description": d, "schema": {"type": "string"}}
                for n, d in (
                    ("q", "Words that must all appear (title, description, skills, employer…)."),
                    ("sector", "An exhibitor sector tag."),
                    ("contract", "A contract type."),
                    ("language", "A required language."),
                    ("remote", "on_site, hybrid or remote."),
                    ("skill", "A skill tag."),
                    ("level", "A job level."),
                    ("exhibitor", "An exhibitor id."),
                )
            ],
            "tags": ["public"],
            "responses": {"200": json_response(list_of("Job"), "Job offers."), "404": NOT_FOUND},
        },
    },
    "/events/{slug}/balance": {
        "parameters": [SLUG],
        "get": {
            "operationId": "getBalance",
            "summary": "“No Women No Panel” verdicts (organisers of the event)",
            "tags": ["organiser"],
            "security": ORGANISER,
            "responses": {
                "200": json_response(ref("BalanceReport"), "The balance report."),
                "401": UNAUTHORIZED,
                "403": FORBIDDEN,
                "404": error_response("Unknown event."),
            },
        },
    },
    "/events/{slug}/people": {
        "parameters": [SLUG],
        "get": {
            "operationId": "searchPeople",
            "summary": "Search the event's people (organisers of the event)",
            "description": "Matches the name or organisation, ignoring case, accents and "
            "script-specific case: `emilie` finds “Émilie”, `олена` finds “Олена”. Without `q`, everyone.",
            "tags": ["organiser"],
            "security": ORGANISER,
            "parameters": [
                {
                    "name": "q",
                    "in": "query",
                    "required": False,
                    "description": "Text to look for in names and organisations.",
                    "schema": {"type": "string"},
                }
            ],
            "responses": {
                "200": json_response(list_of("PersonMatch"), "Matching people, in alphabetical order."),
                "400": error_response("The query holds no letter or digit (`invalid_query`)."),
                "401": UNAUTHORIZED,
                "403": FORBIDDEN,
                "404": error_response("Unknown event."),
            },
        },
    },
    "/events/{slug}/registrations": {
        "parameters": [SLUG],
        "get": {
            "operationId": "listRegistrations",
            "summary": "The event's registrations (organisers of the event)",
            "tags": ["organiser"],
            "security": ORGANISER,
            "responses": {
                "200": json_response(list_of("Registration"), "Registrations."),
                "401": UNAUTHORIZED,
                "403": FORBIDDEN,
                "404": error_response("Unknown event."),
            },
        },
    },
    "/events/{slug}/checkins": {
        "parameters": [SLUG],
        "post": {
            "operationId": "checkIn",
            "summary": "Check an attendee in by the code of their badge",
            "tags": ["organiser"],
            "security": ORGANISER,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref("CheckinRequest")}},
            },
            "responses": {
                "200": json_response(
                    ref("CheckinResult"),
                    "Checked in; `already_checked_in` is true on a repeat scan.",
                ),
                "400": error_response('The body is not `{"code": …}`.'),
                "401": UNAUTHORIZED,
                "403": FORBIDDEN,
                "404": error_response(
                    "Unknown event, or no registration of this event has this code (`unknown_code`)."
                ),
                "409": error_response(
                    "The registration is not confirmed (`not_confirmed`): waitlisted, cancelled…"
                ),
            },
        },
    },
    "/events/{slug}/checkins/stats": {
        "parameters": [SLUG],
        "get": {
            "operationId": "getCheckinStats",
            "summary": "How many confirmed in-person attendees have checked in",
            "tags": ["organiser"],
            "security": ORGANISER,
            "responses": {
                "200": json_response(ref("CheckinStats"), "Counts."),
                "401": UNAUTHORIZED,
                "403": FORBIDDEN,
                "404": error_response("Unknown event."),
            },
        },
    },
    "/openapi.json": {
        "get": {
            "operationId": "getOpenApi",
            "summary": "This document",
            "tags": ["meta"],
            "responses": {
                "200": {"description": "The OpenAPI document.", "content": {"application/json": {}}}
            },
        }
    },
}


#: Any request: a NUL byte or a lone surrogate in the path, query or body is refused first.
BAD_CHARACTERS = error_response(
    "The request holds a NUL byte or an invalid Unicode character (`bad_request`)."
)
#: Any request while the database does not answer.
UNAVAILABLE = error_response("The service is temporarily unavailable (`unavailable`); try again later.")


def _paths() -> dict:
    """The paths, each operation also documenting the answers every request can get."""
    paths = copy.deepcopy(PATHS)
    for item in paths.values():
        for method, operation in item.items():
            if method == "parameters":
                continue
            operation["responses"].setdefault("400", copy.deepcopy(BAD_CHARACTERS))
            operation["responses"].setdefault("503", copy.deepcopy(UNAVAILABLE))
    return paths


def build_document(server_url: str = "/api/v1") -> dict:
    """The full OpenAPI 3.1 document (a fresh copy each time)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "wid_events API",
            "version": "1.0.0",
            "description": (
                "Public data of published events (no personal data beyond a speaker's public profile), "
                "and organiser endpoints authorised with `Authorization: Bearer <token>` "
                '(`flask users token EMAIL`). Errors are `{"error": {"code", "message"}}` with a 4xx status.'
            ),
            "license": {"name": "Open source"},
        },
        "servers": [{"url": server_url}],
        "tags": [
            {"name": "public", "description": "No authentication."},
            {"name": "organiser", "description": "Bearer token of an organiser of the event."},
            {"name": "meta"},
        ],
        "paths": _paths(),
        "components": {
            "schemas": copy.deepcopy(SCHEMAS),
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token from `flask users token EMAIL`.",
                }
            },
        },
    }
