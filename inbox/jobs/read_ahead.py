"""Reading a mailbox's next batch in a process of its own while the poll takes this one in.

A poll of a backlog spends about a third of its time on work that needs no database:
parsing each message (the standard library's e-mail parser, pure Python), storing its raw
source and attachments (a write and an fsync per file) and telling its language. One
Python process runs on one core at a time, so while the poll takes a batch in, a reader
forked beside it reads the next batch: the poll receives its messages parsed, their files
stored and their language told.

The reader only prepares. Intake still checks every file of a batch and writes any that
is missing (a reader that could not write, a disk that filled), before the batch is
committed; when the reader is gone or answers with something else, the poll parses the
batch itself. It is forked only when a folder holds more than one batch; it never touches
the database, and stops when the poll does or its parent goes away.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import queue
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from multiprocessing import get_context

from channels.email import Fetched
from inbox.blobs import BlobStore, current_store
from inbox.extensions import db
from inbox.intake.polling import Parsed, ReadBatch, read_fetched
from inbox.intake.receiving import store_blobs
from inbox.jobs.dispatch_alongside import can_fork
from inbox.settings.config import Settings

log = logging.getLogger(__name__)
#: How often a waiting side looks whether the other one is still there.
LOOK_AGAIN_SECONDS = 1.0
#: What a reader's answer is for: the batch's first and last UID.
Batch = tuple[int, int]
#: The batch's messages parsed, asked for when the poll takes the batch in; ``None`` when
#: the reader could not say (the poll then parses the batch itself).
Answer = Callable[[], ReadBatch | None]


class Reader:
    """A reader process and the batches asked of it, answered in the order asked."""

    def __init__(self, account: str, settings: Settings, blobs: BlobStore) -> None:
        forking = get_context("fork")
        self._requests = forking.Queue()
        self._answers = forking.Queue()
        # Neither side waits at its exit for what the other will no longer read.
        self._requests.cancel_join_thread()
        self._broken = False
        self._process = forking.Process(
            target=_read_until_done,
            args=(self._requests, self._answers, account, settings, blobs),
            kwargs={"parent": os.getpid()},
            name="svarfrist-read-ahead",
            daemon=True,
        )
        self._process.start()

    def read(self, batch: list[Fetched]) -> Answer:
        """Ask the reader for ``batch``; the answer is taken when called."""
        if not batch:
            return lambda: ReadBatch([], {})
        key = (batch[0].uid, batch[-1].uid)
        self._requests.put((key, batch))
        return lambda: self._answer(key)

    def _answer(self, key: Batch) -> ReadBatch | None:
        """The answers come in the order asked: one taken out of order is another batch's,
        and no later answer can be trusted."""
        if self._broken:
            return None
        while True:
            try:
                answered, read = self._answers.get(timeout=LOOK_AGAIN_SECONDS)
                break
            except queue.Empty:
                if not self._process.is_alive():
                    log.warning("read_ahead_gone exitcode=%s", self._process.exitcode)
                    self._broken = True
                    return None
        if answered != key:
            log.warning("read_ahead_mismatch asked=%s answered=%s", key, answered)
            self._broken = True
            return None
        return read

    def close(self) -> None:
        self._requests.put(None)
        self._process.join(LOOK_AGAIN_SECONDS * 5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._requests.close()
        self._answers.close()


@contextmanager
def reading_ahead(account: str, settings: Settings) -> Iterator[Reader | None]:
    """A reader for the account's batches until the block ends; ``None`` where no process of
    its own can be forked (no ``fork``, or a database in this process's memory)."""
    if not can_fork(db.engine.url):
        yield None
        return
    # The reader never uses the connections it inherits (the poll's lock on the account
    # among them) and ends without closing them; nothing it holds is collected either.
    db.session.remove()
    gc.freeze()  # and the pages both processes hold stay shared (see dispatch_alongside)
    reader = Reader(account, settings, current_store())
    try:
        yield reader
    finally:
        reader.close()
        # A poll without --once reads ahead each round: what was frozen for this fork may
        # become garbage later and must stay collectable.
        gc.unfreeze()


def _read_until_done(requests, answers, account, settings, blobs, *, parent) -> None:
    # Ctrl-C reaches the whole process group; the poll ends the reader when it stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    answers.cancel_join_thread()
    while True:
        try:
            request = requests.get(timeout=LOOK_AGAIN_SECONDS)
        except queue.Empty:
            if os.getppid() != parent:
                return
            continue
        if request is None:
            return
        key, batch = request
        read = read_fetched(account, batch, settings)
        try:
            store_blobs([item for item in read.parsed if not isinstance(item, Exception)], blobs)
        except Exception as error:  # intake writes what is missing, and reports it then
            log.info("read_ahead_blobs_failed error=%s: %s", type(error).__name__, error)
        answers.put((key, replace(read, parsed=[_sendable(item) for item in read.parsed])))


def _sendable(parsed: Parsed) -> Parsed:
    """An error the parser raised, as one that survives the way to the poll's process."""
    if not isinstance(parsed, Exception):
        return parsed
    try:
        pickle.loads(pickle.dumps(parsed))
    except Exception:
        return RuntimeError(f"{type(parsed).__name__}: {parsed}")
    return parsed
