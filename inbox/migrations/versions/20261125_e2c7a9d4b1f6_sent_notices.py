"""sent notices

Escalation and other staff notifications are keyed (``turn:123:breach``), so
several workers never send the same one twice.

Revision ID: e2c7a9d4b1f6
Revises: d9f3b2a6c8e1
Create Date: 2026-11-25 19:05:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e2c7a9d4b1f6"
down_revision = "d9f3b2a6c8e1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sent_notices",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sent_notices")),
    )


def downgrade():
    op.drop_table("sent_notices")
