"""rate events

Counted uses of rate-limited things (callback requests per address and per
number), shared by every web process.

Revision ID: b7e2d9c4f1a3
Revises: 8c3f1a7d2e44
Create Date: 2026-11-25 17:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b7e2d9c4f1a3"
down_revision = "8c3f1a7d2e44"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rate_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_events")),
    )
    op.create_index("ix_rate_events_bucket_key_at", "rate_events", ["bucket", "key", "at"])


def downgrade():
    op.drop_index("ix_rate_events_bucket_key_at", table_name="rate_events")
    op.drop_table("rate_events")
