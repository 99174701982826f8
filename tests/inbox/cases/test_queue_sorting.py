"""The queue's sorts (due, received, latest message; both ways) page with keyset cursors that
lose and repeat nothing, with ties and missing due times across page boundaries."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from inbox.cases.queue import SORTS, QueueError, QueueFilter, queue_page
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import Case, CaseStatus, Role
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=OSLO)
T = [NOW + timedelta(hours=hours) for hours in range(4)]
#: (due, received, latest message, status) per case: ties on every key, some with no due time.
SHAPES = [
    (T[1], T[0], T[2], CaseStatus.OPEN),
    (None, T[0], T[2], CaseStatus.WAITING),
    (T[1], T[1], T[1], CaseStatus.NEW),
    (None, T[2], T[0], CaseStatus.OPEN),
    (T[0], T[0], T[3], CaseStatus.CLOSED),
    (T[1], T[2], T[2], CaseStatus.OPEN),
    (None, T[1], T[1], CaseStatus.CLOSED),
    (T[0], T[3], T[0], CaseStatus.OPEN),
    (None, T[3], T[3], CaseStatus.NEW),
]
COLUMNS = {"due": "due_at", "received": "created_at", "activity": "last_message_at"}


@pytest.fixture
def cases(app):
    make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    made = []
    with frozen_at(NOW):
        for number, (due, received, latest, status) in enumerate(SHAPES):
            case = receive(email(sender=f"c{number}@example.no", text="Om brøyting av vegen"))
            case.due_at, case.created_at, case.last_message_at = due, received, latest
            case.status = status
            made.append(case)
    admin = make_user(role=Role.ADMIN, email="admin@alver.no")
    db.session.commit()
    return made, admin, app.extensions["svarfrist"].rules.calendar


def expected(rows: list[Case], sort: str, *, ranked: bool = False) -> list[int]:
    """The order in Python: a missing due time is later than any; ties by id; ``-`` turns
    the whole order round; a search puts open cases first, then waiting, then closed."""
    column = COLUMNS[sort.lstrip("-")]

    def key(case: Case):
        value = getattr(case, column)
        return (value is None, value or NOW, case.id)

    ordered = sorted(rows, key=key, reverse=sort.startswith("-"))
    if ranked:
        rank = {CaseStatus.NEW: 0, CaseStatus.OPEN: 0, CaseStatus.WAITING: 1}
        ordered.sort(key=lambda case: rank.get(case.status, 2))  # stable: keeps the order
    return [case.id for case in ordered]


def walk(user, calendar, filters: QueueFilter, sort: str, limit: int) -> list[int]:
    ids, cursor = [], None
    for _ in range(20):
        with frozen_at(NOW):
            page = queue_page(user, calendar, filters, limit=limit, after=cursor, sort=sort)
        ids += [case.id for case in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            return ids
    raise AssertionError("the pages never ended")


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("limit", [1, 3])
def test_every_sort_pages_through_the_open_cases_in_order(cases, sort, limit):
    made, admin, calendar = cases
    not_closed = [case for case in made if case.status != CaseStatus.CLOSED]
    assert walk(admin, calendar, QueueFilter(), sort, limit) == expected(not_closed, sort)


@pytest.mark.parametrize("sort", SORTS)
def test_a_search_pages_through_every_status_open_first_in_each_sort(cases, sort):
    made, admin, calendar = cases
    ids = walk(admin, calendar, QueueFilter(search="brøyting"), sort, limit=2)
    assert ids == expected(made, sort, ranked=True)


def test_the_default_sort_is_the_soonest_due_first(cases):
    made, admin, calendar = cases
    with frozen_at(NOW):
        page = queue_page(admin, calendar, QueueFilter())
    not_closed = [case for case in made if case.status != CaseStatus.CLOSED]
    assert [case.id for case in page.rows] == expected(not_closed, "due")


def test_a_cursor_from_another_sort_is_refused(cases):
    _made, admin, calendar = cases
    with frozen_at(NOW):
        page = queue_page(admin, calendar, QueueFilter(), limit=2, sort="received")
        with pytest.raises(QueueError, match="after: not a cursor"):
            queue_page(admin, calendar, QueueFilter(), after=page.next_cursor, sort="-due")


def test_an_unknown_sort_is_a_clear_error(cases):
    _made, admin, calendar = cases
    with pytest.raises(QueueError, match="sort must be one of due, -due, received"):
        queue_page(admin, calendar, QueueFilter(), sort="subject")
