"""change generations: every server process sees another's write at its next run

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 23:00:00

The structure's counter starts at the current time in microseconds (``tracker.changes``), so
that a database created anew at an address a server already served never repeats a
generation that server holds cached reads for.
"""

import time
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        'change_generation',
        sa.Column('plan_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('part', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('generation', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('plan_id', 'part'),
    )
    op.bulk_insert(table, [{'plan_id': 0, 'part': 'structure',
                            'generation': time.time_ns() // 1000}])


def downgrade() -> None:
    op.drop_table('change_generation')
