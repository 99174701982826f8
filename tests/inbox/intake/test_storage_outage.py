"""Object storage down while mail comes in: a real Dovecot mailbox, moto's S3 server on
loopback, both databases. As with a full disk, the mail stays at the source and the cursor
before it, and it is taken in once the storage answers again."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from inbox.blobs import EXTENSION_KEY as BLOBS_KEY
from inbox.blobs import current_store
from inbox.extensions import db
from inbox.jobs.polling import poll_account
from inbox.models import Case, SourceCursor
from tests import s3_server as s3
from tests.conftest import free_port
from tests.inbox.email_servers import append, citizen_mail
from tests.inbox.intake.test_email_channel import seen_uids
from tests.inbox.outbox.test_endpoint_faults import MisbehavingEndpoint
from tests.s3_server import S3Server

#: 2 tries, each at most 1 s to connect and 2 s to read, and the back-off between them.
WORST_POLL_SECONDS = 10


@pytest.fixture
def own_s3_server():
    """A server of this test's own, so that stopping it stops no other test's storage."""
    server = S3Server(free_port()).start()
    yield server
    server.stop()


def cases() -> int:
    return db.session.scalar(select(func.count()).select_from(Case))


def cursor_position() -> str:
    return db.session.scalars(select(SourceCursor)).one().position


def test_a_stopped_object_storage_leaves_the_mail_at_the_source_until_it_answers(
    app, account, mailbox, own_s3_server
):
    app.extensions[BLOBS_KEY] = s3.store(own_s3_server.url, own_s3_server.new_bucket())
    bucket = current_store().location.bucket
    append(mailbox, citizen_mail(sender="a@example.com"))
    append(mailbox, citizen_mail(sender="b@example.com"))
    own_s3_server.stop()

    started = time.monotonic()
    report = poll_account(account)

    assert time.monotonic() - started < WORST_POLL_SECONDS  # a dead storage hangs no poll
    assert (report.new, report.failed) == (0, 1)
    assert f"bucket '{bucket}' at {own_s3_server.url}" in report.errors[0]
    assert "EndpointConnectionError" in report.errors[0]
    assert cases() == 0 and seen_uids(mailbox) == []
    assert cursor_position() == "0"  # not moved on
    own_s3_server.start()  # the storage is back (moto's comes back empty: the bucket again)
    current_store()._connected().create_bucket(Bucket=bucket)

    report = poll_account(account)

    assert (report.new, report.failed) == (2, 0)
    assert seen_uids(mailbox) == [1, 2] and cases() == 2
    assert cursor_position() == "2"
    for case in db.session.scalars(select(Case)):
        assert b"Kari" in current_store().get(case.messages[0].raw_sha256)


def test_an_object_storage_answering_503_leaves_the_mail_until_it_works(
    app, account, mailbox, s3_server
):
    endpoint = MisbehavingEndpoint("http_503")
    try:
        app.extensions[BLOBS_KEY] = s3.store(f"http://127.0.0.1:{endpoint.port}", "svarfrist")
        append(mailbox, citizen_mail())

        report = poll_account(account)

        assert (report.new, report.failed) == (0, 1)
        assert "bucket 'svarfrist'" in report.errors[0] and "503" in report.errors[0]
        assert cases() == 0 and seen_uids(mailbox) == [] and cursor_position() == "0"
    finally:
        endpoint.close()
    app.extensions[BLOBS_KEY] = s3.store(s3_server.url, s3_server.new_bucket())

    report = poll_account(account)

    assert (report.new, report.failed, seen_uids(mailbox), cases()) == (1, 0, [1], 1)
