"""rate counter shared by survey servers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('ratecounter',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('window', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', 'window')
    )
    with op.batch_alter_table('ratecounter', schema=None) as batch_op:
        batch_op.create_index('ix_ratecounter_window', ['window'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ratecounter', schema=None) as batch_op:
        batch_op.drop_index('ix_ratecounter_window')
    op.drop_table('ratecounter')
