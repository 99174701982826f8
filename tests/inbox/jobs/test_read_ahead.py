"""A poll of more than one batch has the next batch read in a process of its own: real fork,
real Dovecot, both databases."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from channels.email import Fetched
from inbox.blobs import LocalBlobStore, current_store
from inbox.extensions import db
from inbox.intake import languages
from inbox.intake import polling as intake_polling
from inbox.jobs import read_ahead
from inbox.jobs.polling import poll_account
from inbox.jobs.read_ahead import Reader
from inbox.models import Case, Message
from inbox.settings.config import load_settings
from tests.conftest import process_running, write_config
from tests.inbox.email_servers import append, citizen_mail, use_accounts

MAILS = 8  # batches of 3, 3 and 2
ENGLISH = (
    "Hello, I moved here last month and would like to know how I apply for a place in "
    "kindergarten for my daughter, and whether the application form exists in English."
)


@pytest.fixture
def small_batches(app, account):
    batched = replace(account, imap=replace(account.imap, batch_size=3))
    use_accounts(app, batched)
    return batched


@pytest.fixture
def answers(monkeypatch):
    """What the reader answered, batch by batch (``None``: it could not)."""
    answered = []
    answer = Reader._answer

    def recorded(self, key):
        parsed = answer(self, key)
        answered.append(parsed)
        return parsed

    monkeypatch.setattr(Reader, "_answer", recorded)
    return answered


def fill(mailbox, count: int = MAILS) -> None:
    for number in range(count):
        append(mailbox, citizen_mail(sender=f"innbyggjar{number}@example.com"))


def cases() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Case))


def test_every_batch_is_read_by_the_reader(app, small_batches, mailbox, answers, monkeypatch):
    told_here = []
    tell = languages.message_language
    monkeypatch.setattr(
        languages, "message_language", lambda *args: told_here.append(1) or tell(*args)
    )
    fill(mailbox)
    append(mailbox, citizen_mail(sender="visitor@example.com", subject="In English", text=ENGLISH))

    report = poll_account(small_batches, read_ahead=True)

    assert (report.new, report.failed, report.errors) == (MAILS + 1, 0, [])
    assert [len(read.parsed) for read in answers] == [3, 3, 3]
    assert [len(read.languages) for read in answers] == [3, 3, 3]
    assert told_here == []  # the reader told every language
    assert cases() == MAILS + 1
    english = db.session.scalar(select(Case).where(Case.subject == "In English"))
    assert (english.language, english.language_guess) == ("en", "en")
    store = current_store()
    raw = db.session.scalars(select(Message.raw_sha256).where(Message.raw_sha256.is_not(None)))
    assert [store.exists(sha) for sha in raw] == [True] * (MAILS + 1)
    assert multiprocessing.active_children() == []  # the reader ended with the poll
    assert poll_account(small_batches, read_ahead=True).new == 0  # the cursor is at the end


def test_a_reader_that_dies_leaves_the_poll_to_parse_the_batches_itself(
    app, small_batches, mailbox, answers, monkeypatch
):
    monkeypatch.setattr(read_ahead, "read_fetched", lambda *_args: os._exit(3))  # the reader's
    fill(mailbox)

    report = poll_account(small_batches, read_ahead=True)

    assert (report.new, report.failed) == (MAILS, 0)
    assert answers == [None, None, None]
    assert cases() == MAILS


class Unpicklable(Exception):
    def __init__(self, detail: str, *, where: str) -> None:
        super().__init__(f"{detail} ({where})")


def test_a_message_the_reader_cannot_parse_stops_the_poll_before_it(
    app, small_batches, mailbox, monkeypatch
):
    parse = intake_polling.parse_email

    def failing(raw, **options):
        if b"innbyggjar4@" in raw:
            raise Unpicklable("a header no parser foresaw", where="From")
        return parse(raw, **options)

    monkeypatch.setattr(intake_polling, "parse_email", failing)  # the forked reader has it too
    fill(mailbox)

    report = poll_account(small_batches, read_ahead=True)

    assert (report.new, report.failed) == (4, 1)
    assert report.errors == ["UID 5: RuntimeError: Unpicklable: a header no parser foresaw (From)"]
    monkeypatch.setattr(intake_polling, "parse_email", parse)
    assert (
        poll_account(small_batches, read_ahead=True).new == MAILS - 4
    )  # read again from the one that failed
    assert cases() == MAILS


def fetched(uid: int) -> Fetched:
    raw = citizen_mail(sender=f"innbyggjar{uid}@example.com")
    return Fetched(uid, raw, datetime(2027, 3, 1, 8, tzinfo=UTC))


def test_the_reader_stores_the_files_and_answers_only_in_the_order_asked(tmp_path):
    store = LocalBlobStore(tmp_path / "blobs")
    reader = Reader("postmottak", load_settings(write_config(tmp_path, "sqlite://")), store)
    try:
        first = [fetched(1), fetched(2)]
        read = reader.read(first)()
        assert [inbound.sender.value for inbound in read.parsed] == [
            "innbyggjar1@example.com",
            "innbyggjar2@example.com",
        ]
        assert {detection.guess for detection in read.languages.values()} == {None}  # short
        assert sorted(read.languages) == sorted(inbound.external_id for inbound in read.parsed)
        assert all(store.exists(hashlib.sha256(item.raw).hexdigest()) for item in first)

        earlier, later = reader.read([fetched(3)]), reader.read([fetched(4)])
        assert later() is None  # taken before the batch asked first: nothing is trusted now
        assert earlier() is None
    finally:
        reader.close()
    assert not reader._process.is_alive()


ORPHANED = """
import os
from pathlib import Path
from inbox.blobs import LocalBlobStore
from inbox.jobs import read_ahead
from inbox.settings.config import load_settings
read_ahead.LOOK_AGAIN_SECONDS = 0.05
settings = load_settings({config!r})
reader = read_ahead.Reader("postmottak", settings, LocalBlobStore(Path({root!r})))
print(reader._process.pid, flush=True)
os._exit(0)  # as SIGKILL would: the reader is never told to stop
"""


def test_the_reader_stops_by_itself_when_the_poll_was_killed(tmp_path):
    config = write_config(tmp_path, "sqlite://")
    orphaned = ORPHANED.format(root=str(tmp_path / "blobs"), config=str(config))
    killed = subprocess.run(
        [sys.executable, "-c", orphaned],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    child = int(killed.stdout)
    deadline = time.monotonic() + 30
    while process_running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process_running(child)


def test_a_poll_reads_ahead_only_when_its_caller_asks(app, small_batches, mailbox, answers):
    fill(mailbox)

    report = poll_account(small_batches)  # as the worker polls: its scheduler has threads

    assert (report.new, answers) == (MAILS, [])
    assert cases() == MAILS
