"""signatures per user and department

``users.signature`` and ``departments.signature`` are put at the end of answers to citizens
in the composer (the writer's own first, then the department's), editable before sending.

Revision ID: c9d3e1f27a44
Revises: 5b2e8f0a9c31
Create Date: 2026-12-01 17:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c9d3e1f27a44"
down_revision = "5b2e8f0a9c31"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("signature", sa.Text(), nullable=True))
    with op.batch_alter_table("departments") as batch:
        batch.add_column(sa.Column("signature", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("departments") as batch:
        batch.drop_column("signature")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("signature")
