"""worker heartbeats

Each worker process records when it was last alive; /healthz reports the
newest heartbeat's age.

Revision ID: d9f3b2a6c8e1
Revises: c4a8e1f2d6b9
Create Date: 2026-11-25 18:55:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d9f3b2a6c8e1"
down_revision = "c4a8e1f2d6b9"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "worker_heartbeats",
        sa.Column("worker", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("worker", name=op.f("pk_worker_heartbeats")),
    )


def downgrade():
    op.drop_table("worker_heartbeats")
