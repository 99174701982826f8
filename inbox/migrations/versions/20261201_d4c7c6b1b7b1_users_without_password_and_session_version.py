"""users without a password, and the session version

Staff who sign in through the municipality's identity provider have no password
(``password_hash`` becomes nullable). ``session_version`` is raised to end every web
session a user has (deactivation, a new password); each session holds the value it
logged in with.

Revision ID: d4c7c6b1b7b1
Revises: a7c8e48729c7
Create Date: 2026-12-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d4c7c6b1b7b1"
down_revision = "a7c8e48729c7"
branch_labels = None
depends_on = None

# Not an argon2 hash, so no password ever verifies against it: a user without a password
# stays unable to log in with one after a downgrade.
NO_PASSWORD = "!"


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.alter_column("password_hash", existing_type=sa.String(length=200), nullable=True)
        batch.add_column(
            sa.Column("session_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    op.execute(
        sa.text("UPDATE users SET password_hash = :none WHERE password_hash IS NULL").bindparams(
            none=NO_PASSWORD
        )
    )
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")
        batch.alter_column("password_hash", existing_type=sa.String(length=200), nullable=False)
