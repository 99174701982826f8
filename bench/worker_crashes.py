"""Kill -9 the worker again and again while it polls Dovecot and sends to SMTP.

A private Dovecot and an aiosmtpd server on loopback, a fresh PostgreSQL
database, and the real ``svarfrist worker`` as its own process (polling every
second, the outbox every half second). Each round appends a few citizens'
messages, starts the worker, lets it run for a random moment (0.3 to 4 s),
and kills it with SIGKILL: in the middle of a poll, a commit, a flag, an SMTP
conversation or between them. After the last round one worker runs to the
end and is stopped with SIGTERM.

Then it counts: every message must be exactly one case (none lost, none
twice), and every case's acknowledgement must have reached the SMTP server
at least once. Acknowledgements delivered more than once are the duplicate
window: a kill after the SMTP server accepted a message and before the row
was marked sent. Prints the figures and writes bench/results/worker_crashes.json.

    SVARFRIST_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/worker_crashes.py [--rounds 50] [--per-round 4]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import harness
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from email_intake import PASSWORD_ENV, SVARFRIST, message, write_config
from imapclient import IMAPClient
from results_file import write_results

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import free_port  # noqa: E402
from tests.dovecot import Dovecot  # noqa: E402

DATABASE = "svarfrist_bench_crashes"
SETTLE_SECONDS = 420  # the last worker: rows claimed by a killed one wait out their 5-minute lease


class RecordingHandler:
    """Counts deliveries per recipient: each citizen writes once, so more is a duplicate."""

    def __init__(self) -> None:
        self.deliveries: Counter[str] = Counter()

    async def handle_DATA(self, server, session, envelope):
        for recipient in envelope.rcpt_tos:
            self.deliveries[recipient.lower()] += 1
        return "250 Message accepted"


def config(directory: Path, url: str, dovecot: Dovecot, smtp_port: int) -> Path:
    # Polled every second, five messages at a time: many polls for the kills to land in.
    return write_config(
        directory,
        url,
        dovecot,
        smtp_port,
        "\n[acknowledgements]\nper_sender_hours = 0\n",
        poll_interval_seconds=1,
        batch_size=5,
    )


def worker(env: dict[str, str], log) -> subprocess.Popen:
    return subprocess.Popen(
        [SVARFRIST, "worker", "--dispatch-interval", "0.5"], env=env, stdout=log, stderr=log
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--per-round", type=int, default=4, help="messages appended per round")
    parser.add_argument("--seed", type=int, default=20261125)
    options = parser.parse_args()
    chance = random.Random(options.seed)
    dovecot = Dovecot(free_port()).start()
    handler = RecordingHandler()
    smtp = Controller(handler, hostname="127.0.0.1", port=free_port())
    smtp.start()
    directory = Path(tempfile.mkdtemp(prefix="svarfrist-crashes-"))
    url = harness.fresh_database(DATABASE)
    env = {
        **os.environ,
        "SVARFRIST_CONFIG": str(config(directory, url, dovecot, smtp.port)),
        PASSWORD_ENV: dovecot.password,
        "SVARFRIST_SECRET_KEY": "bench",
    }
    engine = harness.migrated(url, env)
    imap = IMAPClient("127.0.0.1", port=dovecot.port, ssl=False)
    imap.login(dovecot.username, dovecot.password)
    appended = 0
    kills = []
    started = time.perf_counter()
    try:
        with (directory / "worker.log").open("ab") as log:
            for _round in range(options.rounds):
                imap.multiappend("INBOX", [message(appended + n) for n in range(options.per_round)])
                appended += options.per_round
                process = worker(env, log)
                lifetime = chance.uniform(0.3, 4.0)
                time.sleep(lifetime)
                process.send_signal(signal.SIGKILL)
                process.wait()
                kills.append(round(lifetime, 2))
            process = worker(env, log)
            settled = _settle(engine, appended, handler)
            _wait_for_heartbeat(engine, process.pid)  # its SIGTERM handler is in place
            process.send_signal(signal.SIGTERM)
            stopped_cleanly = process.wait(timeout=60) == 0
    finally:
        imap.logout()
        smtp.stop()
        dovecot.stop()
    elapsed = time.perf_counter() - started

    with engine.connect() as connection:
        cases = connection.scalar(sa.text("SELECT count(*) FROM cases"))
        distinct_sources = connection.scalar(
            sa.text("SELECT count(DISTINCT external_id) FROM messages WHERE direction = 'in'")
        )
        unsent = connection.scalar(sa.text("SELECT count(*) FROM outbox WHERE status <> 'sent'"))
    engine.dispose()
    citizens = {f"innbyggjar{n}@example.no" for n in range(appended)}
    acknowledged = sum(1 for citizen in citizens if handler.deliveries[citizen] >= 1)
    duplicates = sum(max(handler.deliveries[citizen] - 1, 0) for citizen in citizens)
    figures = {
        "kill_9_rounds": options.rounds,
        "messages": appended,
        "cases": cases,
        "messages_taken_in_twice": cases - distinct_sources,
        "messages_lost": appended - distinct_sources,
        "acknowledged_at_least_once": acknowledged,
        "acknowledgements_delivered_twice_or_more": duplicates,
        "outbox_rows_not_sent": unsent,
        "settled": settled,
        "last_worker_stopped_cleanly_on_sigterm": stopped_cleanly,
        "seconds": round(elapsed),
        "worker_lifetimes_seconds": kills,
    }
    for key, value in figures.items():
        if key != "worker_lifetimes_seconds":
            print(f"{key:42} {value}")
    write_results("worker_crashes", figures)
    survived = cases == distinct_sources == appended and acknowledged == appended and unsent == 0
    print(f"every message a case exactly once and acknowledged: {'yes' if survived else 'NO'}")
    print(f"worker log: {directory / 'worker.log'}")
    if not survived:
        raise SystemExit(1)


def _settle(engine, appended: int, handler: RecordingHandler) -> bool:
    """Wait until every message is a case and the outbox is empty."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            cases = connection.scalar(sa.text("SELECT count(*) FROM cases"))
            pending = connection.scalar(
                sa.text("SELECT count(*) FROM outbox WHERE status <> 'sent'")
            )
        if cases >= appended and pending == 0 and sum(handler.deliveries.values()) >= appended:
            return True
        time.sleep(1)
    return False


def _wait_for_heartbeat(engine, pid: int) -> None:
    for _ in range(60):
        with engine.connect() as connection:
            names = connection.scalars(sa.text("SELECT worker FROM worker_heartbeats")).all()
        if any(name.endswith(f":{pid}") for name in names):
            return
        time.sleep(0.5)
    raise SystemExit(f"the last worker (pid {pid}) never beat")


if __name__ == "__main__":
    main()
