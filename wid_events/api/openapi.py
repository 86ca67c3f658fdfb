"""The OpenAPI 3.1 document for ``/api/v1``: the public API and the organiser API.

Paths are relative to the server URL ``…/api/v1``. An area adding an API route documents
it here (a test checks that every ``/api/v1`` route of the app is described).
"""

from __future__ import annotations

import copy

SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "description": "The event's URL name, e.g. `dt4e-2024`.",
    "schema": {"type": "string"},
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(_ref("Error"), description)


def _list(name: str) -> dict:
    return {"type": "array", "items": _ref(name)}


NOT_FOUND = _error("No published event with this slug (drafts are not public).")
UNAUTHORIZED = _error("No valid bearer token was sent.")
FORBIDDEN = _error("The token's user is not an organiser of this event.")
NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_INT = {"type": ["integer", "null"], "minimum": 0}
GENDER_COUNTS = {
    "type": "object",
    "description": "Aggregate counts only; never an individual's gender.",
    "properties": {
        k: {"type": "integer", "minimum": 0}
        for k in ("woman", "man", "non_binary", "self_described", "undisclosed")
    },
    "required": ["woman", "man", "non_binary", "self_described", "undisclosed"],
}

SCHEMAS: dict = {
    "PersonMatch": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "organisation": NULLABLE_STRING,
        },
        "required": ["id", "name", "organisation"],
    },
    "Error": {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "code": {"type": "string", "examples": ["not_found"]},
                    "message": {"type": "string"},
                },
                "required": ["code", "message"],
            }
        },
        "required": ["error"],
    },
    "Venue": {
        "type": ["object", "null"],
        "properties": {"name": NULLABLE_STRING, "address": NULLABLE_STRING},
    },
    "EventSummary": {
        "type": "object",
        "properties": {
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "timezone": {"type": "string", "description": "IANA timezone; all times are local to it."},
            "start_date": {"type": "string", "format": "date"},
            "end_date": {"type": "string", "format": "date"},
            "mode": {"type": "string", "enum": ["in_person", "online", "hybrid"]},
            "venue": _ref("Venue"),
            "registration_open": {"type": "boolean"},
            "url": {"type": "string", "format": "uri"},
            "api_url": {"type": "string", "format": "uri"},
        },
        "required": ["slug", "title", "timezone", "start_date", "end_date", "mode", "venue", "url"],
    },
    "Event": {
        "allOf": [
            _ref("EventSummary"),
            {
                "type": "object",
                "properties": {
                    "description": {"type": "string", "description": "Markdown."},
                    "travel_info": {"type": "string", "description": "How to get there (Markdown)."},
                    "online_info": {
                        "type": "string",
                        "description": "Online participation (never the stream link).",
                    },
                    "capacity_in_person": NULLABLE_INT,
                    "capacity_online": NULLABLE_INT,
                    "series": {
                        "type": ["object", "null"],
                        "properties": {"title": {"type": "string"}, "edition": NULLABLE_INT},
                    },
                    "rooms": _list("Room"),
                    "tracks": _list("Track"),
                    "links": {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}},
                },
            },
        ]
    },
    "Room": {
        "type": "object",
        "properties": {"key": {"type": "string"}, "name": {"type": "string"}, "capacity": NULLABLE_INT},
        "required": ["key", "name"],
    },
    "Track": {
        "type": "object",
        "properties": {"key": {"type": "string"}, "name": {"type": "string"}},
        "required": ["key", "name"],
    },
    "RoomRef": {
        "type": "object",
        "properties": {"key": {"type": "string"}, "name": {"type": "string"}},
        "required": ["key", "name"],
    },
    "SessionSpeaker": {
        "type": "object",
        "properties": {
            "id": {"type": "integer", "description": "Speaker id (see the speakers endpoint)."},
            "name": {"type": "string"},
            "role": {"type": "string", "enum": ["panelist", "moderator", "speaker", "facilitator"]},
        },
        "required": ["id", "name", "role"],
    },
    "Session": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "key": {"type": "string", "description": "Stable key within the event."},
            "uid": {"type": "string", "description": "Stable calendar UID (as in the .ics feeds)."},
            "title": {"type": "string"},
            "type": {
                "type": "string",
                "enum": ["keynote", "panel", "workshop", "talk", "break", "networking", "job_fair", "other"],
            },
            "status": {"type": "string", "enum": ["confirmed", "cancelled"]},
            "start": {
                "type": "string",
                "format": "date-time",
                "description": "Local time with its UTC offset, e.g. `2024-09-11T09:00:00+02:00`.",
            },
            "end": {"type": "string", "format": "date-time"},
            "timezone": {"type": "string"},
            "room": {"anyOf": [_ref("RoomRef"), {"type": "null"}]},
            "track": {"anyOf": [_ref("Track"), {"type": "null"}]},
            "description": {"type": "string", "description": "Markdown."},
            "requires_signup": {"type": "boolean"},
            "capacity": NULLABLE_INT,
            "speakers": _list("SessionSpeaker"),
            "url": {"type": "string", "format": "uri"},
        },
        "required": [
            "id",
            "key",
            "uid",
            "title",
            "type",
            "status",
            "start",
            "end",
            "timezone",
            "speakers",
            "url",
        ],
    },
    "Link": {
        "type": "object",
        "properties": {"label": {"type": "string"}, "url": {"type": "string", "format": "uri"}},
        "required": ["label", "url"],
    },
    "Speaker": {
        "type": "object",
        "description": "A speaker's public profile. No email, no gender.",
        "properties": {
            "id": {"type": "integer"},
            "key": {"type": "string"},
            "name": {"type": "string"},
            "pronouns": NULLABLE_STRING,
            "organisation": NULLABLE_STRING,
            "job_title": NULLABLE_STRING,
            "bio": {"type": "string", "description": "Markdown."},
            "links": _list("Link"),
            "photo_url": NULLABLE_STRING,
            "sessions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"id": {"type": "integer"}, "role": {"type": "string"}},
                    "required": ["id", "role"],
                },
            },
            "url": {"type": "string", "format": "uri"},
        },
        "required": ["id", "name", "sessions", "url"],
    },
    "Exhibitor": {
        "type": "object",
        "description": "An exhibitor of a Job Day (public facts only: never the contact person).",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "kind": {"type": "string", "enum": ["employer", "training", "support"]},
            "description": {"type": "string"},
            "website": {"type": ["string", "null"], "format": "uri"},
            "booth": {"type": ["string", "null"], "description": "Booth or table number."},
            "sectors": {"type": "array", "items": {"type": "string"}},
            "inclusive_statement": {"type": "string"},
            "commitments": {
                "type": "array",
                "items": {
                    "type": "string",
                    "enum": ["wid_charter", "pay_equality", "flexible_work", "inclusive_hiring"],
                },
            },
            "logo_url": {"type": ["string", "null"], "format": "uri"},
            "offers": {
                "type": "array",
                "items": {"type": "integer"},
                "description": "Ids of published offers.",
            },
            "url": {"type": "string", "format": "uri"},
        },
        "required": ["id", "name", "kind", "booth", "sectors", "offers", "url"],
        "additionalProperties": False,
    },
    "Job": {
        "type": "object",
        "description": "A job offer published by an exhibitor.",
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "exhibitor": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "booth": {"type": ["string", "null"]},
                },
                "required": ["id", "name", "booth"],
            },
            "contract": {
                "type": "string",
                "enum": [
                    "permanent",
                    "fixed_term",
                    "internship",
                    "traineeship",
                    "apprenticeship",
                    "freelance",
                    "student_job",
                    "training",
                ],
            },
            "location": {"type": "string"},
            "remote": {"type": "string", "enum": ["on_site", "hybrid", "remote"]},
            "level": {"type": "string", "enum": ["entry", "junior", "medior", "senior", "lead", "any"]},
            "languages": {"type": "array", "items": {"type": "string"}},
            "skills": {"type": "array", "items": {"type": "string"}},
            "description": {"type": "string"},
            "apply_url": {"type": ["string", "null"], "format": "uri"},
            "meet_at_booth": {"type": "boolean", "description": "True when there is no apply link."},
            "url": {"type": "string", "format": "uri"},
        },
        "required": ["id", "title", "exhibitor", "contract", "remote", "level", "languages", "skills", "url"],
        "additionalProperties": False,
    },
    "BalancePolicy": {
        "type": "object",
        "properties": {
            "min_women_per_panel": {"type": "integer", "minimum": 0},
            "count_moderators": {"type": "boolean"},
            "count_non_binary": {"type": "boolean"},
            "target_share_women": {"type": "number", "minimum": 0, "maximum": 1},
        },
    },
    "PanelVerdict": {
        "type": "object",
        "properties": {
            "session": {"type": "integer"},
            "key": NULLABLE_STRING,
            "title": {"type": "string"},
            "verdict": {"type": "string", "enum": ["pass", "fail", "incomplete"]},
            "counted": GENDER_COUNTS,
            "moderators": GENDER_COUNTS,
            "reason": {"type": "string"},
        },
        "required": ["session", "title", "verdict", "counted", "moderators", "reason"],
    },
    "BalanceReport": {
        "type": "object",
        "description": "The same content as `flask balance check SLUG --json`.",
        "properties": {
            "event": {"type": "string"},
            "policy": _ref("BalancePolicy"),
            "panels": _list("PanelVerdict"),
            "event_share_women": {"type": ["number", "null"]},
            "speakers": {"type": "integer", "minimum": 0},
        },
        "required": ["event", "policy", "panels", "event_share_women", "speakers"],
    },
    "Registration": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "status": {
                "type": "string",
                "enum": ["confirmed", "waitlisted", "pending", "cancelled", "rejected"],
            },
            "attendance": {"type": "string", "enum": ["in_person", "online"]},
            "sessions": {"type": "array", "items": {"type": "integer"}, "description": "Chosen session ids."},
            "checked_in": {"type": "boolean"},
        },
        "required": ["id", "name", "status", "attendance", "sessions", "checked_in"],
    },
    "CheckinRequest": {
        "type": "object",
        "properties": {"code": {"type": "string", "description": "The badge QR code content."}},
        "required": ["code"],
    },
    "CheckinResult": {
        "type": "object",
        "properties": {
            "id": {"type": "integer", "description": "The registration id."},
            "name": {"type": "string", "description": "The attendee's name, to greet them."},
            "attendance": {"type": "string", "enum": ["in_person", "online"]},
            "checked_in_at": {"type": "string", "format": "date-time", "description": "UTC, first scan."},
            "already_checked_in": {"type": "boolean", "description": "True on a repeat scan."},
        },
        "required": ["name", "already_checked_in"],
    },
    "CheckinStats": {
        "type": "object",
        "properties": {
            "checked_in": {"type": "integer", "minimum": 0},
            "confirmed_in_person": {"type": "integer", "minimum": 0},
            "checked_in_online": {
                "type": "integer",
                "minimum": 0,
                "description": "Online attendees checked in anyway (not counted in `checked_in`).",
            },
        },
        "required": ["checked_in", "confirmed_in_person"],
    },
}

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
            "responses": {"200": _json(_list("EventSummary"), "Published events, soonest first.")},
        }
    },
    "/events/{slug}": {
        "parameters": [SLUG],
        "get": {
            "operationId": "getEvent",
            "summary": "One published event",
            "tags": ["public"],
            "responses": {"200": _json(_ref("Event"), "The event."), "404": NOT_FOUND},
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
                "200": _json(_list("Session"), "Sessions in agenda order."),
                "400": _error("A filter value is invalid (code `invalid_filter`)."),
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
            "responses": {"200": _json(_list("Speaker"), "Speakers by name."), "404": NOT_FOUND},
        },
    },
    "/events/{slug}/exhibitors": {
        "parameters": [SLUG],
        "get": {
            "operationId": "listExhibitors",
            "summary": "Exhibitors (Job Day events); empty for other events",
            "tags": ["public"],
            "responses": {"200": _json(_list("Exhibitor"), "Exhibitors."), "404": NOT_FOUND},
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
            "responses": {"200": _json(_list("Job"), "Job offers."), "404": NOT_FOUND},
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
                "200": _json(_ref("BalanceReport"), "The balance report."),
                "401": UNAUTHORIZED,
                "403": FORBIDDEN,
                "404": _error("Unknown event."),
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
                "200": _json(_list("PersonMatch"), "Matching people, in alphabetical order."),
                "400": _error("The query holds no letter or digit (`invalid_query`)."),
                "401": UNAUTHORIZED,
                "403": FORBIDDEN,
                "404": _error("Unknown event."),
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
                "200": _json(_list("Registration"), "Registrations."),
                "401": UNAUTHORIZED,
                "403": FORBIDDEN,
                "404": _error("Unknown event."),
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
                "content": {"application/json": {"schema": _ref("CheckinRequest")}},
            },
            "responses": {
                "200": _json(
                    _ref("CheckinResult"),
                    "Checked in; `already_checked_in` is true on a repeat scan.",
                ),
                "400": _error('The body is not `{"code": …}`.'),
                "401": UNAUTHORIZED,
                "403": FORBIDDEN,
                "404": _error(
                    "Unknown event, or no registration of this event has this code (`unknown_code`)."
                ),
                "409": _error("The registration is not confirmed (`not_confirmed`): waitlisted, cancelled…"),
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
                "200": _json(_ref("CheckinStats"), "Counts."),
                "401": UNAUTHORIZED,
                "403": FORBIDDEN,
                "404": _error("Unknown event."),
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
        "paths": copy.deepcopy(PATHS),
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
