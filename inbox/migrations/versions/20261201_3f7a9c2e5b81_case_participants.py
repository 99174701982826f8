"""case participants

Staff may join a message that names a case, from an address not on it, to that case
deliberately: the sender becomes a participant of the case, and the emptied case points
to the one it was joined into.

Revision ID: 3f7a9c2e5b81
Revises: b5e9f3a7c1d4
Create Date: 2026-12-01 14:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "3f7a9c2e5b81"
down_revision = "b5e9f3a7c1d4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "case_participants",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_participants_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_case_participants_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["users.id"],
            name=op.f("fk_case_participants_added_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("case_id", "contact_id", name=op.f("pk_case_participants")),
    )
    op.create_index(op.f("ix_case_participants_contact_id"), "case_participants", ["contact_id"])
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("joined_into_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_cases_joined_into_id_cases"),
            "cases",
            ["joined_into_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint(op.f("fk_cases_joined_into_id_cases"), type_="foreignkey")
        batch.drop_column("joined_into_id")
    op.drop_index(op.f("ix_case_participants_contact_id"), table_name="case_participants")
    op.drop_table("case_participants")
