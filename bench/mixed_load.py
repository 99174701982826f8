"""Mixed load on two web processes and two workers sharing one PostgreSQL database.

Starts ``svarfrist serve`` (gunicorn, 2 processes) and two ``svarfrist worker``
processes on a fresh database, with a private Dovecot, an aiosmtpd server and
local fakes of Twilio's and Meta's APIs. For DURATION seconds a separate load
process then runs, side by side: two staff members logging in, browsing the
queue, opening cases and answering them through the real forms; signed Twilio
SMS webhooks; signed Meta (Messenger) webhooks; and citizens' e-mails
appended to the mailbox. Afterwards it waits for the workers to take
everything in and send everything out, and counts:

- requests that failed (a 5xx, an unexpected status or no answer at all);
- latency per kind of request (p50, p95, p99) as the client saw it;
- every SMS, Messenger message and e-mail a case message exactly once;
- sends per channel at the fake endpoints against outbox rows marked sent
  (more sends than rows would be a duplicate).

Prints the figures and writes bench/results/mixed_load.json.

    SVARFRIST_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/mixed_load.py [--seconds 180]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import logging
import multiprocessing
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from functools import partial
from pathlib import Path

import harness
import requests
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from email_intake import PASSWORD_ENV, message, write_config
from imapclient import IMAPClient
from results_file import write_results
from twilio.request_validator import RequestValidator
from worker_crashes import RecordingHandler

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import free_port
from tests.dovecot import Dovecot
from tests.graph_server import PAGE_ID, PAGE_TOKEN, FakeGraph
from tests.twilio_server import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio

DATABASE = "svarfrist_bench_mixed"
SVARFRIST = harness.SVARFRIST
APP_SECRET = "bench-app-secret"
OUR_NUMBER = "+4755000000"
STAFF = ("kari@alver.no", "ola@alver.no")
PASSWORD = "bench-password-1"
SECRETS = {
    "SVARFRIST_BENCH_TWILIO_TOKEN": AUTH_TOKEN,
    "SVARFRIST_BENCH_PAGE_TOKEN": PAGE_TOKEN,
    "SVARFRIST_BENCH_APP_SECRET": APP_SECRET,
    "SVARFRIST_BENCH_VERIFY_TOKEN": "bench-verify",
}
SETTLE_SECONDS = 180
CASE_LINK = re.compile(r'href="/cases/(\d{4}-\d+)"')
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
LOADED_AT = re.compile(r'name="loaded_at" type="hidden" value="([^"]+)"')


def channels(web_port: int, twilio: FakeTwilio, graph: FakeGraph) -> str:
    return f"""
[[channels.sms]]
name = "sms"
account_sid = "{ACCOUNT_SID}"
auth_token_env = "SVARFRIST_BENCH_TWILIO_TOKEN"
public_url = "http://127.0.0.1:{web_port}"
from_number = "{OUR_NUMBER}"
api_base_url = "{twilio.base_url}"

[[channels.meta]]
name = "alver"
page_id = "{PAGE_ID}"
page_token_env = "SVARFRIST_BENCH_PAGE_TOKEN"
app_secret_env = "SVARFRIST_BENCH_APP_SECRET"
verify_token_env = "SVARFRIST_BENCH_VERIFY_TOKEN"
graph_base_url = "{graph.base_url}"

[acknowledgements]
per_sender_hours = 0
"""


class Tally:
    """What the load process saw, per kind of request."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.failures: dict[str, list[str]] = defaultdict(list)
        self.inputs: dict[str, int] = defaultdict(int)

    def timed(self, kind: str, call, expected: int):
        started = time.perf_counter()
        try:
            response = call()
        except requests.RequestException as error:
            self._fail(kind, f"{type(error).__name__}: {error}")
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latencies[kind].append(elapsed)
        if response.status_code != expected:
            self._fail(kind, f"{response.status_code} {response.text[:200]!r}")
            return None
        return response

    def _fail(self, kind: str, what: str) -> None:
        with self.lock:
            self.failures[kind].append(what)

    def count(self, kind: str) -> None:
        with self.lock:
            self.inputs[kind] += 1


def staff(base: str, email: str, deadline: float, tally: Tally) -> None:
    session = requests.Session()
    token = CSRF.search(session.get(f"{base}/login").text).group(1)
    tally.timed(
        "login",
        lambda: session.post(
            f"{base}/login",
            data={"email": email, "password": PASSWORD, "csrf_token": token},
            allow_redirects=False,
        ),
        302,
    )
    answered: set[str] = set()
    while time.monotonic() < deadline:
        queue = tally.timed("queue page", lambda: session.get(f"{base}/"), 200)
        waiting = [
            ref for ref in CASE_LINK.findall(queue.text if queue else "") if ref not in answered
        ]
        for reference in waiting[:3]:
            page = tally.timed(
                "case page", lambda r=reference: session.get(f"{base}/cases/{r}"), 200
            )
            if page is None or not (found := LOADED_AT.search(page.text)):
                continue
            form = {
                "csrf_token": CSRF.search(page.text).group(1),
                "text": "Takk, vi ser på saka og svarar deg snart.",
                "kind": "reply",
                "loaded_at": found.group(1),
            }
            reply = tally.timed(
                "reply",
                lambda r=reference, f=form: session.post(
                    f"{base}/cases/{r}/reply", data=f, allow_redirects=False
                ),
                302,
            )
            if reply is not None:
                answered.add(reference)
                tally.count("replies")
        time.sleep(0.3)


def sms(base: str, deadline: float, tally: Tally) -> None:
    session, validator = requests.Session(), RequestValidator(AUTH_TOKEN)
    url = f"{base}/webhooks/twilio/sms"
    number = 0
    while time.monotonic() < deadline:
        form = {
            "MessageSid": f"SM{number:032d}",
            "AccountSid": ACCOUNT_SID,
            "From": f"+4791{number:06d}",
            "To": OUR_NUMBER,
            "Body": f"Når blir vegen brøytt? ({number})",
            "NumMedia": "0",
        }
        headers = {"X-Twilio-Signature": validator.compute_signature(url, form)}
        if tally.timed(
            "Twilio webhook", partial(session.post, url, data=form, headers=headers), 200
        ):
            tally.count("sms")
        number += 1
        time.sleep(0.05)


def messenger(base: str, deadline: float, tally: Tally) -> None:
    session = requests.Session()
    number = 0
    while time.monotonic() < deadline:
        moment = int(time.time() * 1000)
        event = {
            "sender": {"id": f"71{number:014d}"},
            "recipient": {"id": PAGE_ID},
            "timestamp": moment,
            "message": {"mid": f"m_bench_{number}", "text": f"Når tømmes søpla? ({number})"},
        }
        body = json.dumps(
            {"object": "page", "entry": [{"id": PAGE_ID, "time": moment, "messaging": [event]}]}
        ).encode()
        signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
        headers = {"X-Hub-Signature-256": signature, "Content-Type": "application/json"}
        call = partial(session.post, f"{base}/webhooks/meta", data=body, headers=headers)
        if tally.timed("Meta webhook", call, 200):
            tally.count("messenger")
        number += 1
        time.sleep(0.1)


def mail(dovecot_port: int, username: str, password: str, deadline: float, tally: Tally) -> None:
    imap = IMAPClient("127.0.0.1", port=dovecot_port, ssl=False)
    imap.login(username, password)
    number = 0
    while time.monotonic() < deadline:
        imap.append("INBOX", message(number))
        tally.count("email")
        number += 1
        time.sleep(0.2)
    imap.logout()


def load(base: str, seconds: float, dovecot: tuple[int, str, str], results) -> None:
    """The load process: every kind of traffic side by side until the time is up."""
    tally = Tally()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=staff, args=(base, email, deadline, tally)) for email in STAFF
    ]
    threads += [
        threading.Thread(target=sms, args=(base, deadline, tally)),
        threading.Thread(target=messenger, args=(base, deadline, tally)),
        threading.Thread(target=mail, args=(*dovecot, deadline, tally)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put((dict(tally.latencies), dict(tally.failures), dict(tally.inputs)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180)
    options = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the fakes' request lines
    dovecot = Dovecot(free_port()).start()
    handler = RecordingHandler()
    smtp = Controller(handler, hostname="127.0.0.1", port=free_port())
    smtp.start()
    twilio = FakeTwilio(free_port()).start()
    graph = FakeGraph(free_port()).start()
    web_port = free_port()
    base = f"http://127.0.0.1:{web_port}"
    directory = Path(tempfile.mkdtemp(prefix="svarfrist-mixed-"))
    url = harness.fresh_database(DATABASE)
    config = write_config(
        directory, url, dovecot, smtp.port, channels(web_port, twilio, graph),
        poll_interval_seconds=2, batch_size=50,
    )  # fmt: skip
    env = {
        **os.environ,
        **SECRETS,
        "SVARFRIST_CONFIG": str(config),
        PASSWORD_ENV: dovecot.password,
        "SVARFRIST_SECRET_KEY": "bench-secret",
    }
    engine = harness.migrated(url, env)
    for email in STAFF:
        subprocess.run(
            [SVARFRIST, "users", "add", "--email", email, "--name", email.split("@")[0].title(),
             "--department", "innbyggjarservice", "--password-stdin"],
            input=PASSWORD, text=True, env=env, check=True, capture_output=True,
        )  # fmt: skip
    log = (directory / "processes.log").open("ab")
    processes = [
        subprocess.Popen(
            [SVARFRIST, "serve", "--port", str(web_port), "--workers", "2", "--proxies", "0"],
            env={**env, "SVARFRIST_PLAIN_HTTP": "1"},
            stdout=log,
            stderr=log,
        )
    ]
    processes += [
        subprocess.Popen(
            [SVARFRIST, "worker", "--dispatch-interval", "1"], env=env, stdout=log, stderr=log
        )
        for _ in range(2)
    ]
    try:
        harness.wait_until_up(base)
        results = multiprocessing.Queue()
        loader = multiprocessing.Process(
            target=load,
            args=(
                base,
                options.seconds,
                (dovecot.port, dovecot.username, dovecot.password),
                results,
            ),
        )
        loader.start()
        latencies, failures, inputs = results.get()
        loader.join()
        settled = _settle(engine, sum(inputs.get(k, 0) for k in ("sms", "messenger", "email")))
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        stopped = [process.wait(timeout=60) for process in processes]
        log.close()
        for server in (twilio, graph):
            server.stop()
        smtp.stop()
        dovecot.stop()

    with engine.connect() as connection:
        taken_in = dict(
            connection.execute(
                sa.text("SELECT channel, count(*) FROM messages WHERE direction = 'in' GROUP BY 1")
            ).all()
        )
        twice = connection.scalar(
            sa.text(
                "SELECT count(*) FROM (SELECT 1 FROM messages WHERE direction = 'in' "
                "GROUP BY channel, account, external_id HAVING count(*) > 1) doubled"
            )
        )
        sent_rows = dict(
            connection.execute(
                sa.text("SELECT channel, count(*) FROM outbox WHERE status = 'sent' GROUP BY 1")
            ).all()
        )
        not_sent = connection.scalar(sa.text("SELECT count(*) FROM outbox WHERE status <> 'sent'"))
    engine.dispose()
    delivered = {
        "email": sum(handler.deliveries.values()),
        "sms": len(twilio.sent),
        "facebook": len([s for s in graph.sent if "messages" in s["path"]]),
    }
    figures = {
        "seconds": options.seconds,
        "web_processes": 2,
        "workers": 2,
        "requests": sum(len(values) for values in latencies.values()),
        "failed_requests": sum(len(values) for values in failures.values()),
        "error_rate": round(
            sum(len(v) for v in failures.values())
            / max(sum(len(v) for v in latencies.values()), 1),
            5,
        ),
        "inputs": inputs,
        "taken_in": taken_in,
        "messages_taken_in_twice": twice,
        "outbox_sent_rows": sent_rows,
        "delivered_at_endpoints": delivered,
        "duplicate_sends": {c: delivered[c] - sent_rows.get(c, 0) for c in delivered},
        "outbox_not_sent": not_sent,
        "settled": settled,
        "processes_stopped_cleanly": all(code == 0 for code in stopped),
        "latency_ms": {kind: _percentiles(values) for kind, values in sorted(latencies.items())},
        "failures_first": {kind: values[:3] for kind, values in failures.items()},
    }
    for key, value in figures.items():
        print(f"{key:28} {value}")
    write_results("mixed_load", figures)
    print(f"processes' log: {directory / 'processes.log'}")


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    at = lambda share: round(ordered[min(int(len(ordered) * share), len(ordered) - 1)] * 1000, 1)  # noqa: E731
    return {"count": len(ordered), "p50": round(statistics.median(ordered) * 1000, 1),
            "p95": at(0.95), "p99": at(0.99)}  # fmt: skip


def _settle(engine, inputs: int) -> bool:
    """Wait until the workers took every input in and sent everything out."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            taken_in = connection.scalar(
                sa.text("SELECT count(*) FROM messages WHERE direction = 'in'")
            )
            waiting = connection.scalar(
                sa.text("SELECT count(*) FROM outbox WHERE status <> 'sent'")
            )
        if taken_in >= inputs and waiting == 0:
            return True
        time.sleep(1)
    return False


if __name__ == "__main__":
    main()
