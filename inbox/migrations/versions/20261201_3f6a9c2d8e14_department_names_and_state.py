"""department names and state

A department gets its name in Bokmål and English beside the Nynorsk one, whether it is
active, and whether only its leader may accept handovers to it. Existing departments
stay active and let anyone in them accept, as before.

Revision ID: 3f6a9c2d8e14
Revises: 3f7a9c2e5b81
Create Date: 2026-12-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "3f6a9c2d8e14"
down_revision = "3f7a9c2e5b81"
branch_labels = None
depends_on = None


# ALTER TABLE in place, never a copy: copying drops the old table, which SQLite refuses while
# cases refer to its rows (foreign keys are on). SQLite adds (3.2+) and drops (3.35+) columns.


def upgrade():
    with op.batch_alter_table("departments", recreate="never") as batch:
        batch.add_column(sa.Column("name_nb", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("name_en", sa.String(length=200), nullable=True))
        batch.add_column(
            sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch.add_column(
            sa.Column("is_leader_only", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("departments", recreate="never") as batch:
        batch.drop_column("is_leader_only")
        batch.drop_column("is_active")
        batch.drop_column("name_en")
        batch.drop_column("name_nb")
