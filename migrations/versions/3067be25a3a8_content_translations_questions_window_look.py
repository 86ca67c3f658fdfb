"""event content translations, registration questions and window, organisation look

Revision ID: 3067be25a3a8
Revises: b13a7e4d2c01
Create Date: 2026-12-01 22:35:50.349320

"""
from alembic import op
import sqlalchemy as sa

import wid_events.models_base


# revision identifiers, used by Alembic.
revision = '3067be25a3a8'
down_revision = 'b13a7e4d2c01'
branch_labels = None
depends_on = None


def upgrade():
    # Existing rows get defaults (server defaults only in the migration, as elsewhere).
    op.create_table('registration_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('help_text', sa.Text(), nullable=False),
    sa.Column('type', sa.Enum('text', 'textarea', 'choice', 'multiple_choice', 'yes_no', 'country', 'date', name='questiontype', native_enum=False, length=32), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=True),
    sa.Column('attendance', sa.Enum('in_person', 'online', name='attendance', native_enum=False, length=32), nullable=True),
    sa.Column('translations', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('archived_at', wid_events.models_base.UTCDateTime(), nullable=True),
    sa.Column('created_at', wid_events.models_base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_registration_questions_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_questions')),
    sa.UniqueConstraint('event_id', 'key', name=op.f('uq_registration_questions_event_id_key'))
    )
    with op.batch_alter_table('registration_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_questions_event_id'), ['event_id'], unique=False)

    op.create_table('registration_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['registration_questions.id'], name=op.f('fk_registration_answers_question_id_registration_questions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_registration_answers_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_answers')),
    sa.UniqueConstraint('registration_id', 'question_id', name=op.f('uq_registration_answers_registration_id_question_id'))
    )
    with op.batch_alter_table('registration_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_answers_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_answers_registration_id'), ['registration_id'], unique=False)

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('default_language', sa.String(length=8), nullable=False, server_default='en'))
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
        batch_op.add_column(sa.Column('registration_opens', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('registration_closes', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('accent_colour', sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column('logo_key', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('header_image_key', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('header_image_alt', sa.String(length=300), nullable=False, server_default=''))

    with op.batch_alter_table('jobday_offers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))

    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))

    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))

    with op.batch_alter_table('tracks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))

    # ### end Alembic commands ###


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('tracks', schema=None) as batch_op:
        batch_op.drop_column('translations')

    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_column('translations')

    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.drop_column('translations')

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('translations')

    with op.batch_alter_table('jobday_offers', schema=None) as batch_op:
        batch_op.drop_column('translations')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('header_image_alt')
        batch_op.drop_column('header_image_key')
        batch_op.drop_column('logo_key')
        batch_op.drop_column('accent_colour')
        batch_op.drop_column('registration_closes')
        batch_op.drop_column('registration_opens')
        batch_op.drop_column('translations')
        batch_op.drop_column('default_language')

    with op.batch_alter_table('registration_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_answers_registration_id'))
        batch_op.drop_index(batch_op.f('ix_registration_answers_question_id'))

    op.drop_table('registration_answers')
    with op.batch_alter_table('registration_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_questions_event_id'))

    op.drop_table('registration_questions')
    # ### end Alembic commands ###
