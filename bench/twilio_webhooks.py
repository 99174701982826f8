"""Signed Twilio SMS webhooks against `svarfrist serve` (gunicorn, 2 workers) on PostgreSQL.

Starts the real server as its own process on a fresh database, then sends N
signed ``POST /webhooks/twilio/sms`` requests (distinct MessageSids and
senders) from a separate load process with C concurrent connections, and
measures requests per second and latency percentiles as the client sees
them. Then takes the stored webhooks in, as the poller does (each one a new
message with its case, turn and acknowledgement), and checks every one arrived.
Goal: at least 300 requests per second with p95 under 50 ms. Prints the
figures and writes bench/results/twilio_webhooks.json.

    SVARFRIST_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/twilio_webhooks.py [--requests 3000] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import harness
import requests
import sqlalchemy as sa
from results_file import write_results
from twilio.request_validator import RequestValidator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import free_port

DATABASE = "svarfrist_bench_twilio"
ACCOUNT_SID = "AC" + "1" * 32
TOKEN = "bench-twilio-token"
OUR_NUMBER = "+4755000000"
SVARFRIST = harness.SVARFRIST
GOAL_RPS = 300
# What the poller does with the stored webhooks, in the lean app `svarfrist poll` runs in
# (it also pulls from Twilio, which a benchmark must not call).
TAKE_IN = (
    "from inbox.app import create_app\n"
    "from inbox.jobs.webhooks import take_in_pending\n"
    "with create_app(lean=True).app_context():\n"
    "    print(take_in_pending(limit=1_000_000))\n"
)
GOAL_P95_MS = 50
WARM_UP = 50
# The warm-up's senders write again in the measured run, so count messages, not cases.
COUNT_TAKEN_IN = "SELECT count(*) FROM messages WHERE direction = 'in'"


def write_config(directory: Path, url: str, port: int) -> Path:
    return harness.write_config(
        directory,
        url,
        f"""[[channels.sms]]
name = "sms"
account_sid = "{ACCOUNT_SID}"
auth_token_env = "SVARFRIST_BENCH_TWILIO_TOKEN"
public_url = "http://127.0.0.1:{port}"
from_number = "{OUR_NUMBER}"
""",
    )


def signed_requests(count: int, base: str, prefix: str = "SM") -> list[tuple[dict, str]]:
    validator = RequestValidator(TOKEN)
    url = f"{base}/webhooks/twilio/sms"
    prepared = []
    for number in range(count):
        form = {
            "MessageSid": f"{prefix}{number:032d}",
            "AccountSid": ACCOUNT_SID,
            "From": f"+479{number % 10_000_000:07d}",
            "To": OUR_NUMBER,
            "Body": f"Hei, når blir vegen brøytt? ({number})",
            "NumMedia": "0",
        }
        prepared.append((form, validator.compute_signature(url, form)))
    return prepared


def load(base: str, prepared: list[tuple[dict, str]], concurrency: int, results) -> None:
    """The load process: sends every request and reports (latencies, wall seconds, failures)."""
    local = threading.local()

    def send(item):
        form, signature = item
        if not hasattr(local, "session"):
            local.session = requests.Session()  # one keep-alive connection per thread
        session = local.session
        started = time.perf_counter()
        response = session.post(
            f"{base}/webhooks/twilio/sms", data=form, headers={"X-Twilio-Signature": signature}
        )
        return time.perf_counter() - started, response.status_code

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        outcomes = list(pool.map(send, prepared))
    wall = time.perf_counter() - started
    results.put(([o[0] for o in outcomes], wall, sum(1 for o in outcomes if o[1] != 200)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    options = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    directory = Path(tempfile.mkdtemp(prefix="svarfrist-bench-"))
    url = harness.fresh_database(DATABASE)
    env = {
        **os.environ,
        "SVARFRIST_CONFIG": str(write_config(directory, url, port)),
        "SVARFRIST_BENCH_TWILIO_TOKEN": TOKEN,
        "SVARFRIST_SECRET_KEY": "bench-secret",
    }
    engine = harness.migrated(url, env)
    serving = subprocess.Popen(
        [SVARFRIST, "serve", "--port", str(port), "--workers", "2", "--proxies", "0"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        harness.wait_until_up(base)
        warm = signed_requests(WARM_UP, base, prefix="SMwarm")
        prepared = signed_requests(options.requests, base)
        results = multiprocessing.Queue()
        for batch in (warm, prepared):
            worker = multiprocessing.Process(
                target=load, args=(base, batch, options.concurrency, results)
            )
            worker.start()
            latencies, wall, failures = results.get()
            worker.join()
        with engine.connect() as connection:
            cases_at_once = connection.scalar(sa.text(COUNT_TAKEN_IN))
    finally:
        serving.terminate()
        serving.wait(timeout=30)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", TAKE_IN], env=env, check=True)
    take_in_seconds = time.perf_counter() - started
    with engine.connect() as connection:
        cases = connection.scalar(sa.text(COUNT_TAKEN_IN))
    engine.dispose()

    ordered = sorted(latencies)
    figures = {
        "requests": options.requests,
        "concurrency": options.concurrency,
        "failures": failures,
        "messages_when_answered": cases_at_once,
        "messages_after_take_in": cases,
        "take_in_seconds": round(take_in_seconds, 1),
        "take_in_per_second": round(cases / take_in_seconds),
        "requests_per_second": round(options.requests / wall),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 1),
        "goal_requests_per_second": GOAL_RPS,
        "goal_p95_ms": GOAL_P95_MS,
    }
    for key, value in figures.items():
        print(f"{key:28} {value}")
    met = figures["requests_per_second"] >= GOAL_RPS and figures["p95_ms"] <= GOAL_P95_MS
    print(f"goal ({GOAL_RPS} requests/s, p95 under {GOAL_P95_MS} ms): {'met' if met else 'MISSED'}")
    write_results("twilio_webhooks", figures)
    if failures:
        raise SystemExit(f"{failures} requests did not get 200")
    if cases != options.requests + WARM_UP:
        raise SystemExit(f"{cases} messages taken in for {options.requests + WARM_UP} webhooks")


if __name__ == "__main__":
    main()
