"""turn days

The turns and cases counted per local day, channel and department, so the
channel report adds up days instead of counting turns; filled here from the
turns and cases already recorded, by the rules of inbox.reports.turn_days. Changes
are inserted into turn_day_changes and folded in by the worker.

Revision ID: b5e9f3a7c1d4
Revises: a4d8e2f6b9c3
Create Date: 2026-11-25 20:15:00

"""

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op
from flask import current_app, has_app_context

revision = "b5e9f3a7c1d4"
down_revision = "a4d8e2f6b9c3"
branch_labels = None
depends_on = None

# Copied from inbox.reports.turn_days on purpose: a migration must keep doing what it did
# when it was written, whatever the module becomes later.
FIELDS = (
    "turns",
    "answered",
    "by_target",
    "by_due",
    "quick",
    "preliminary",
    "preliminary_dates",
    "preliminary_dates_kept",
    "cases",
)
QUICK = 0.25


def upgrade():
    days = op.create_table(
        "turn_days",
        *_day_counts("turn_days"),
        sa.PrimaryKeyConstraint("day", "channel", "department_id", name=op.f("pk_turn_days")),
    )
    op.bulk_insert(days, _counted())
    op.create_table(
        "turn_day_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        *_day_counts("turn_day_changes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turn_day_changes")),
    )


def _day_counts(table: str) -> list:
    """The columns both tables have: the day, channel and department, and the counts."""
    return [
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        *(sa.Column(field, sa.Integer(), nullable=False) for field in FIELDS),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f(f"fk_{table}_department_id_departments"),
        ),
    ]


def _counted() -> list[dict]:
    zone = _zone()
    turns = sa.table(
        "turns",
        *(
            sa.column(name)
            for name in (
                "channel",
                "department_id",
                "origin",
                "received_at",
                "target_at",
                "answered_at",
                "answer_kind",
                "met",
                "answer_seconds",
                "promised_seconds",
            )
        ),
    )
    cases = sa.table(
        "cases", sa.column("channel"), sa.column("department_id"), sa.column("created_at")
    )
    totals: dict[tuple, Counter] = {}

    def counts_on(moment, channel, department_id) -> Counter:
        key = (_aware(moment).astimezone(zone).date(), channel, department_id)
        return totals.setdefault(key, Counter())

    for row in op.get_bind().execute(sa.select(cases)):
        counts_on(row.created_at, row.channel, row.department_id).update(cases=1)
    for row in op.get_bind().execute(sa.select(turns)):
        counts = counts_on(row.received_at, row.channel, row.department_id)
        if row.origin != "citizen":
            counts.update(preliminary_dates=1, preliminary_dates_kept=int(bool(row.met)))
            continue
        answered = row.answered_at is not None
        counts.update(
            turns=1,
            answered=int(answered),
            by_target=int(answered and _aware(row.answered_at) <= _aware(row.target_at)),
            by_due=int(bool(row.met)),
            quick=int(
                answered
                and row.answer_seconds is not None
                and row.promised_seconds is not None
                and row.answer_seconds <= QUICK * row.promised_seconds
            ),
            preliminary=int(row.answer_kind == "preliminary"),
        )
    return [
        {"day": day, "channel": channel, "department_id": department, **{f: c[f] for f in FIELDS}}
        for (day, channel, department), c in totals.items()
    ]


def _zone() -> ZoneInfo:
    if has_app_context():
        return current_app.extensions["svarfrist"].rules.calendar.zone
    return ZoneInfo("Europe/Oslo")


def _aware(moment):
    """SQLite hands back naive UTC text or datetimes; PostgreSQL aware ones."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC"))


def downgrade():
    op.drop_table("turn_day_changes")
    op.drop_table("turn_days")
