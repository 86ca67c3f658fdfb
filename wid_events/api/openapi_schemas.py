"""The OpenAPI 3.1 building blocks for ``/api/v1``: reusable parameters, responses and the
component schemas. The paths and the document itself are in :mod:`wid_events.api.openapi`.
"""

from __future__ import annotations

SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "description": "The event's URL name, e.g. `dt4e-2024`.",
    "schema": {"type": "string"},
}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error_response(description: str) -> dict:
    return json_response(ref("Error"), description)


def list_of(name: str) -> dict:
    return {"type": "array", "items": ref(name)}


NOT_FOUND = error_response("No published event with this slug (drafts are not public).")
UNAUTHORIZED = error_response("No valid bearer token was sent.")
FORBIDDEN = error_response("The token's user is not an organiser of this event.")
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
            "venue": ref("Venue"),
            "registration_open": {"type": "boolean"},
            "url": {"type": "string", "format": "uri"},
            "api_url": {"type": "string", "format": "uri"},
        },
        "required": ["slug", "title", "timezone", "start_date", "end_date", "mode", "venue", "url"],
    },
    "Event": {
        "allOf": [
            ref("EventSummary"),
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
                    "default_language": {"type": "string", "enum": ["en", "fr", "nl", "de"]},
                    "translations": {
                        "type": "object",
                        "description": "Title, description, travel and online information in other "
                        "languages, by language code.",
                    },
                    "registration_opens": {
                        "type": ["string", "null"],
                        "description": "Local date and time in the event's timezone.",
                    },
                    "registration_closes": {
                        "type": ["string", "null"],
                        "description": "Local date and time in the event's timezone.",
                    },
                    "series": {
                        "type": ["object", "null"],
                        "properties": {"title": {"type": "string"}, "edition": NULLABLE_INT},
                    },
                    "rooms": list_of("Room"),
                    "tracks": list_of("Track"),
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
            "room": {"anyOf": [ref("RoomRef"), {"type": "null"}]},
            "track": {"anyOf": [ref("Track"), {"type": "null"}]},
            "description": {"type": "string", "description": "Markdown."},
            "requires_signup": {"type": "boolean"},
            "attendance": {
                "type": "string",
                "enum": ["in_person", "online", "hybrid"],
                "description": "Who can attend: in the room, online (livestream) or both.",
            },
            "capacity": NULLABLE_INT,
            "speakers": list_of("SessionSpeaker"),
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
            "attendance",
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
            "links": list_of("Link"),
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
            "policy": ref("BalancePolicy"),
            "panels": list_of("PanelVerdict"),
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
            "answers": {
                "type": "object",
                "description": "Answers to the event's own questions by question key: text, a list of "
                "options, true/false, an ISO 3166 country code or a date (YYYY-MM-DD).",
                "additionalProperties": True,
            },
        },
        "required": ["id", "name", "status", "attendance", "sessions", "checked_in", "answers"],
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
    "PersonMatch": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "organisation": NULLABLE_STRING,
        },
        "required": ["id", "name", "organisation"],
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
