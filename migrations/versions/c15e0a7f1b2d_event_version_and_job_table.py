"""event public version and the durable job table

Revision ID: c15e0a7f1b2d
Revises: a16c0de5ec01
Create Date: 2026-12-01 22:45:00

"""
from alembic import op
import sqlalchemy as sa

import wid_events.models_base


# revision identifiers, used by Alembic.
revision = 'c15e0a7f1b2d'
down_revision = 'a16c0de5ec01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('seats_version', sa.Integer(), server_default='1', nullable=False))

    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('func', sa.String(length=200), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=True),
    sa.Column('state', sa.Enum('queued', 'running', 'done', 'failed', name='jobstate', native_enum=False, length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('worker', sa.String(length=200), nullable=True),
    sa.Column('heartbeat_at', wid_events.models_base.UTCDateTime(), nullable=True),
    sa.Column('error', sa.String(length=1000), nullable=True),
    sa.Column('created_at', wid_events.models_base.UTCDateTime(), nullable=False),
    sa.Column('started_at', wid_events.models_base.UTCDateTime(), nullable=True),
    sa.Column('finished_at', wid_events.models_base.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_key'), ['key'], unique=False)
        batch_op.create_index('ix_jobs_state_id', ['state', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_state_id')
        batch_op.drop_index(batch_op.f('ix_jobs_key'))

    op.drop_table('jobs')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('seats_version')
        batch_op.drop_column('version')
