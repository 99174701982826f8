"""users signed in through OpenID Connect, and break-glass administrators

``oidc_issuer`` and ``oidc_subject`` tie a user to the identity provider's person (``iss``
and ``sub`` of the ID token), so a changed e-mail address still maps to the same user.
``is_break_glass`` lets an administrator sign in with a password when
``[auth] local_passwords = false``.

Revision ID: 5b2e8f0a9c31
Revises: d4c7c6b1b7b1
Create Date: 2026-12-01 15:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "5b2e8f0a9c31"
down_revision = "d4c7c6b1b7b1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("is_break_glass", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("oidc_issuer", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("oidc_subject", sa.String(length=255), nullable=True))
        batch.create_unique_constraint(
            "uq_users_oidc_issuer_oidc_subject", ["oidc_issuer", "oidc_subject"]
        )


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("uq_users_oidc_issuer_oidc_subject", type_="unique")
        batch.drop_column("oidc_subject")
        batch.drop_column("oidc_issuer")
        batch.drop_column("is_break_glass")
