"""search words on the case

PostgreSQL keeps a tsvector of each case's words (reference, subject, messages,
the citizen's name and addresses) with a GIN index, so search is one index
lookup however many cases there are. SQLite gets the column but searches its
FTS5 table over the messages instead.

Revision ID: e06caa3d4f3d
Revises: cec04a04a646
Create Date: 2026-11-23 04:50:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

revision = "e06caa3d4f3d"
down_revision = "cec04a04a646"
branch_labels = None
depends_on = None

BACKFILL = """
UPDATE cases SET search_vector = to_tsvector('simple',
    reference || ' ' || coalesce(subject, '') || ' ' ||
    coalesce((SELECT string_agg(coalesce(m.subject, '') || ' ' || coalesce(m.text, ''), ' ')
              FROM messages m WHERE m.case_id = cases.id AND m.direction = 'in'), '') || ' ' ||
    coalesce((SELECT c.name FROM contacts c WHERE c.id = cases.contact_id), '') || ' ' ||
    coalesce((SELECT string_agg(i.value, ' ') FROM contact_identities i
              WHERE i.contact_id = cases.contact_id), ''))
"""


def upgrade():
    column_type = TSVECTOR().with_variant(sa.Text(), "sqlite")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_vector", column_type, nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(BACKFILL)
        op.execute("CREATE INDEX ix_cases_search ON cases USING gin (search_vector)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_cases_search")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("search_vector")
