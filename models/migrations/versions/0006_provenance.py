"""provenance of scored figures, experiences, city plans, deadlines

Revision ID: 0006_provenance
Revises: 0004
Create Date: 2026-12-01 09:07:57
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0006_provenance'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('cityplan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('city_id', 'year', name='uq_cityplan_city_year')
    )
    with op.batch_alter_table('cityplan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cityplan_city_id'), ['city_id'], unique=False)

    op.create_table('experience',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('checked_visit_id', sa.Integer(), nullable=True),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('promoted_on', sa.Date(), nullable=True),
    sa.Column('promoted_where', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('promoted_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.ForeignKeyConstraint(['checked_by_id'], ['cadre.id'], ),
    sa.ForeignKeyConstraint(['checked_visit_id'], ['visit.id'], ),
    sa.ForeignKeyConstraint(['county_id'], ['county.id'], ),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('department_id', 'county_id', 'year', 'title', name='uq_experience')
    )
    with op.batch_alter_table('experience', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_experience_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_experience_department_id'), ['department_id'], unique=False)

    with op.batch_alter_table('cadre', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exempt_approved_by', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('exempt_approved_on', sa.Date(), nullable=True))

    with op.batch_alter_table('lecture', schema=None) as batch_op:
        batch_op.add_column(sa.Column('materials_submitted_on', sa.Date(), nullable=True))

    with op.batch_alter_table('monthlyreport', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('source_file', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('source_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('checked_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('checked_visit_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_monthlyreport_checked_visit', 'visit', ['checked_visit_id'], ['id'])
        batch_op.create_foreign_key('fk_monthlyreport_checked_by', 'cadre', ['checked_by_id'], ['id'])

    with op.batch_alter_table('serviceproject', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewed_by', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False, server_default=''))



def downgrade() -> None:
    with op.batch_alter_table('serviceproject', schema=None) as batch_op:
        batch_op.drop_column('reviewed_by')

    with op.batch_alter_table('monthlyreport', schema=None) as batch_op:
        batch_op.drop_constraint('fk_monthlyreport_checked_by', type_='foreignkey')
        batch_op.drop_constraint('fk_monthlyreport_checked_visit', type_='foreignkey')
        batch_op.drop_column('checked_visit_id')
        batch_op.drop_column('checked_by_id')
        batch_op.drop_column('source_date')
        batch_op.drop_column('source_file')
        batch_op.drop_column('source')

    with op.batch_alter_table('lecture', schema=None) as batch_op:
        batch_op.drop_column('materials_submitted_on')

    with op.batch_alter_table('cadre', schema=None) as batch_op:
        batch_op.drop_column('exempt_approved_on')
        batch_op.drop_column('exempt_approved_by')

    with op.batch_alter_table('experience', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_experience_department_id'))
        batch_op.drop_index(batch_op.f('ix_experience_county_id'))

    op.drop_table('experience')
    with op.batch_alter_table('cityplan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cityplan_city_id'))

    op.drop_table('cityplan')
