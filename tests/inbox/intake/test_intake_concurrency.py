"""Two processes taking in the same message at the same moment make one case."""

from __future__ import annotations

import multiprocessing

from sqlalchemy import func, select

from inbox.extensions import db
from inbox.models import Case, Contact, Message
from tests.factories import make_department
from tests.inbox.intake_helpers import email

ROUNDS = 5


def _take_in(database_url: str, data_dir, message, barrier, results) -> None:
    from inbox.intake.receiving import receive
    from tests.conftest import _build_app

    app = _build_app(database_url, data_dir=data_dir)
    with app.app_context():
        barrier.wait(timeout=30)
        case = receive(message)
        db.session.commit()
        results.put(case.reference)


def test_concurrent_intake_of_one_message_makes_exactly_one_case(app, database_url, tmp_path):
    make_department("innbyggjarservice", is_frontline=True)
    db.session.commit()
    context = multiprocessing.get_context("spawn")
    for round_number in range(ROUNDS):
        message = email(sender=f"person{round_number}@example.no")
        barrier, results = context.Barrier(2), context.Queue()
        workers = [
            context.Process(
                target=_take_in,
                args=(database_url, tmp_path / "data", message, barrier, results),
            )
            for _ in range(2)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
            assert worker.exitcode == 0
        references = {results.get(timeout=5), results.get(timeout=5)}
        assert len(references) == 1, references
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Case)) == ROUNDS
    assert db.session.scalar(select(func.count()).select_from(Contact)) == ROUNDS
    inbound = select(func.count()).select_from(Message).where(Message.direction == "in")
    assert db.session.scalar(inbound) == ROUNDS
