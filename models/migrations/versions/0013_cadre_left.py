"""a cadre's 调离日期 (his yearly target is pro-rated to the days he was in post)

Revision ID: 0013_cadre_left
Revises: 0007_suggestion_themes
Create Date: 2026-12-02 12:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013_cadre_left'
down_revision: str | None = '0007_suggestion_themes'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('cadre') as batch:
        batch.add_column(sa.Column('left_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cadre') as batch:
        batch.drop_column('left_on')
