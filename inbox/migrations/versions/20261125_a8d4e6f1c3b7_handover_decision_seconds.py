"""handover decision seconds

A decided handover keeps the opening time it waited, so the report's median
time to acceptance is SQL.

Revision ID: a8d4e6f1c3b7
Revises: f5b1c8e3a7d2
Create Date: 2026-11-25 19:35:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a8d4e6f1c3b7"
down_revision = "f5b1c8e3a7d2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("handovers") as batch:
        batch.add_column(sa.Column("decision_seconds", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("handovers") as batch:
        batch.drop_column("decision_seconds")
