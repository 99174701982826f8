"""A million cases in SQL, shared by the queue and overview benchmarks.

Each case has one message and one turn (carrying its case's department, as intake writes it);
15 % are open, spread over seven departments and six channels, one created every minute back
from now (about two years at 1,000,000), so the open ones are a mix of overdue, due today and
due later.
"""

from __future__ import annotations

import time

import sqlalchemy as sa

from inbox.extensions import db
from inbox.models import Department

DEPARTMENTS = ("innbyggjarservice", "byggesak", "barnehage", "skule", "helse", "vatn", "skatt")

LOAD = [
    """INSERT INTO contacts (name, language, created_at)
       SELECT 'Innbyggjar ' || g, 'nn', now() FROM generate_series(1, :cases / 5) g""",
    """INSERT INTO cases (reference, channel, subject, status, department_id, contact_id, language,
                          is_unreadable, created_at, last_message_at)
       SELECT (2000 + g / 1000000)::text || '-' || lpad((g % 1000000)::text, 6, '0'),
              (ARRAY['email','sms','facebook','callback','letter','phone'])[1 + g % 6],
              'Spørsmål ' || (ARRAY['byggesøknad','barnehageplass','skuleskyss','heimeteneste',
                                    'vasslekkasje','eigedomsskatt','brøyting'])[1 + g % 7],
              CASE WHEN g % 100 < 85 THEN 'closed'
                   ELSE (ARRAY['new','open','waiting'])[1 + g % 3] END,
              :first_department + g % 7, 1 + g % (:cases / 5), 'nn', false,
              now() - (g || ' minutes')::interval, now() - (g || ' minutes')::interval
       FROM generate_series(1, :cases) g""",
    """INSERT INTO messages (case_id, direction, channel, account, external_id, subject, text,
                             metadata, created_at)
       SELECT id, 'in', channel, 'bench', 'bench-' || id, subject,
              'Hei! Eg lurer på ' || subject || ' nummer ' || id || '. Helsing innbyggjar.',
              '{}', created_at
       FROM cases""",
    """INSERT INTO turns (case_id, channel, department_id, origin, received_at, target_at, due_at,
                          answered_at, answer_kind, met)
       SELECT id, channel, department_id, 'citizen', created_at, created_at + interval '5 days',
              created_at + interval '5 days',
              CASE WHEN status IN ('closed', 'waiting') THEN created_at + interval '2 days' END,
              CASE WHEN status IN ('closed', 'waiting') THEN 'reply' END,
              CASE WHEN status IN ('closed', 'waiting') THEN true END
       FROM cases""",
    """UPDATE cases SET target_at = turns.target_at, due_at = turns.due_at
       FROM turns WHERE turns.case_id = cases.id AND turns.answered_at IS NULL""",
    # What intake does for every message: the case's words, for search.
    """UPDATE cases SET search_vector = to_tsvector('norwegian',
           cases.reference || ' ' || cases.subject || ' ' || messages.text || ' ' || contacts.name)
       FROM messages, contacts
       WHERE messages.case_id = cases.id AND contacts.id = cases.contact_id""",
]


def add_departments() -> list[Department]:
    """The seven departments (the first the frontline), flushed."""
    departments = [
        Department(slug=slug, name=slug.title(), is_frontline=slug == DEPARTMENTS[0])
        for slug in DEPARTMENTS
    ]
    db.session.add_all(departments)
    db.session.flush()
    return departments


def load_cases(cases: int, first_department: int, extra: tuple[str, ...] = ()) -> None:
    """Run :data:`LOAD` and then ``extra`` (same parameters), then ``VACUUM ANALYZE``."""
    began = time.perf_counter()
    for statement in (*LOAD, *extra):
        db.session.execute(
            sa.text(statement), {"cases": cases, "first_department": first_department}
        )
        db.session.commit()
    # The bulk updates above leave a million dead rows that intake never would.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
    print(f"loaded {cases:,} cases in {time.perf_counter() - began:.0f} s")
