"""hardening (issue 16): keyed form-key hash and token seed on registrations, API token
expiry and name, database-backed rate-limit counters

Revision ID: a16c0de5ec01
Revises: 3067be25a3a8
Create Date: 2026-12-01 23:00:00

"""

import sqlalchemy as sa
from alembic import op

import wid_events.models_base

# revision identifiers, used by Alembic.
revision = "a16c0de5ec01"
down_revision = "3067be25a3a8"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rate_limit_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("at", wid_events.models_base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_limit_hits")),
    )
    with op.batch_alter_table("rate_limit_hits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rate_limit_hits_at"), ["at"], unique=False)
        batch_op.create_index("ix_rate_limit_hits_key_at", ["key", "at"], unique=False)

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=100), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("expires_at", wid_events.models_base.UTCDateTime(), nullable=True))
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column("name", server_default=None)

    # The manage token used to be derived from the form key itself: keep it as the token seed,
    # so every link already sent keeps working, and stop storing the form key.
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_key_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("token_seed", sa.String(length=64), nullable=True))
    op.execute("UPDATE registrations SET token_seed = form_key")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_constraint("uq_registrations_event_id_form_key", type_="unique")
        batch_op.drop_column("form_key")
        batch_op.create_unique_constraint(
            batch_op.f("uq_registrations_event_id_form_key_hash"), ["event_id", "form_key_hash"]
        )


def downgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_registrations_event_id_form_key_hash"), type_="unique")
        batch_op.add_column(sa.Column("form_key", sa.String(length=64), nullable=True))
    op.execute("UPDATE registrations SET form_key = token_seed")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("token_seed")
        batch_op.drop_column("form_key_hash")
        batch_op.create_unique_constraint("uq_registrations_event_id_form_key", ["event_id", "form_key"])

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
        batch_op.drop_column("name")

    with op.batch_alter_table("rate_limit_hits", schema=None) as batch_op:
        batch_op.drop_index("ix_rate_limit_hits_key_at")
        batch_op.drop_index(batch_op.f("ix_rate_limit_hits_at"))
    op.drop_table("rate_limit_hits")
