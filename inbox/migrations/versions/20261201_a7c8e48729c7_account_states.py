"""account states

Each channel account's health (last success, last error, failures in a row) per
activity (poll, webhook, send), for /admin/channels and /metrics; and an index
of the messages taken in by their time, for the counts of today and in all.

Revision ID: a7c8e48729c7
Revises: 8c0c14894f00
Create Date: 2026-12-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a7c8e48729c7"
down_revision = "8c0c14894f00"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "account_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("account", sa.String(length=100), nullable=False),
        sa.Column(
            "activity",
            sa.Enum("poll", "webhook", "send", name="accountactivity", native_enum=False),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("failing_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_states")),
        sa.UniqueConstraint(
            "kind", "account", "activity", name=op.f("uq_account_states_kind_account_activity")
        ),
    )
    # A new index only (no ALTER of the table), so SQLite needs no batch mode here.
    op.create_index(
        "ix_messages_in_created",
        "messages",
        ["created_at"],
        postgresql_include=["channel", "account"],
        postgresql_where=sa.text("direction = 'in'"),
        sqlite_where=sa.text("direction = 'in'"),
    )


def downgrade():
    op.drop_index("ix_messages_in_created", table_name="messages")
    op.drop_table("account_states")
