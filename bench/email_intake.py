"""E-mail end to end: messages in Dovecot, one `svarfrist poll` into PostgreSQL, one dispatch.

Appends N messages (default 5,000; distinct senders, a tenth with an HTML
part and a tenth with a PDF attachment) to a private Dovecot over IMAP, then
runs the real CLI as separate processes, as an installation would:
``svarfrist poll --once`` (every message a case, with its turn and its
acknowledgement, sent to an aiosmtpd server by the dispatcher the poll forks beside
it) and then ``svarfrist dispatch --once`` (which finds nothing left). With
``--apart`` the poll sends nothing (``--no-dispatch``) and the dispatch sends every
acknowledgement, to see the two steps' own rates. Measures wall time and peak memory
(max RSS) of each process. Goal: at least 200 messages per second end to end.
Prints the figures and writes bench/results/email_intake.json.

    SVARFRIST_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/email_intake.py [--messages 5000] [--apart]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import harness
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from imapclient import IMAPClient
from results_file import write_results

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import free_port  # noqa: E402
from tests.dovecot import Dovecot  # noqa: E402
from tests.inbox.email_servers import PASSWORD_ENV, email_account_toml  # noqa: E402

DATABASE = "svarfrist_bench_email"
GOAL_PER_SECOND = 200
SVARFRIST = harness.SVARFRIST
PDF = b"%PDF-1.4\n" + b"0" * 40_000 + b"\n%%EOF\n"


class CountingHandler:
    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 Message accepted"


def message(number: int) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"Innbyggjar {number} <innbyggjar{number}@example.no>"
    mail["To"] = "postmottak@alver.kommune.no"
    mail["Subject"] = f"Spørsmål nummer {number} om byggesøknad"
    mail["Message-ID"] = make_msgid(domain="example.no")
    text = f"Hei!\n\nKorleis går det med søknad {number}?\n\nHelsing innbyggjar {number}"
    mail.set_content(text)
    if number % 10 == 3:
        mail.add_alternative(f"<p>{text}</p><script>alert(1)</script>", subtype="html")
    if number % 10 == 7:
        mail.add_attachment(PDF, maintype="application", subtype="pdf", filename="teikning.pdf")
    return mail.as_bytes()


def fill(dovecot: Dovecot, count: int) -> float:
    """Append the messages; returns Dovecot's own rate (not part of the measurement)."""
    client = IMAPClient("127.0.0.1", port=dovecot.port, ssl=False)
    client.login(dovecot.username, dovecot.password)
    started = time.perf_counter()
    batch = 100
    for start in range(0, count, batch):
        client.multiappend("INBOX", [message(n) for n in range(start, min(start + batch, count))])
    elapsed = time.perf_counter() - started
    client.logout()
    return count / elapsed


def write_config(
    directory: Path, url: str, dovecot: Dovecot, smtp_port: int, tail: str = "", **keys: int
) -> Path:
    """The configuration with one mailbox on Dovecot; ``keys`` override the account's (such as
    ``batch_size``), ``tail`` adds sections after it."""
    account = {"batch_size": 200, **keys}
    return harness.write_config(
        directory,
        url,
        email_account_toml(dovecot, smtp_port, "postmottak@alver.kommune.no")
        + "".join(f"{key} = {value}\n" for key, value in account.items())
        + tail,
    )


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run a svarfrist command; wall seconds, peak RSS in MB, and its output."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [SVARFRIST, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"svarfrist {' '.join(args)} failed:\n{output}")
    return elapsed, usage.ru_maxrss / 1024, output.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument(
        "--apart", action="store_true", help="poll with --no-dispatch, then dispatch everything"
    )
    options = parser.parse_args()
    dovecot = Dovecot(free_port()).start()
    handler = CountingHandler()
    smtp = Controller(handler, hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        directory = Path(tempfile.mkdtemp(prefix="svarfrist-bench-"))
        url = harness.fresh_database(DATABASE)
        config = write_config(directory, url, dovecot, smtp.port)
        env = {**os.environ, "SVARFRIST_CONFIG": str(config), PASSWORD_ENV: dovecot.password}
        engine = harness.migrated(url, env)
        append_rate = fill(dovecot, options.messages)
        print(f"appended {options.messages} messages to Dovecot at {append_rate:.0f}/s")

        poll = ["poll", "--once", *(["--no-dispatch"] if options.apart else [])]
        poll_seconds, poll_mb, poll_output = run(poll, env)
        print("\n".join(poll_output.splitlines()[-2:]))
        dispatch_seconds, dispatch_mb, dispatch_output = run(["dispatch", "--once"], env)
        print(dispatch_output)

        with engine.connect() as connection:
            cases = connection.scalar(sa.text("SELECT count(*) FROM cases"))
            sent = connection.scalar(sa.text("SELECT count(*) FROM outbox WHERE status = 'sent'"))
        engine.dispose()
    finally:
        smtp.stop()
        dovecot.stop()

    total = poll_seconds + dispatch_seconds
    figures = {
        "mode": "apart" if options.apart else "dispatcher beside the poll",
        "messages": options.messages,
        "cases": cases,
        "acknowledgements_sent": sent,
        "acknowledgements_received_by_smtp": handler.received,
        "poll_seconds": round(poll_seconds, 2),
        "poll_messages_per_second": round(options.messages / poll_seconds),
        "poll_peak_rss_mb": round(poll_mb),
        "dispatch_seconds": round(dispatch_seconds, 2),
        "dispatch_messages_per_second": round(sent / dispatch_seconds) if options.apart else "-",
        "dispatch_peak_rss_mb": round(dispatch_mb),
        "end_to_end_messages_per_second": round(options.messages / total),
        "goal_messages_per_second": GOAL_PER_SECOND,
        "dovecot_append_per_second": round(append_rate),
    }
    for key, value in figures.items():
        print(f"{key:40} {value}")
    verdict = "met" if figures["end_to_end_messages_per_second"] >= GOAL_PER_SECOND else "MISSED"
    print(f"goal of {GOAL_PER_SECOND} messages/s end to end: {verdict}")
    write_results("email_intake", figures)
    if cases != options.messages or sent != options.messages:
        raise SystemExit("not every message became a case with one acknowledgement sent")


if __name__ == "__main__":
    main()
