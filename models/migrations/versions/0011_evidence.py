"""evidence: system exports read from the file, receipts stamped by the system

Revision ID: 0011_evidence
Revises: 0010_reminders_leaders
Create Date: 2026-12-02 11:55:13.953567
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0011_evidence'
down_revision: str | None = '0010_reminders_leaders'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('evidencefile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('system', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('layout', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('rows_used', sa.Integer(), nullable=False),
    sa.Column('skipped', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('columns', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('exported_on', sa.Date(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('figures', sa.Text(), nullable=False),
    sa.Column('brought_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('backfill_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sha256')
    )
    with op.batch_alter_table('evidencefile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidencefile_department_id'), ['department_id'], unique=False)

    op.create_table('evidenceuse',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('values', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['county.id'], ),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidencefile.id'], ),
    sa.ForeignKeyConstraint(['report_id'], ['monthlyreport.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('evidence_id', 'report_id', name='uq_evidenceuse')
    )
    with op.batch_alter_table('evidenceuse', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidenceuse_evidence_id'), ['evidence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidenceuse_report_id'), ['report_id'], unique=False)

    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_activity_evidence_id_evidencefile', 'evidencefile', ['evidence_id'], ['id'])

    with op.batch_alter_table('cityplan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('claimed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('backfill_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=''))

    with op.batch_alter_table('experience', schema=None) as batch_op:
        batch_op.add_column(sa.Column('promotion_recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))

    with op.batch_alter_table('lecture', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('materials_received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('materials_claimed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('backfill_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=''))

    with op.batch_alter_table('monthlyreport', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('claimed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('backfill_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('amended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('baseline_approved_by', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('baseline_approved_on', sa.Date(), nullable=True))

    with op.batch_alter_table('serviceproject', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('claimed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('backfill_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=''))



def downgrade() -> None:
    with op.batch_alter_table('serviceproject', schema=None) as batch_op:
        batch_op.drop_column('backfill_reason')
        batch_op.drop_column('claimed_on')
        batch_op.drop_column('received_at')

    with op.batch_alter_table('monthlyreport', schema=None) as batch_op:
        batch_op.drop_column('baseline_approved_on')
        batch_op.drop_column('baseline_approved_by')
        batch_op.drop_column('amended_at')
        batch_op.drop_column('backfill_reason')
        batch_op.drop_column('claimed_on')
        batch_op.drop_column('received_at')

    with op.batch_alter_table('lecture', schema=None) as batch_op:
        batch_op.drop_column('backfill_reason')
        batch_op.drop_column('materials_claimed_on')
        batch_op.drop_column('materials_received_at')
        batch_op.drop_column('received_at')

    with op.batch_alter_table('experience', schema=None) as batch_op:
        batch_op.drop_column('promotion_recorded_at')

    with op.batch_alter_table('cityplan', schema=None) as batch_op:
        batch_op.drop_column('backfill_reason')
        batch_op.drop_column('claimed_on')
        batch_op.drop_column('received_at')

    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_constraint('fk_activity_evidence_id_evidencefile', type_='foreignkey')
        batch_op.drop_column('evidence_id')

    with op.batch_alter_table('evidenceuse', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidenceuse_report_id'))
        batch_op.drop_index(batch_op.f('ix_evidenceuse_evidence_id'))

    op.drop_table('evidenceuse')
    with op.batch_alter_table('evidencefile', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidencefile_department_id'))

    op.drop_table('evidencefile')
