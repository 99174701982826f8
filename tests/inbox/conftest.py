"""Fixtures for the inbox tests."""

from __future__ import annotations

import pytest

from inbox.blobs import EXTENSION_KEY as BLOBS_KEY
from inbox.blobs import S3BlobStore
from inbox.extensions import db
from inbox.models import Department
from tests import s3_server as s3
from tests.conftest import free_port
from tests.inbox.email_servers import PASSWORD_ENV, email_account, use_accounts
from tests.s3_server import S3Server


@pytest.fixture
def account(app, dovecot, mailbox, smtp_server, monkeypatch):
    """The app configured with one mailbox on Dovecot and SMTP on aiosmtpd."""
    monkeypatch.setenv(PASSWORD_ENV, dovecot.password)
    configured = email_account(dovecot, smtp_server.port)
    use_accounts(app, configured)
    db.session.add(
        Department(slug="innbyggjarservice", name="Innbyggjarservice", is_frontline=True)
    )
    db.session.commit()
    return configured


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server on a free loopback port, for the whole session."""
    server = S3Server(free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def s3_store(s3_server):
    """An S3 blob store on a bucket of its own."""
    return s3_store_on(s3_server)


def s3_store_on(server: S3Server, **changes) -> S3BlobStore:
    return s3.store(server.url, server.new_bucket(), **changes)


@pytest.fixture
def app_on_s3(app, s3_server):
    """The app with its blobs in a bucket of its own on moto's S3 server."""
    app.extensions[BLOBS_KEY] = s3_store_on(s3_server)
    return app
