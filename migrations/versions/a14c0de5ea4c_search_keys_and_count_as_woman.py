"""Search keys (people, registrations) and a self-described person's count_as_woman

Every person and registration gets its name (and organisation, email) a second time as
``core.search.search_key``: NFKD, marks removed, casefolded. Searches compare those columns,
so "emilie" finds "Émilie" and "олена" finds "Олена" on SQLite and PostgreSQL alike.
Existing rows are backfilled here.

Revision ID: a14c0de5ea4c
Revises: 5d1e7c2a9f30
Create Date: 2026-12-01 22:45:00

"""

import sqlalchemy as sa
from alembic import op

from wid_events.core.search import search_key

revision = "a14c0de5ea4c"
down_revision = "5d1e7c2a9f30"
branch_labels = None
depends_on = None


def _backfill_people(conn) -> None:
    people = sa.table(
        "people",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("organisation", sa.String),
        sa.column("name_key", sa.String),
        sa.column("organisation_key", sa.String),
    )
    rows = conn.execute(sa.select(people.c.id, people.c.name, people.c.organisation)).all()
    for row in rows:
        conn.execute(
            people.update()
            .where(people.c.id == row.id)
            .values(name_key=search_key(row.name)[:200], organisation_key=search_key(row.organisation)[:300])
        )


def _backfill_registrations(conn) -> None:
    regs = sa.table(
        "registrations",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("organisation", sa.String),
        sa.column("email", sa.String),
        sa.column("name_key", sa.String),
        sa.column("search_key", sa.String),
    )
    rows = conn.execute(sa.select(regs.c.id, regs.c.name, regs.c.organisation, regs.c.email)).all()
    for row in rows:
        text = "\n".join(search_key(part) for part in (row.name, row.organisation, row.email))[:800]
        conn.execute(
            regs.update()
            .where(regs.c.id == row.id)
            .values(name_key=search_key(row.name)[:200], search_key=text)
        )


def upgrade():
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("organisation_key", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("count_as_woman", sa.Boolean(), nullable=True))
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("search_key", sa.String(length=800), nullable=False, server_default=""))

    conn = op.get_bind()
    _backfill_people(conn)
    _backfill_registrations(conn)

    # The defaults only served the backfill: the application always writes the keys.
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.alter_column("name_key", server_default=None)
        batch_op.alter_column("organisation_key", server_default=None)
        batch_op.create_index("ix_people_event_name_key", ["event_id", "name_key"], unique=False)
        batch_op.create_index(
            "ix_people_event_organisation_key", ["event_id", "organisation_key"], unique=False
        )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.alter_column("name_key", server_default=None)
        batch_op.alter_column("search_key", server_default=None)
        batch_op.create_index("ix_registrations_event_name_key", ["event_id", "name_key"], unique=False)
        batch_op.create_index("ix_registrations_event_search_key", ["event_id", "search_key"], unique=False)


def downgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_index("ix_registrations_event_search_key")
        batch_op.drop_index("ix_registrations_event_name_key")
        batch_op.drop_column("search_key")
        batch_op.drop_column("name_key")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index("ix_people_event_organisation_key")
        batch_op.drop_index("ix_people_event_name_key")
        batch_op.drop_column("count_as_woman")
        batch_op.drop_column("organisation_key")
        batch_op.drop_column("name_key")
