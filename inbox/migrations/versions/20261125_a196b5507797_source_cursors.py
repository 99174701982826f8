"""source cursors

Where each channel source (an IMAP folder) was last read up to, so a poll
continues there and a crash re-reads instead of skipping.

Revision ID: a196b5507797
Revises: e06caa3d4f3d
Create Date: 2026-11-25 16:45:35

"""

import sqlalchemy as sa
from alembic import op

revision = "a196b5507797"
down_revision = "e06caa3d4f3d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "source_cursors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("account", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("validity", sa.String(length=100), nullable=False),
        sa.Column("position", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_cursors")),
        sa.UniqueConstraint(
            "channel",
            "account",
            "source",
            name=op.f("uq_source_cursors_channel_account_source"),
        ),
    )


def downgrade():
    op.drop_table("source_cursors")
