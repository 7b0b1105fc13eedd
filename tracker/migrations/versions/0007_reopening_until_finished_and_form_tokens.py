"""a reopening lasts until the institution finishes, a coordinator ends it or its end date
passes (no longer until the first submission); a form's submission is accepted once

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 20:00:00
"""

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_DAYS = 14  # tracker.services.lifecycle.DEFAULT_REOPENING: a grant's default length


def upgrade() -> None:
    with op.batch_alter_table('reopen_request', schema=None) as batch_op:
        # a grant "used" by a submission ended then: the same moment, under its new name
        batch_op.alter_column('used_at', new_column_name='ended_at')
        batch_op.add_column(sa.Column('ends_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ended_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_reopen_request_ended_by', 'app_user',
                                    ['ended_by_id'], ['id'])
    # grants made before an end date existed: two weeks from the grant, as a new grant
    requests = sa.table('reopen_request', sa.column('id', sa.Integer()),
                        sa.column('state', sa.String()),
                        sa.column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime()),
                        sa.column('ends_on', sa.Date()))
    connection = op.get_bind()
    granted = connection.execute(sa.select(requests.c.id, requests.c.decided_at).where(
        requests.c.state == 'granted', requests.c.decided_at.is_not(None))).all()
    for request_id, decided_at in granted:
        connection.execute(requests.update().where(requests.c.id == request_id).values(
            ends_on=decided_at.date() + timedelta(days=DEFAULT_DAYS)))
    op.create_table(
        'form_token',
        sa.Column('token', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('result', sa.Integer(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
        sa.PrimaryKeyConstraint('token'),
    )


def downgrade() -> None:
    op.drop_table('form_token')
    with op.batch_alter_table('reopen_request', schema=None) as batch_op:
        batch_op.drop_constraint('fk_reopen_request_ended_by', type_='foreignkey')
        batch_op.drop_column('ended_by_id')
        batch_op.drop_column('ends_on')
        batch_op.alter_column('ended_at', new_column_name='used_at')
