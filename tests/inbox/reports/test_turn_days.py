"""The turns' daily counts follow the turns: new, answered, handed over, deleted.

Also the migration that fills them from the turns an existing database holds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import select

from inbox.app import create_app
from inbox.cases.replies import reply
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.handovers.workflow import accept, locked, propose
from inbox.intake.receiving import receive
from inbox.jobs.retention import apply
from inbox.jobs.worker import as_unit_of_work
from inbox.models import Case, CaseStatus, OutKind, Turn, TurnDay, TurnDayChange
from inbox.reports.turn_days import (
    FIELDS,
    case_day_of,
    counts_of,
    day_of,
    fold,
)
from inbox.settings.config import load_settings
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email, sms


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=OSLO)


def stored() -> dict[tuple, dict[str, int]]:
    """The days' counts once the changes are folded in, as the worker does."""
    as_unit_of_work(fold)
    rows = db.session.scalars(select(TurnDay))
    counted = {
        (r.day, r.channel, r.department_id): {f: getattr(r, f) for f in FIELDS} for r in rows
    }
    return {key: counts for key, counts in counted.items() if any(counts.values())}


def recounted() -> dict[tuple, dict[str, int]]:
    totals: dict[tuple, Counter] = {}
    for turn in db.session.scalars(select(Turn)):
        totals.setdefault(day_of(turn), Counter()).update(counts_of(turn))
    # A case staff joined into another is no case of its own.
    for case in db.session.scalars(select(Case).where(Case.joined_into_id.is_(None))):
        totals.setdefault(case_day_of(case), Counter()).update(cases=1)
    return {key: {f: c[f] for f in FIELDS} for key, c in totals.items() if any(c.values())}


def only(**counts) -> dict[str, int]:
    return {field: counts.get(field, 0) for field in FIELDS}


def test_the_counts_follow_answers_handovers_and_deletion(app):
    service = make_department("innbyggjarservice", is_frontline=True)
    building = make_department("byggesak")
    staff = make_user(service)
    builder = make_user(building)
    with frozen_at(at(2026, 3, 2, 10, 0)):
        first = receive(email(received_at=at(2026, 3, 2, 10, 0)))
    with frozen_at(at(2026, 3, 2, 23, 30)):  # 22:30 UTC: still Monday in Oslo
        receive(sms(received_at=at(2026, 3, 2, 23, 30)))
    with frozen_at(at(2026, 3, 3, 9, 0)):
        moved = receive(email(received_at=at(2026, 3, 3, 9, 0), sender="b@example.no"))
    with frozen_at(at(2026, 3, 2, 11, 0)):
        reply(first, staff, "Svar")
    with frozen_at(at(2026, 3, 3, 10, 0)):
        reply(moved, staff, "Vi ser på det", kind=OutKind.PRELIMINARY, new_date=date(2026, 3, 5))
        handover = propose(moved, building, staff, "Gjeld byggesak")
    db.session.commit()
    with frozen_at(at(2026, 3, 3, 11, 0)):
        accept(locked(handover.id), builder)
    db.session.commit()

    monday, tuesday = date(2026, 3, 2), date(2026, 3, 3)
    assert stored() == {
        (monday, "email", service.id): only(
            turns=1, answered=1, by_target=1, by_due=1, quick=1, cases=1
        ),
        (monday, "sms", service.id): only(turns=1, cases=1),
        (tuesday, "email", building.id): only(
            turns=1,
            answered=1,
            by_target=1,
            by_due=1,
            quick=1,
            preliminary=1,
            preliminary_dates=1,
            cases=1,
        ),
    }
    assert stored() == recounted()

    first.status, first.closed_at = CaseStatus.CLOSED, at(2026, 3, 2, 12, 0)
    db.session.commit()
    app.extensions["svarfrist"] = replace(
        app.extensions["svarfrist"], retention_months=1, retention_action="delete"
    )
    with frozen_at(at(2026, 11, 25, 12, 0)):
        apply()
    db.session.commit()
    assert (monday, "email", service.id) not in stored()
    assert stored() == recounted()


def test_a_backlog_of_many_days_folds_onto_the_days_already_counted(app):
    service = make_department("innbyggjarservice", is_frontline=True)
    first = date(2024, 1, 1)
    days = [first + timedelta(days=n) for n in range(1_007)]
    db.session.add(TurnDay(day=first, channel="email", department_id=service.id, **only(turns=5)))
    # Two changes on each day (the fold adds them up) and the day already counted gets both.
    db.session.add_all(
        TurnDayChange(day=day, channel="email", department_id=service.id, **only(turns=1, quick=n))
        for day in days
        for n in (0, 1)
    )
    db.session.commit()

    folded = stored()
    assert len(folded) == len(days)
    assert folded[(first, "email", service.id)] == only(turns=7, quick=1)
    assert all(folded[(day, "email", service.id)] == only(turns=2, quick=1) for day in days[1:])
    assert db.session.scalar(select(sa.func.count()).select_from(TurnDayChange)) == 0


def test_the_migration_counts_the_turns_already_recorded(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app(replace(load_settings(None), database_url=url), SECRET_KEY="test")
    with app.app_context():
        upgrade(revision="a4d8e2f6b9c3")  # the schema before turn_days
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO departments (id, slug, name, is_frontline) VALUES (1, 'a', 'A', 1)",
                "INSERT INTO contacts (id, language, created_at) VALUES (1, 'nn', '2026-03-01')",
                "INSERT INTO cases (id, reference, channel, subject, status, department_id,"
                " contact_id, language, is_unreadable, created_at, last_message_at)"
                " VALUES (1, '2026-1', 'email', '', 'open', 1, 1, 'nn', 0,"
                " '2026-03-01 23:30:00', '2026-03-01 23:30:00')",
                # 23:30 UTC on 1 March is 00:30 on 2 March in Oslo.
                "INSERT INTO turns (case_id, channel, department_id, origin, received_at,"
                " target_at, due_at, answered_at, answer_kind, met) VALUES"
                " (1, 'email', 1, 'citizen', '2026-03-01 23:30:00', '2026-03-03 14:00:00',"
                " '2026-03-04 14:00:00', '2026-03-03 15:00:00', 'reply', 1),"
                " (1, 'email', 1, 'citizen', '2026-03-01 23:40:00', '2026-03-03 14:00:00',"
                " '2026-03-04 14:00:00', NULL, NULL, NULL)",
            ):
                connection.execute(sa.text(statement))
        upgrade()
        rows = db.session.execute(select(TurnDay)).scalars().all()
        assert [
            (r.day, r.channel, r.turns, r.answered, r.by_target, r.by_due, r.cases) for r in rows
        ] == [(date(2026, 3, 2), "email", 2, 1, 0, 1, 1)]
        db.session.remove()
        db.engine.dispose()
