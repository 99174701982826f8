"""index of acknowledged addresses

Loop protection asks, for every message taken in, when its sender was last
acknowledged; without an index that is a scan of every message.

Revision ID: 5d1e0c2b7a9f
Revises: a196b5507797
Create Date: 2026-11-25 17:05:00

"""

import sqlalchemy as sa
from alembic import op

revision = "5d1e0c2b7a9f"
down_revision = "a196b5507797"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_messages_acknowledged_address",
        "messages",
        ["address", "created_at"],
        postgresql_where=sa.text("kind = 'acknowledgement'"),
        sqlite_where=sa.text("kind = 'acknowledgement'"),
    )


def downgrade():
    op.drop_index("ix_messages_acknowledged_address", table_name="messages")
