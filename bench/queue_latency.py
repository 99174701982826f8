"""Queue page and API list at 1,000,000 cases on PostgreSQL: server time, p50 and p95.

Loads 1,000,000 cases (each with a message and a turn) with SQL, then asks
for the queue page and the API list as a department's staff member: the first
page, a deep page (the 20th, by cursor), and with filters. Goal: p95 at most
100 ms. Prints the figures and writes bench/results/queue_latency.json.

    SVARFRIST_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/queue_latency.py [--cases 1000000] [--requests 100]
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

import harness
import sqlalchemy as sa
from flask_migrate import upgrade
from results_file import write_results

from inbox.app import create_app
from inbox.extensions import db
from inbox.models import Department, Role
from inbox.people.users import create_api_token, create_user
from inbox.settings.config import load_settings

DATABASE = "svarfrist_bench"
PASSWORD = "bench-password-1"
GOAL_MS = 100
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
    """INSERT INTO turns (case_id, channel, origin, received_at, target_at, due_at, answered_at,
                          answer_kind, met)
       SELECT id, channel, 'citizen', created_at, created_at + interval '5 days',
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


def build_app(url: str):
    settings = replace(load_settings(None), database_url=url)
    # The bench logs in with a plain POST; CSRF protection has its own tests.
    return create_app(
        settings, SECRET_KEY="bench", SESSION_COOKIE_SECURE=False, WTF_CSRF_ENABLED=False
    )


def load(app, cases: int) -> dict[str, str]:
    with app.app_context():
        upgrade()
        departments = []
        for slug in DEPARTMENTS:
            department = Department(
                slug=slug, name=slug.title(), is_frontline=slug == DEPARTMENTS[0]
            )
            db.session.add(department)
            departments.append(department)
        db.session.flush()
        staff = create_user(
            email="bench@example.com",
            name="Bench",
            password=PASSWORD,
            role=Role.STAFF,
            departments=[departments[1]],
        )
        token = create_api_token(staff)
        db.session.commit()
        began = time.perf_counter()
        for statement in LOAD:
            db.session.execute(
                sa.text(statement), {"cases": cases, "first_department": departments[0].id}
            )
            db.session.commit()
        # The bulk updates above leave a million dead rows that intake never would.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        print(f"loaded {cases:,} cases in {time.perf_counter() - began:.0f} s")
        db.engine.dispose()
    return {"token": token}


def timed(client, path: str, requests: int, headers=None) -> dict[str, float]:
    client.get(path, headers=headers)  # warm caches
    samples = []
    for _ in range(requests):
        began = time.perf_counter()
        response = client.get(path, headers=headers)
        samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    quantiles = statistics.quantiles(samples, n=100)
    return {"p50_ms": round(statistics.median(samples), 1), "p95_ms": round(quantiles[94], 1)}


def deep_cursor(client, headers, pages: int) -> str:
    cursor = None
    for _ in range(pages):
        path = "/api/v1/cases?limit=50" + (f"&after={cursor}" if cursor else "")
        cursor = client.get(path, headers=headers).get_json()["next"]
    return cursor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    app = build_app(harness.fresh_database(DATABASE))
    secrets = load(app, args.cases)
    api = {"Authorization": f"Bearer {secrets['token']}"}
    client = app.test_client()
    login = client.post("/login", data={"email": "bench@example.com", "password": PASSWORD})
    assert login.status_code == 302, "the bench user could not log in"
    cursor = deep_cursor(client, api, 20)
    cases = {
        "page: first": ("/", None),
        "page: 20th page": (f"/?after={cursor}", None),
        "page: overdue": ("/?due=overdue", None),
        "page: channel=email": ("/?channel=email", None),
        "page: search, a common word": ("/?q=barnehageplass", None),
        "page: search, a case number": ("/?q=nummer%20424242", None),
        "api: search, a common word": ("/api/v1/cases?q=barnehageplass", api),
        "api: first": ("/api/v1/cases?limit=50", api),
        "api: 20th page": (f"/api/v1/cases?limit=50&after={cursor}", api),
        "api: overdue": ("/api/v1/cases?due=overdue", api),
        "api: channel=email": ("/api/v1/cases?channel=email", api),
    }
    figures = {}
    for name, (path, headers) in cases.items():
        figures[name] = timed(client, path, args.requests, headers)
        verdict = "meets" if figures[name]["p95_ms"] <= GOAL_MS else "MISSES"
        p50, p95 = figures[name]["p50_ms"], figures[name]["p95_ms"]
        print(f"{name:<22} p50 {p50:>7} ms  p95 {p95:>7} ms  ({verdict} {GOAL_MS} ms)")
    write_results(
        "queue_latency",
        {
            "cases": args.cases,
            "requests": args.requests,
            "goal_p95_ms": GOAL_MS,
            "figures": figures,
        },
    )


if __name__ == "__main__":
    main()
