"""webhook events

Verified webhook requests are stored and answered at once, and taken in by
the poller afterwards.

Revision ID: c4a8e1f2d6b9
Revises: b7e2d9c4f1a3
Create Date: 2026-11-25 18:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c4a8e1f2d6b9"
down_revision = "b7e2d9c4f1a3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "webhook_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("account", sa.String(length=100), nullable=False),
        sa.Column("external_id", sa.String(length=300), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_events")),
        sa.UniqueConstraint(
            "source",
            "account",
            "external_id",
            name=op.f("uq_webhook_events_source_account_external_id"),
        ),
    )
    op.create_index(
        "ix_webhook_events_pending",
        "webhook_events",
        ["id"],
        postgresql_where=sa.text("processed_at IS NULL"),
        sqlite_where=sa.text("processed_at IS NULL"),
    )


def downgrade():
    op.drop_index("ix_webhook_events_pending", table_name="webhook_events")
    op.drop_table("webhook_events")
