"""Logs carry ids and what went wrong in one line, never personal data: no bound
parameters of a failed statement, no multi-line tracebacks."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from inbox.extensions import db
from inbox.intake import receiving
from tests.inbox.intake_helpers import email

SECRET = "Kari Nordmann, 010190 12345"


def test_a_failed_statement_does_not_carry_its_parameters(app):
    with pytest.raises(SQLAlchemyError) as failed:
        db.session.execute(text("SELECT :secret FROM no_such_table"), {"secret": SECRET})
    db.session.rollback()

    assert SECRET not in str(failed.value)


def test_a_message_that_breaks_intake_is_logged_in_one_line_with_ids(app, monkeypatch, caplog):
    def broken(inbound):
        raise ValueError(f"the database refused a value\n[parameters: ({SECRET!r},)]")

    monkeypatch.setattr(receiving, "receive", broken)
    with caplog.at_level(logging.INFO), pytest.raises(ValueError):
        receiving.receive_or_flag(email())

    [record] = [r for r in caplog.records if r.getMessage().startswith("intake_failed")]
    assert record.exc_info is None
    assert record.getMessage() == (
        "intake_failed channel=email account=postmottak "
        "error=ValueError: the database refused a value"
    )
