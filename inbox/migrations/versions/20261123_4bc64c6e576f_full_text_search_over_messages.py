"""full-text search over messages

SQLite: an FTS5 table kept in step with the messages by triggers.
(PostgreSQL searches a tsvector on each case, added in a later migration.)

Revision ID: 4bc64c6e576f
Revises: e1ed8c55801a
Create Date: 2026-11-23 04:12:00

"""

from alembic import op

revision = "4bc64c6e576f"
down_revision = "e1ed8c55801a"
branch_labels = None
depends_on = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE messages_fts USING fts5("
    "subject, text, content='messages', content_rowid='id', tokenize='unicode61')",
    "INSERT INTO messages_fts(rowid, subject, text) SELECT id, subject, text FROM messages",
    "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN "
    "INSERT INTO messages_fts(rowid, subject, text) VALUES (new.id, new.subject, new.text); END",
    "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, subject, text) "
    "VALUES ('delete', old.id, old.subject, old.text); END",
    "CREATE TRIGGER messages_fts_update AFTER UPDATE OF subject, text ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, subject, text) "
    "VALUES ('delete', old.id, old.subject, old.text); "
    "INSERT INTO messages_fts(rowid, subject, text) VALUES (new.id, new.subject, new.text); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER messages_fts_update",
    "DROP TRIGGER messages_fts_delete",
    "DROP TRIGGER messages_fts_insert",
    "DROP TABLE messages_fts",
]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        _run(SQLITE_UP)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        _run(SQLITE_DOWN)
