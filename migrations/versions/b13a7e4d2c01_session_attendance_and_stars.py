"""session attendance mode, attendees' stars on sessions, event contact address and speaker link validity

Revision ID: b13a7e4d2c01
Revises: a14c0de5ea4c
Create Date: 2026-12-01 22:45:00

"""
from alembic import op
import sqlalchemy as sa

import wid_events.models_base


# revision identifiers, used by Alembic.
revision = 'b13a7e4d2c01'
down_revision = 'a14c0de5ea4c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendance', sa.Enum('in_person', 'online', 'hybrid', name='sessionattendance', native_enum=False, length=32), nullable=True))

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('speaker_link_days', sa.Integer(), server_default='30', nullable=False))

    with op.batch_alter_table('jobday_exhibitors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_bookings', sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table('session_stars',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('created_at', wid_events.models_base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_session_stars_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_session_stars_session_id_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_stars')),
    sa.UniqueConstraint('registration_id', 'session_id', name=op.f('uq_session_stars_registration_id_session_id'))
    )
    with op.batch_alter_table('session_stars', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_stars_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_stars_session_id'), ['session_id'], unique=False)


def downgrade():
    with op.batch_alter_table('session_stars', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_stars_session_id'))
        batch_op.drop_index(batch_op.f('ix_session_stars_registration_id'))
    op.drop_table('session_stars')
    with op.batch_alter_table('jobday_exhibitors', schema=None) as batch_op:
        batch_op.drop_column('notify_bookings')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('speaker_link_days')
        batch_op.drop_column('contact_email')
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_column('attendance')
