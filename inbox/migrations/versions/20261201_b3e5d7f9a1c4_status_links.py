"""status links

The citizen's status links (``/sak/<token>``): one row per link given out, holding the
SHA-256 of its token, the case it shows and when it was revoked.

Revision ID: b3e5d7f9a1c4
Revises: 9d4e1a7b3c52
Create Date: 2026-12-01 20:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b3e5d7f9a1c4"
down_revision = "9d4e1a7b3c52"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "status_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_status_links_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_links")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_status_links_token_sha256")),
    )
    op.create_index(op.f("ix_status_links_case_id"), "status_links", ["case_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_status_links_case_id"), table_name="status_links")
    op.drop_table("status_links")
