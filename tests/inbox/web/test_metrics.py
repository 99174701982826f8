"""GET /metrics: who may read it, and what it says (parsed with prometheus-client's own
parser); both databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from channels.email import EmailAccount, SmtpAccount
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import AccountActivity
from inbox.outbox.dispatch import enqueue
from inbox.reports.account_states import Outcome, record
from inbox.settings.config import MetricsAccess
from tests.factories import make_department
from tests.inbox.intake_helpers import email, sms

TOKEN_ENV = "SVARFRIST_TEST_METRICS_TOKEN"
TOKEN = "scrape-me-4e1b9c"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def configure(app, **access) -> None:
    mailbox = EmailAccount(
        "postmottak",
        "postmottak@alver.kommune.no",
        SmtpAccount("postmottak", "smtp.example", 587, "starttls", "postmottak@alver.kommune.no"),
    )
    app.extensions["svarfrist"] = replace(
        app.extensions["svarfrist"], metrics=MetricsAccess(**access), email_accounts=(mailbox,)
    )


def scrape(client, token=TOKEN):
    with frozen_at(NOW):
        return client.get("/metrics", headers={"Authorization": f"Bearer {token}"})


def samples(response) -> dict[tuple[str, tuple], float]:
    found = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            found[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
    return found


def test_without_a_token_or_loopback_setting_metrics_does_not_exist(app, client):
    configure(app)
    assert client.get("/metrics").status_code == 404


def test_a_missing_or_wrong_token_is_refused_and_the_right_one_answers(app, client, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    configure(app, token_env=TOKEN_ENV)

    missing = client.get("/metrics")
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in missing.get_data(as_text=True)
    wrong = scrape(client, token="scrape-me-4e1b9d")
    assert wrong.status_code == 403 and "svarfrist_" not in wrong.get_data(as_text=True)

    right = scrape(client)
    assert right.status_code == 200
    assert right.content_type == "text/plain; version=0.0.4; charset=utf-8"
    assert ("svarfrist_messages_received_total", ()) not in samples(right)


def test_a_token_variable_that_is_not_set_is_named_in_the_answer(app, client, monkeypatch):
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    configure(app, token_env=TOKEN_ENV)
    response = scrape(client)
    assert response.status_code == 503
    assert TOKEN_ENV in response.get_data(as_text=True)


def test_loopback_only_answers_the_machine_itself(app, client):
    configure(app, loopback_only=True)
    outside = client.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert outside.status_code == 403 and "loopback_only" in outside.get_data(as_text=True)
    for address in ("127.0.0.1", "::1"):
        inside = client.get("/metrics", environ_base={"REMOTE_ADDR": address})
        assert inside.status_code == 200


def test_the_figures_come_from_the_database(app, client, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    configure(app, token_env=TOKEN_ENV)
    make_department("innbyggjarservice", is_frontline=True)
    with frozen_at(NOW - timedelta(days=10)):  # their promises have passed by NOW
        receive(email(received_at=NOW - timedelta(days=10)))
        receive(email(sender="ola@example.no", received_at=NOW - timedelta(days=10)))
        receive(sms(received_at=NOW - timedelta(days=10)))
    with frozen_at(NOW - timedelta(minutes=15)):
        enqueue(purpose="reply", channel="email", recipient="a@example.no", payload={})
    poll = Outcome()
    poll.success(NOW - timedelta(minutes=20))
    poll.failure("LOGIN failed", NOW - timedelta(minutes=5))
    with frozen_at(NOW):
        record("email", "postmottak", AccountActivity.POLL, poll)
    db.session.commit()

    found = samples(scrape(client))

    received = "svarfrist_messages_received_total"
    assert found[received, (("account", "postmottak"), ("channel", "email"))] == 2
    assert found[received, (("account", "+4755000000"), ("channel", "sms"))] == 1
    poll_labels = (("account", "postmottak"), ("activity", "poll"), ("kind", "email"))
    assert found["svarfrist_account_attempts_total", poll_labels] == 2
    assert found["svarfrist_account_failures_total", poll_labels] == 1
    assert found["svarfrist_account_consecutive_failures", poll_labels] == 1
    last_success = found["svarfrist_account_last_success_timestamp_seconds", poll_labels]
    assert last_success == (NOW - timedelta(minutes=20)).timestamp()
    outbox = (("account", "postmottak"), ("channel", "email"))
    # Two acknowledgements (e-mail) and the reply queued without an account, which goes out
    # through the first mailbox.
    assert found["svarfrist_outbox_waiting", outbox] == 3
    assert found["svarfrist_outbox_oldest_waiting_seconds", outbox] == 10 * 24 * 3600
    assert found["svarfrist_cases_overdue", (("channel", "email"),)] == 2
    assert found["svarfrist_cases_overdue", (("channel", "sms"),)] == 1


def test_request_latency_is_counted_per_endpoint_not_per_path(app, client, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    configure(app, token_env=TOKEN_ENV)
    before = samples(scrape(client))
    client.get("/login")
    client.get("/login?next=/cases/2026-000001")
    client.get("/cases/2026-000123")  # redirected to log in: the endpoint, not the reference

    found = samples(scrape(client))

    def count(endpoint: str, figures) -> float:
        return figures.get(
            ("svarfrist_request_duration_seconds_count", (("endpoint", endpoint),)), 0
        )

    assert count("auth.login", found) - count("auth.login", before) == 2
    assert count("case.show", found) - count("case.show", before) == 1
    assert not any("2026-000123" in str(labels) for _name, labels in found)


@pytest.mark.parametrize("value", ["not a name!", 42])
def test_a_token_written_into_the_file_is_refused_without_echoing_it(tmp_path, value):
    from inbox.settings.config import load_settings
    from rules.config import ConfigError

    path = tmp_path / "svarfrist.toml"
    written = f'"{value}"' if isinstance(value, str) else value
    path.write_text(f"[metrics]\ntoken_env = {written}\nloopback = true\n")
    with pytest.raises(ConfigError) as error:
        load_settings(path)
    text = str(error.value)
    assert "metrics.token_env" in text and "NAME of an environment variable" in text
    assert str(value) not in text.replace("metrics.token_env", "")
    assert "metrics.loopback: unknown key; expected one of token_env, loopback_only" in text
