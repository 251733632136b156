"""suggestion themes: analyses, themes, roll-up, lexicon version

Revision ID: 0007_suggestion_themes
Revises: 0008_cadre_field
Create Date: 2026-12-01 09:11:30
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0007_suggestion_themes'
down_revision: str | None = '0008_cadre_field'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('themestate',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('themestat',
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('theme', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('score_sum', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['county.id'], ),
    sa.PrimaryKeyConstraint('county_id', 'month', 'theme')
    )
    op.create_table('suggestionanalysis',
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('keywords', sa.Text(), nullable=False),
    sa.Column('urgent_words', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['rating_id'], ['rating.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rating_id')
    )
    op.create_table('suggestiontheme',
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('theme', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], ),
    sa.ForeignKeyConstraint(['rating_id'], ['rating.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rating_id', 'theme')
    )
    with op.batch_alter_table('suggestiontheme', schema=None) as batch_op:
        batch_op.create_index('ix_suggestiontheme_branch', ['branch_id', 'theme', 'month', 'rating_id'], unique=False)
        batch_op.create_index('ix_suggestiontheme_theme', ['theme', 'month', 'rating_id', 'branch_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('suggestiontheme', schema=None) as batch_op:
        batch_op.drop_index('ix_suggestiontheme_theme')
        batch_op.drop_index('ix_suggestiontheme_branch')

    op.drop_table('suggestiontheme')
    op.drop_table('suggestionanalysis')
    op.drop_table('themestat')
    op.drop_table('themestate')
