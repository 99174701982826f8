"""queue reads the due time from the case

The open turn's target and due times are copied onto the case, so the queue
is one index range scan per department instead of a join over every turn.

Revision ID: cec04a04a646
Revises: 4bc64c6e576f
Create Date: 2026-11-23 04:26:22.865672

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "cec04a04a646"
down_revision = "4bc64c6e576f"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))
    # Copy the open turn's times onto each case (there is at most one open turn).
    for column in ("target_at", "due_at"):
        op.execute(
            f"UPDATE cases SET {column} = (SELECT turns.{column} FROM turns "
            "WHERE turns.case_id = cases.id AND turns.answered_at IS NULL)"
        )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cases_open_counts",
            ["department_id"],
            unique=False,
            postgresql_include=["id", "status", "channel", "due_at", "assignee_id"],
            postgresql_where=sa.text("status <> 'closed'"),
            sqlite_where=sa.text("status <> 'closed'"),
        )
        batch_op.create_index(
            "ix_cases_open_due",
            ["due_at", "id"],
            unique=False,
            postgresql_where=sa.text("status <> 'closed'"),
            sqlite_where=sa.text("status <> 'closed'"),
        )
        batch_op.create_index(
            "ix_cases_open_queue",
            ["department_id", "due_at", "id"],
            unique=False,
            postgresql_where=sa.text("status <> 'closed'"),
            sqlite_where=sa.text("status <> 'closed'"),
        )


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_open_due")
        batch_op.drop_index("ix_cases_open_counts")
        batch_op.drop_index(
            "ix_cases_open_queue",
            postgresql_where=sa.text("status <> 'closed'"),
            sqlite_where=sa.text("status <> 'closed'"),
        )
        batch_op.drop_column("due_at")
        batch_op.drop_column("target_at")
