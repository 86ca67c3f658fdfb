"""People directory across events: one record per person, joined automatically only on an
exact email match (ignoring case); each event keeps its own Person row (role, profile, and the
self-declared gender and its consent, which never travel between events).

Revision ID: 5d1e7c2a9f30
Revises: 3c6e24550452
Create Date: 2026-12-01 22:59:13.582485

"""
from alembic import op
import sqlalchemy as sa

import wid_events.models_base
from wid_events.core.search import search_key


# revision identifiers, used by Alembic.
revision = '5d1e7c2a9f30'
down_revision = '3c6e24550452'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('directory_people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('search_key', sa.String(length=600), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('organisation', sa.String(length=300), nullable=True),
    sa.Column('created_at', wid_events.models_base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', wid_events.models_base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_people')),
    sa.UniqueConstraint('email', name=op.f('uq_directory_people_email'))
    )
    with op.batch_alter_table('directory_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_people_search_key'), ['search_key'], unique=False)

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('directory_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_people_directory_id'), ['directory_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_people_directory_id_directory_people'), 'directory_people', ['directory_id'], ['id'], ondelete='SET NULL')

    link_existing_people(op.get_bind())


def link_existing_people(bind) -> None:
    """One directory record per email address (exact, ignoring case and outer spaces), and one
    per person without an address. Nothing else is merged: that is a reviewed organiser action."""
    people = sa.table(
        "people",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("email", sa.String),
        sa.column("organisation", sa.String),
        sa.column("directory_id", sa.Integer),
    )
    directory = sa.table(
        "directory_people",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("search_key", sa.String),
        sa.column("email", sa.String),
        sa.column("organisation", sa.String),
        sa.column("created_at", wid_events.models_base.UTCDateTime),
        sa.column("updated_at", wid_events.models_base.UTCDateTime),
    )
    now = wid_events.models_base.utcnow()
    by_email: dict[str, int] = {}
    rows = bind.execute(sa.select(people.c.id, people.c.name, people.c.email, people.c.organisation).order_by(people.c.id))
    for person_id, name, email, organisation in rows.all():
        key = (email or "").strip().lower() or None
        record_id = by_email.get(key) if key else None
        if record_id is None:
            record_id = bind.execute(
                directory.insert()
                .values(
                    name=name,
                    search_key=search_key(" ".join(x for x in (name, organisation) if x))[:600],
                    email=key,
                    organisation=organisation,
                    created_at=now,
                    updated_at=now,
                )
                .returning(directory.c.id)
            ).scalar_one()
            if key:
                by_email[key] = record_id
        bind.execute(people.update().where(people.c.id == person_id).values(directory_id=record_id))


def downgrade():
    # On SQLite the batch copy of ``people`` drops a table that other tables point at: run this
    # downgrade with foreign keys off (``PRAGMA foreign_keys`` cannot change inside the migration's
    # transaction).
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_people_directory_id_directory_people'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_people_directory_id'))
        batch_op.drop_column('directory_id')

    with op.batch_alter_table('directory_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_people_search_key'))

    op.drop_table('directory_people')
