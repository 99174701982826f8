"""case language detection

What intake's language detection saw in a new case's first message: the language it looked
like (``language_guess``) and how sure the detector was (``language_confidence``), shown on
the case page. Older cases have neither.

Revision ID: 5e1a9c7d2b40
Revises: b3e5d7f9a1c4
Create Date: 2026-12-01 20:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "5e1a9c7d2b40"
down_revision = "b3e5d7f9a1c4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("language_guess", sa.String(length=5), nullable=True))
        batch.add_column(sa.Column("language_confidence", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("language_confidence")
        batch.drop_column("language_guess")
