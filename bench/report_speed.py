"""The yearly channel report at 1,000,000 turns a year on PostgreSQL: time and peak memory.

Loads 1,000,000 turns spread over 2025 and as many over 2024 (for the
comparison) with SQL, each on its own case, across seven departments and six
channels, with answers, preliminary answers and handovers; then builds the
yearly report as JSON (``svarfrist report channels --format json``, timed in
its own process with its peak memory: once with the tables still on disk, then
the median of three more runs) and the HTML page as a leader sees it.
Goals: JSON at most 3 s and 500 MB; the page at most 5 s. Prints the figures
and writes bench/results/report_speed.json.

    SVARFRIST_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/report_speed.py [--turns 1000000] [--loaded]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import harness
import sqlalchemy as sa
from flask_migrate import upgrade
from results_file import write_results

from inbox.app import create_app
from inbox.extensions import db
from inbox.models import Department, Role
from inbox.people.users import create_user
from inbox.settings.config import load_settings

DATABASE = "svarfrist_bench_report"
# The last complete year, as a leader's yearly report; a year still running would
# have part of its random turns in the future.
YEAR = 2025
SVARFRIST = harness.SVARFRIST
PASSWORD = "bench-password-1"
LEADER = "leiar@alver.no"
ROOT = Path(__file__).resolve().parents[1]
WARM_RUNS = 3
GOALS = {"json_seconds": 3.0, "json_peak_mb": 500, "page_seconds": 5.0}
DEPARTMENTS = ("innbyggjarservice", "byggesak", "barnehage", "skule", "helse", "vatn", "skatt")

LOAD = [
    """INSERT INTO contacts (name, language, created_at)
       SELECT 'Innbyggjar ' || g, 'nn', now() FROM generate_series(1, 1000) g""",
    # Each turn on its own case, received at a random moment of its year.
    """INSERT INTO cases (reference, channel, subject, status, department_id, contact_id, language,
                          is_unreadable, created_at, last_message_at, closed_at)
       SELECT y || '-' || lpad(g::text, 7, '0'),
              (ARRAY['email','sms','facebook','callback','letter','phone'])[1 + g % 6],
              'Spørsmål', 'closed', :first_department + g % 7, 1 + g % 1000, 'nn', false,
              make_timestamptz(y, 1, 1, 0, 0, 0, 'Europe/Oslo')
                + (random() * interval '364 days'),
              now(), now()
       FROM generate_series(1, :turns) g, (VALUES (:year - 1), (:year)) years(y)""",
    """INSERT INTO turns (case_id, channel, department_id, origin, received_at, target_at, due_at,
                          answered_at, answer_kind, met, promised_seconds, answer_seconds)
       SELECT id, channel, department_id, 'citizen', created_at, created_at + interval '2 days',
              created_at + interval '3 days',
              created_at + (random() * interval '4 days'),
              CASE WHEN id % 40 = 0 THEN 'preliminary' ELSE 'reply' END,
              NULL, 64800, (random() * 86400)::int
       FROM cases""",
    "UPDATE turns SET met = answered_at <= due_at",
    # The daily counts that intake and replies keep (inbox.reports.turn_days), for the loaded rows.
    """INSERT INTO turn_days (day, channel, department_id, turns, answered, by_target, by_due,
                             quick, preliminary, preliminary_dates, preliminary_dates_kept, cases)
       SELECT (received_at AT TIME ZONE 'Europe/Oslo')::date, channel, department_id,
              count(*) FILTER (WHERE origin = 'citizen'),
              count(*) FILTER (WHERE origin = 'citizen' AND answered_at IS NOT NULL),
              count(*) FILTER (WHERE origin = 'citizen' AND answered_at <= target_at),
              count(*) FILTER (WHERE origin = 'citizen' AND met),
              count(*) FILTER (WHERE origin = 'citizen' AND answer_seconds <= promised_seconds / 4),
              count(*) FILTER (WHERE origin = 'citizen' AND answer_kind = 'preliminary'),
              count(*) FILTER (WHERE origin <> 'citizen'),
              count(*) FILTER (WHERE origin <> 'citizen' AND met),
              0
       FROM turns GROUP BY 1, 2, 3""",
    """INSERT INTO turn_days AS d (day, channel, department_id, turns, answered, by_target,
                                  by_due, quick, preliminary, preliminary_dates,
                                  preliminary_dates_kept, cases)
       SELECT (created_at AT TIME ZONE 'Europe/Oslo')::date, channel, department_id,
              0, 0, 0, 0, 0, 0, 0, 0, count(*)
       FROM cases GROUP BY 1, 2, 3
       ON CONFLICT (day, channel, department_id) DO UPDATE SET cases = EXCLUDED.cases""",
    """INSERT INTO handovers (case_id, from_department_id, to_department_id, note, status,
                             proposed_at, accept_by, decided_at, is_escalated, decision_seconds)
       SELECT id, :first_department, :first_department + 1 + id % 6, 'Gjeld fag',
              CASE WHEN (id / 50) % 10 = 0 THEN 'declined' ELSE 'accepted' END,
              created_at, created_at + interval '1 day', created_at + interval '3 hours', false,
              (random() * 21600)::int
       FROM cases WHERE id % 50 = 0""",
    "VACUUM ANALYZE",
    "CHECKPOINT",  # the load's own writes are done before anything is timed
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=1_000_000, help="per year")
    parser.add_argument(
        "--loaded", action="store_true", help="time the database an earlier run loaded, again"
    )
    options = parser.parse_args()
    url = (harness.database_url if options.loaded else harness.fresh_database)(DATABASE)
    directory = Path(tempfile.mkdtemp(prefix="svarfrist-bench-"))
    settings = replace(load_settings(None), database_url=url, data_dir=directory / "data")
    app = create_app(settings, SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench")
    if not options.loaded:
        _load(app, options.turns)

    # As an installed program runs: bytecode written once (this machine sets
    # PYTHONDONTWRITEBYTECODE, which makes every start compile the project again).
    packages = [str(ROOT / name) for name in ("inbox", "channels", "rules")]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *packages], check=True)
    env = {**os.environ, "SVARFRIST_DATABASE_URL": url, "SVARFRIST_SECRET_KEY": "bench"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # The first run reads the tables from disk; the later ones find them in memory, as
    # a database in use has them.
    runs = [_json_run(env) for _ in range(1 + WARM_RUNS)]
    output = runs[0][2]
    started = time.perf_counter()
    _in_process = _json_in_process(app)
    report_seconds = time.perf_counter() - started

    client = app.test_client()
    token = (
        client.get("/login")
        .get_data(as_text=True)
        .split('name="csrf_token" type="hidden" value="')[1]
        .split('"')[0]
    )
    client.post("/login", data={"email": LEADER, "password": PASSWORD, "csrf_token": token})
    started = time.perf_counter()
    page = client.get(f"/reports/channels?year={YEAR}")
    page_seconds = time.perf_counter() - started
    if page.status_code != 200:
        raise SystemExit(f"the report page answered {page.status_code}")

    figures = {
        "load_average": ", ".join(f"{value:.2f}" for value in os.getloadavg()),
        "turns_per_year": options.turns,
        "json_seconds": round(statistics.median(seconds for seconds, _mb, _out in runs[1:]), 2),
        "json_seconds_first_cold_run": round(runs[0][0], 2),
        "json_peak_mb": max(mb for _seconds, mb, _out in runs),
        "report_in_process_seconds": round(report_seconds, 2),
        "page_seconds": round(page_seconds, 2),
        "json_bytes": len(output),
        "goals": GOALS,
    }
    for key, value in figures.items():
        print(f"{key:28} {value}")
    met = all(figures[key] <= goal for key, goal in GOALS.items())
    print(f"goals (JSON 3 s and 500 MB, page 5 s): {'met' if met else 'MISSED'}")
    write_results("report_speed", figures)


def _load(app, turns: int) -> None:
    with app.app_context():
        upgrade()
        departments = [Department(slug=slug, name=slug.title()) for slug in DEPARTMENTS]
        departments[0].is_frontline = True
        db.session.add_all(departments)
        db.session.commit()
        create_user(
            email=LEADER,
            name="Leiar",
            password=PASSWORD,
            role=Role.ADMIN,
            departments=departments,
        )
        first_department = departments[0].id
        # No transaction of this session stays open over the load: it would keep VACUUM from
        # removing the rows the load's UPDATE left behind, and the report would read twice
        # as many.
        db.session.close()
        started = time.perf_counter()
        engine = db.engine.execution_options(isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            for statement in LOAD:
                connection.execute(
                    sa.text(statement),
                    {"turns": turns, "first_department": first_department, "year": YEAR},
                )
        print(f"loaded {2 * turns} turns in {time.perf_counter() - started:.0f} s")


def _json_run(env) -> tuple[float, int, bytes]:
    """`svarfrist report channels --format json` in its own process: seconds, peak MB, output."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [SVARFRIST, "report", "channels", "--year", str(YEAR), "--format", "json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("svarfrist report channels failed")
    return seconds, round(usage.ru_maxrss / 1024), output


def _json_in_process(app):
    from inbox.reports.channel_report import channel_report

    with app.app_context():
        return channel_report(YEAR)


if __name__ == "__main__":
    main()
