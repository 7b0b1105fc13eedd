"""reopen requests per institution, with the coordinator's answer and the member's notice

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 03:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('reopen_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('institution_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('answer', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('seen_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key('fk_reopen_request_institution', 'institution',
                                    ['institution_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('reopen_request', schema=None) as batch_op:
        batch_op.drop_constraint('fk_reopen_request_institution', type_='foreignkey')
        batch_op.drop_column('seen_at')
        batch_op.drop_column('used_at')
        batch_op.drop_column('answer')
        batch_op.drop_column('institution_id')
