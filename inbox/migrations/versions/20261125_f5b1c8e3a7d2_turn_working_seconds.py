"""turn working seconds

Each turn keeps the opening time it was given (receipt to due) and the time
its answer took, so the channel report aggregates in SQL.

Revision ID: f5b1c8e3a7d2
Revises: e2c7a9d4b1f6
Create Date: 2026-11-25 19:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f5b1c8e3a7d2"
down_revision = "e2c7a9d4b1f6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("turns") as batch:
        batch.add_column(sa.Column("promised_seconds", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("answer_seconds", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("turns") as batch:
        batch.drop_column("answer_seconds")
        batch.drop_column("promised_seconds")
