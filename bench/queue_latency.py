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
from case_load import add_departments, load_cases
from flask_migrate import upgrade
from results_file import write_results

from inbox.app import create_app
from inbox.extensions import db
from inbox.models import Role
from inbox.people.users import create_api_token, create_user
from inbox.settings.config import load_settings

DATABASE = "svarfrist_bench"
PASSWORD = "bench-password-1"
GOAL_MS = 100


def build_app(url: str):
    settings = replace(load_settings(None), database_url=url)
    # The bench logs in with a plain POST; CSRF protection has its own tests.
    return create_app(
        settings, SECRET_KEY="bench", SESSION_COOKIE_SECURE=False, WTF_CSRF_ENABLED=False
    )


def load(app, cases: int) -> dict[str, str]:
    with app.app_context():
        upgrade()
        departments = add_departments()
        staff = create_user(
            email="bench@example.com",
            name="Bench",
            password=PASSWORD,
            role=Role.STAFF,
            departments=[departments[1]],
        )
        token = create_api_token(staff)
        db.session.commit()
        load_cases(cases, departments[0].id)
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
