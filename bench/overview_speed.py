"""The leaders' overview at 1,000,000 cases on PostgreSQL: server time, p50 and p95.

Loads the queue benchmark's 1,000,000 cases (bench/case_load.py: 15 % open, seven
departments), 200 pending handovers (one open case in 750) and the daily counts the
report keeps (``turn_days``), then asks for ``/overview`` as the leader of two departments
and as an administrator (every department), 100 requests each after one to warm up.
Goal: p95 at most 200 ms. Prints the figures and writes bench/results/overview_speed.json.

    SVARFRIST_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/overview_speed.py [--cases 1000000] [--requests 100] [--loaded]
"""

from __future__ import annotations

import argparse
import os

import harness
from case_load import add_departments, load_cases
from flask_migrate import upgrade
from queue_latency import PASSWORD, build_app, timed
from results_file import write_results

from inbox.extensions import db
from inbox.models import Role
from inbox.people.users import create_user

DATABASE = "svarfrist_bench_overview"
GOAL_MS = 200
LEADER = "leiar@example.com"
ADMIN = "admin@example.com"

EXTRA = (
    # 200 handovers waiting (one open case in 750), some past their one-day deadline, to the
    # next department. At 2,000 the planner scans the open cases for them (about 100 ms more).
    """INSERT INTO handovers (case_id, from_department_id, to_department_id, note, status,
                             proposed_at, accept_by, is_escalated)
       SELECT id, department_id,
              :first_department + 1 + (department_id - :first_department) % 6,
              'Gjeld fag', 'pending', now() - (id % 48 || ' hours')::interval,
              now() - (id % 48 || ' hours')::interval + interval '1 day', false
       FROM cases WHERE status <> 'closed' AND id % 5000 = 90""",
    # The daily counts that intake and replies keep (inbox.reports.turn_days).
    """INSERT INTO turn_days (day, channel, department_id, turns, answered, by_target, by_due,
                             quick, preliminary, preliminary_dates, preliminary_dates_kept, cases)
       SELECT (received_at AT TIME ZONE 'Europe/Oslo')::date, channel, department_id,
              count(*), count(answered_at), count(*) FILTER (WHERE answered_at <= target_at),
              count(*) FILTER (WHERE met), 0, 0, 0, 0, count(*)
       FROM turns GROUP BY 1, 2, 3""",
)


def load(app, cases: int) -> None:
    with app.app_context():
        upgrade()
        departments = add_departments()
        leader = create_user(
            email=LEADER,
            name="Leiar",
            password=PASSWORD,
            role=Role.LEADER,
            departments=departments[1:3],
        )
        departments[1].leader = departments[2].leader = leader
        create_user(email=ADMIN, name="Admin", password=PASSWORD, role=Role.ADMIN)
        db.session.commit()
        load_cases(cases, departments[0].id, EXTRA)
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument(
        "--loaded", action="store_true", help="time the database an earlier run loaded, again"
    )
    args = parser.parse_args()
    if args.loaded:
        app = build_app(harness.database_url(DATABASE))
    else:
        app = build_app(harness.fresh_database(DATABASE))
        load(app, args.cases)
    figures = {}
    for name, email in (("leader of two departments", LEADER), ("administrator", ADMIN)):
        client = app.test_client()
        login = client.post("/login", data={"email": email, "password": PASSWORD})
        assert login.status_code == 302, f"{email} could not log in"
        figures[name] = timed(client, "/overview", args.requests)
        p50, p95 = figures[name]["p50_ms"], figures[name]["p95_ms"]
        verdict = "meets" if p95 <= GOAL_MS else "MISSES"
        print(f"{name:<26} p50 {p50:>7} ms  p95 {p95:>7} ms  ({verdict} {GOAL_MS} ms)")
    load_average = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average {load_average}")
    write_results(
        "overview_speed",
        {
            "cases": args.cases,
            "requests": args.requests,
            "goal_p95_ms": GOAL_MS,
            "load_average": load_average,
            "figures": figures,
        },
    )


if __name__ == "__main__":
    main()
