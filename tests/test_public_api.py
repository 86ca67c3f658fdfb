"""The public JSON API and the OpenAPI document."""

from __future__ import annotations

import datetime as dt
import re

from tests.factories import make_event, make_person, make_room, make_session, make_track
from wid_events.enums import SessionStatus, SessionType, SpeakerRole


def test_events_list_only_published(client):
    make_event("pub-1", title="Published one")
    make_event("draft-1", title="Draft one", published=False)
    response = client.get("/api/v1/events")
    assert response.status_code == 200
    body = response.get_json()
    assert [e["slug"] for e in body] == ["pub-1"]
    event = body[0]
    assert event["timezone"] == "Europe/Brussels"
    assert event["start_date"] == "2030-09-11" and event["end_date"] == "2030-09-12"
    assert event["mode"] == "hybrid"
    assert event["venue"] == {
        "name": "The Faculty Brussels",
        "address": "Rue des Vétérinaires 47, 1070 Anderlecht, Belgium",
    }
    assert event["url"].endswith("/events/pub-1/")


def test_event_detail_never_contains_livestream_and_drafts_404(client):
    event = make_event(
        "live", livestream_url="https://stream.example.org/secret-stream", online_info="Watch online."
    )
    make_room(event, "Plenary", key="plenary")
    make_track(event, "Finance")
    response = client.get("/api/v1/events/live")
    assert response.status_code == 200
    body = response.get_json()
    assert "secret-stream" not in response.get_data(as_text=True)
    assert "livestream_url" not in body
    assert body["online_info"] == "Watch online."
    assert body["rooms"] == [{"key": "plenary", "name": "Plenary", "capacity": 50}]
    assert body["tracks"][0]["name"] == "Finance"

    make_event("hidden", published=False)
    for url in (
        "/api/v1/events/hidden",
        "/api/v1/events/hidden/sessions",
        "/api/v1/events/hidden/speakers",
        "/api/v1/events/hidden/exhibitors",
        "/api/v1/events/hidden/jobs",
        "/api/v1/events/unknown",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        error = response.get_json()["error"]
        assert error["code"] == "not_found" and error["message"], url


def test_sessions_shape_with_local_offset_times(client):
    event = make_event("sess", start_date=dt.date(2024, 9, 11), end_date=dt.date(2024, 9, 12))
    room = make_room(event, "Room 1", key="room-1")
    track = make_track(event, "Finance")
    ana = make_person(event, "Ana")
    session = make_session(
        event,
        "Sustainable Finance",
        type=SessionType.WORKSHOP,
        start=dt.datetime(2024, 9, 11, 9, 0),
        minutes=90,
        room=room,
        track=track,
        requires_signup=True,
        capacity=30,
        description="Co-financing.",
        speakers=[(ana, SpeakerRole.FACILITATOR)],
    )
    make_session(event, "Cancelled", start=dt.datetime(2024, 9, 12, 10, 0), status=SessionStatus.CANCELLED)
    response = client.get("/api/v1/events/sess/sessions")
    assert response.status_code == 200
    body = response.get_json()
    assert [s["title"] for s in body] == ["Sustainable Finance", "Cancelled"]
    first = body[0]
    assert first == {
        "id": session.id,
        "key": session.key,
        "uid": f"{session.key}.sess@wid-events",
        "title": "Sustainable Finance",
        "type": "workshop",
        "status": "confirmed",
        "start": "2024-09-11T09:00:00+02:00",
        "end": "2024-09-11T10:30:00+02:00",
        "timezone": "Europe/Brussels",
        "room": {"key": "room-1", "name": "Room 1"},
        "track": {"key": track.key, "name": "Finance"},
        "description": "Co-financing.",
        "requires_signup": True,
        "attendance": "in_person",
        "capacity": 30,
        "speakers": [{"id": ana.id, "name": "Ana", "role": "facilitator"}],
        "url": f"http://localhost/events/sess/sessions/{session.id}",
    }
    assert body[1]["status"] == "cancelled" and body[1]["room"] is None


def test_sessions_winter_offset_and_filters(client):
    event = make_event("winter", start_date=dt.date(2030, 10, 26), end_date=dt.date(2030, 10, 27))
    make_session(event, "Saturday", start=dt.datetime(2030, 10, 26, 9, 0))
    make_session(event, "Sunday", type=SessionType.PANEL, start=dt.datetime(2030, 10, 27, 9, 0))
    body = client.get("/api/v1/events/winter/sessions").get_json()
    assert [s["start"] for s in body] == ["2030-10-26T09:00:00+02:00", "2030-10-27T09:00:00+01:00"]
    assert [s["title"] for s in client.get("/api/v1/events/winter/sessions?day=2030-10-27").get_json()] == [
        "Sunday"
    ]
    assert [s["title"] for s in client.get("/api/v1/events/winter/sessions?type=panel").get_json()] == [
        "Sunday"
    ]
    bad = client.get("/api/v1/events/winter/sessions?type=nope")
    assert bad.status_code == 400
    assert bad.get_json()["error"]["code"] == "invalid_filter"
    assert "session type" in bad.get_json()["error"]["message"]


def test_speakers_public_profile_only(client):
    event = make_event("spk")
    amal = make_person(
        event,
        "Amal",
        organisation="IOM",
        job_title="Officer",
        pronouns="she/her",
        bio="Bio.",
        links=[
            {"label": "Site", "url": "https://amal.example"},
            {"label": "X", "url": "javascript:alert(1)"},
        ],
    )
    make_person(event, "Unplaced")
    session = make_session(event, "Talk", speakers=[(amal, SpeakerRole.SPEAKER)])
    body = client.get("/api/v1/events/spk/speakers").get_json()
    assert body == [
        {
            "id": amal.id,
            "key": amal.key,
            "name": "Amal",
            "pronouns": "she/her",
            "organisation": "IOM",
            "job_title": "Officer",
            "bio": "Bio.",
            "links": [{"label": "Site", "url": "https://amal.example"}],
            "photo_url": None,
            "sessions": [{"id": session.id, "role": "speaker"}],
            "url": f"http://localhost/events/spk/speakers/{amal.id}",
        }
    ]


def test_exhibitors_and_jobs_are_lists(client):
    make_event("expo")
    for url in ("/api/v1/events/expo/exhibitors", "/api/v1/events/expo/jobs"):
        response = client.get(url)
        assert response.status_code == 200
        assert isinstance(response.get_json(), list)


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _openapi_path(rule: str) -> str:
    path = rule[len("/api/v1") :]
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", path)


def test_openapi_document_describes_every_api_route(client, app):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] and doc["info"]["version"]
    assert doc["servers"][0]["url"].endswith("/api/v1")
    paths = doc["paths"]
    contract = {
        ("/events", "get"),
        ("/events/{slug}", "get"),
        ("/events/{slug}/sessions", "get"),
        ("/events/{slug}/speakers", "get"),
        ("/events/{slug}/exhibitors", "get"),
        ("/events/{slug}/jobs", "get"),
        ("/events/{slug}/balance", "get"),
        ("/events/{slug}/registrations", "get"),
        ("/events/{slug}/checkins", "post"),
    }
    for path, method in contract:
        assert method in paths[path], (path, method)
    # Every route the app serves under /api/v1 is documented, with each of its methods.
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = _openapi_path(rule.rule)
        assert path in paths, f"{rule.rule} is not in openapi.json"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in paths[path], f"{method} {rule.rule} is not in openapi.json"
    # Organiser endpoints use the bearer scheme; public ones need none.
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": doc["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert paths["/events/{slug}/checkins"]["post"]["security"] == [{"bearerAuth": []}]
    assert "security" not in paths["/events/{slug}/sessions"]["get"]
    # Every $ref resolves to a component schema, and every operation has responses.
    schemas = doc["components"]["schemas"]
    refs = list(_refs(doc))
    assert refs and all(ref.startswith("#/components/schemas/") for ref in refs)
    assert all(ref.rsplit("/", 1)[1] in schemas for ref in refs)
    for path, item in paths.items():
        for method, op in item.items():
            if method == "parameters":
                continue
            assert op["responses"], (path, method)
            assert op["operationId"], (path, method)
        if "{slug}" in path:
            params = item.get("parameters", [])
            assert any(p["name"] == "slug" and p["in"] == "path" and p["required"] for p in params), path


def test_openapi_schemas_validate_real_responses(client):
    """The Session and Speaker schemas accept what the API really returns."""
    import jsonschema

    event = make_event("schema-ev")
    room = make_room(event, "R")
    person = make_person(event, "P")
    make_session(event, "S", room=room, speakers=[(person, SpeakerRole.MODERATOR)])
    doc = client.get("/api/v1/openapi.json").get_json()
    registry_root = {"components": doc["components"]}

    def check(name, instance):
        schema = {"$ref": f"#/components/schemas/{name}", **registry_root}
        jsonschema.Draft202012Validator(schema).validate(instance)

    for item in client.get("/api/v1/events/schema-ev/sessions").get_json():
        check("Session", item)
    for item in client.get("/api/v1/events/schema-ev/speakers").get_json():
        check("Speaker", item)
    check("Event", client.get("/api/v1/events/schema-ev").get_json())
    for item in client.get("/api/v1/events").get_json():
        check("EventSummary", item)
    check("Error", client.get("/api/v1/events/nope").get_json())
