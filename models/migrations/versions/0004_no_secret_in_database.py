"""no survey secret in the database; stored client hashes that it could reverse are cleared

The survey secret lived in ``sharedsecret`` beside ``rating.client_hash``, so whoever read the
database could reverse every stored hash to its address. The secret now lives only in its file, and
the hashes made under the old scheme are blanked (new ones use a daily salt that is never stored).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 09:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_table('sharedsecret')
    op.execute("UPDATE rating SET client_hash = '' WHERE client_hash <> ''")
    op.execute("DELETE FROM ratecounter")  # keyed by the old hashes; counters live ten minutes anyway


def downgrade() -> None:
    op.create_table('sharedsecret',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
