"""turn department

Each turn carries its case's department, so the channel report groups and
scopes a year of turns without joining the cases.

Revision ID: a4d8e2f6b9c3
Revises: a8d4e6f1c3b7
Create Date: 2026-11-25 19:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a4d8e2f6b9c3"
down_revision = "a8d4e6f1c3b7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("turns") as batch:
        batch.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE turns SET department_id ="
        " (SELECT cases.department_id FROM cases WHERE cases.id = turns.case_id)"
    )
    with op.batch_alter_table("turns") as batch:
        batch.alter_column("department_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            batch.f("fk_turns_department_id_departments"), "departments", ["department_id"], ["id"]
        )
        batch.create_index(batch.f("ix_turns_received"), ["received_at"])


def downgrade():
    with op.batch_alter_table("turns") as batch:
        batch.drop_index(batch.f("ix_turns_received"))
        batch.drop_constraint(batch.f("fk_turns_department_id_departments"), type_="foreignkey")
        batch.drop_column("department_id")
