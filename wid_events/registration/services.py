"""Registration services. (Interface first; the registration issue completes it.)"""

from __future__ import annotations

import sqlalchemy as sa

from wid_events.core.web import hash_token
from wid_events.errors import NotFound
from wid_events.extensions import db
from wid_events.registration.models import Registration


def by_token(token: str) -> Registration:
    """The registration whose manage token this is, or :class:`NotFound`."""
    registration = db.session.scalar(
        sa.select(Registration).where(Registration.token_hash == hash_token(token))
    )
    if registration is None:
        raise NotFound("This registration link is unknown or no longer valid.")
    return registration
