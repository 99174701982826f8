"""department suggestions

The trained department classifiers (their arrays are in the blob store) and, per handover
offered from a case with a suggestion, whether staff took the department put first.

Revision ID: 5e2b7c9d1f83
Revises: 5e1a9c7d2b40
Create Date: 2026-12-01 20:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "5e2b7c9d1f83"
down_revision = "5e1a9c7d2b40"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "suggestion_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trained_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("accuracy", sa.Float(), nullable=False),
        sa.Column("top3_accuracy", sa.Float(), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=True),
        sa.Column("training_seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_models")),
    )
    op.create_table(
        "suggestion_choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=True),
        sa.Column("suggested_department_id", sa.Integer(), nullable=False),
        sa.Column("chosen_department_id", sa.Integer(), nullable=False),
        sa.Column("is_followed", sa.Boolean(), nullable=False),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_suggestion_choices_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["suggestion_models.id"],
            name=op.f("fk_suggestion_choices_model_id_suggestion_models"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["suggested_department_id"],
            ["departments.id"],
            name=op.f("fk_suggestion_choices_suggested_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["chosen_department_id"],
            ["departments.id"],
            name=op.f("fk_suggestion_choices_chosen_department_id_departments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_choices")),
    )
    op.create_index(
        op.f("ix_suggestion_choices_case_id"), "suggestion_choices", ["case_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_suggestion_choices_case_id"), table_name="suggestion_choices")
    op.drop_table("suggestion_choices")
    op.drop_table("suggestion_models")
