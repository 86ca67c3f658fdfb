"""Column helpers shared by every domain's models."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa


def utcnow() -> dt.datetime:
    """Aware UTC now. Stored naive in UTC columns (see :class:`UTCDateTime`)."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """An instant, stored as naive UTC on every database and read back as aware UTC."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


def enum_type(enum_cls: type[enum.Enum]) -> sa.Enum:
    """Store an enum by its value as a short string, without a native type or CHECK.

    Values can then be added without a migration that differs between databases.
    """
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )
