"""Property-based fuzzing of the JSON API against its own OpenAPI document (schemathesis).

Every operation of ``/api/v1/openapi.json`` is called in-process (WSGI) with generated
parameters and bodies, once with random slugs and once against a real event with an
organiser's token. No answer may be a 5xx, and every answer must match the documented
status codes, content types and schemas. The run is derandomised and bounded, so it is the
same run every time and takes well under a minute.
"""

from __future__ import annotations

import pytest
from flask import g
from hypothesis import HealthCheck, given, settings

from tests.factories import make_event, make_organiser, make_person, make_registration, make_session
from wid_events.accounts import services as account_services
from wid_events.core.uow import unit_of_work
from wid_events.enums import Gender, SessionType, SpeakerRole

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 50
STATUSES: list[int] = []


def _seed(app):
    event = make_event("fuzz-event", title="Fuzz event")
    people = [
        make_person(event, f"Speaker {i}", gender=Gender.WOMAN if i % 2 else Gender.MAN) for i in range(4)
    ]
    make_session(
        event,
        "A panel",
        type=SessionType.PANEL,
        speakers=[(p, SpeakerRole.PANELIST) for p in people],
    )
    make_session(event, "A workshop", type=SessionType.WORKSHOP, requires_signup=True, capacity=10)
    make_registration(event, "Fuzz Attendee")
    user = make_organiser(event, "fuzz-organiser@example.org")
    with unit_of_work():
        token = account_services.issue_token(user.email)
    return event, token


def _run(operation, mode=None, auth=None, **kwargs) -> None:
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(mode or GenerationMode.POSITIVE, **kwargs))
    def check(case):
        for name in list(vars(g)):  # the app context outlives requests: no user cached in g
            delattr(g, name)
        if auth:
            case.headers = {**(case.headers or {}), **auth}
        response = case.call_and_validate(checks=CHECKS)
        STATUSES.append(response.status_code)

    check()


def test_api_matches_its_openapi_document_and_never_answers_5xx(app):
    STATUSES.clear()
    event, token = _seed(app)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    auth = {"Authorization": f"Bearer {token}"}
    for operation in operations:
        _run(operation)
        if "{slug}" in operation.path:
            _run(operation, path_parameters={"slug": event.slug}, auth=auth)
            if operation.method.upper() == "POST":
                _run(operation, GenerationMode.NEGATIVE, path_parameters={"slug": event.slug}, auth=auth)
    # The organiser runs really got in (a cached anonymous user would make them all 401).
    assert STATUSES.count(200) > len(operations) * 2
