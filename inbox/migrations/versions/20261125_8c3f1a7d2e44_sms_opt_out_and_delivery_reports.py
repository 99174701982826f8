"""sms opt-out and delivery reports

A number that answered STOP is marked on its contact identity; delivery
reports find their outbox row by the provider's message id.

Revision ID: 8c3f1a7d2e44
Revises: 5d1e0c2b7a9f
Create Date: 2026-11-25 17:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "8c3f1a7d2e44"
down_revision = "5d1e0c2b7a9f"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contact_identities") as batch:
        batch.add_column(sa.Column("opted_out_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_outbox_channel_external_id", "outbox", ["channel", "external_id"])


def downgrade():
    op.drop_index("ix_outbox_channel_external_id", table_name="outbox")
    with op.batch_alter_table("contact_identities") as batch:
        batch.drop_column("opted_out_at")
