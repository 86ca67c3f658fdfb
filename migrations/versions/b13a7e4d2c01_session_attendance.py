"""session attendance mode (in person, online, hybrid)

Revision ID: b13a7e4d2c01
Revises: 5d1e7c2a9f30
Create Date: 2026-12-01 22:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b13a7e4d2c01'
down_revision = '5d1e7c2a9f30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendance', sa.Enum('in_person', 'online', 'hybrid', name='sessionattendance', native_enum=False, length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_column('attendance')
