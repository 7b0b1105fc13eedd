"""a plan's time zone

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 20:00:00

Existing plans take ``TRACKER_TIME_ZONE`` (default America/Guayaquil): their times were
stored in UTC and are shown in this zone from now on.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from tracker.settings import get_settings

    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=False,
                                      server_default=get_settings().time_zone))


def downgrade() -> None:
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
