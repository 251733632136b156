"""cadres' field pages: personal links, spot-check sessions with their live links, lecture materials,
field submissions

Revision ID: 0008_cadre_field
Revises: 0006_provenance
Create Date: 2026-12-01 10:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0008_cadre_field'
down_revision: str | None = '0006_provenance'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('spotcheck') as batch:
        batch.add_column(sa.Column('group_members', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('branch_members', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('photo_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_spotcheck_photo_id_photo', 'photo', ['photo_id'], ['id'])
    op.create_table('cadrelink',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index(op.f('ix_cadrelink_cadre_id'), 'cadrelink', ['cadre_id'], unique=False)
    op.create_table('spotsession',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('present', sa.Integer(), nullable=True),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('spotcheck_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], ),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], ),
    sa.ForeignKeyConstraint(['link_id'], ['surveylink.id'], ),
    sa.ForeignKeyConstraint(['spotcheck_id'], ['spotcheck.id'], ),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('link_id')
    )
    op.create_index(op.f('ix_spotsession_visit_id'), 'spotsession', ['visit_id'], unique=False)
    op.create_index(op.f('ix_spotsession_branch_id'), 'spotsession', ['branch_id'], unique=False)
    op.create_index(op.f('ix_spotsession_cadre_id'), 'spotsession', ['cadre_id'], unique=False)
    op.create_index(op.f('ix_spotsession_spotcheck_id'), 'spotsession', ['spotcheck_id'], unique=False)
    op.create_table('lecturematerial',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lecture_id', sa.Integer(), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('mime', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['lecture_id'], ['lecture.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_lecturematerial_lecture_id'), 'lecturematerial', ['lecture_id'], unique=False)
    op.create_table('fieldsubmission',
    sa.Column('submission_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('submission_id')
    )


def downgrade() -> None:
    op.drop_table('fieldsubmission')
    op.drop_table('lecturematerial')
    op.drop_table('spotsession')
    op.drop_table('cadrelink')
    with op.batch_alter_table('spotcheck') as batch:
        batch.drop_constraint('fk_spotcheck_photo_id_photo', type_='foreignkey')
        batch.drop_column('photo_id')
        batch.drop_column('branch_members')
        batch.drop_column('group_members')
