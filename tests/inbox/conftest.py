"""Fixtures for the inbox tests."""

from __future__ import annotations

import pytest

from inbox.extensions import db
from inbox.models import Department
from tests.inbox.email_servers import PASSWORD_ENV, email_account, use_accounts


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
