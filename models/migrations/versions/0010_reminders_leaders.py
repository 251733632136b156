"""reminder channels, reminders sent, leaders' personal links

Revision ID: 0010_reminders_leaders
Revises: 0013_cadre_left
Create Date: 2026-12-02 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0010_reminders_leaders'
down_revision: str | None = '0013_cadre_left'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('reminderchannel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_reminderchannel_department_id'), 'reminderchannel', ['department_id'], unique=False)
    op.create_table('remindersent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('deadline', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('last_attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['reminderchannel.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('department_id', 'deadline', 'channel_id', name='uq_reminder_sent')
    )
    op.create_index(op.f('ix_remindersent_department_id'), 'remindersent', ['department_id'], unique=False)
    op.create_index(op.f('ix_remindersent_channel_id'), 'remindersent', ['channel_id'], unique=False)
    op.create_table('leaderlink',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )


def downgrade() -> None:
    op.drop_table('leaderlink')
    op.drop_index(op.f('ix_remindersent_channel_id'), table_name='remindersent')
    op.drop_index(op.f('ix_remindersent_department_id'), table_name='remindersent')
    op.drop_table('remindersent')
    op.drop_index(op.f('ix_reminderchannel_department_id'), table_name='reminderchannel')
    op.drop_table('reminderchannel')
