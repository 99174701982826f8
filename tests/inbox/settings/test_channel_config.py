"""The ``[[channels.email]]`` and ``[acknowledgements]`` configuration: shape, defaults, errors."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from inbox.settings.config import load_settings
from tests.rules.test_config import problems_of, write

MICROSOFT_365 = """
[acknowledgements]
per_sender_hours = 12
quiet_period_hours = 0

[[channels.email]]
name = "postmottak"
address = "Postmottak@alver.kommune.no"
aliases = ["post@alver.kommune.no"]
auth = "xoauth2"
token_command = "/usr/local/bin/m365-token postmottak"
imap_host = "outlook.office365.com"
folder = "Innboks"
after_import = "move:Importert i Svarfrist"
since = 2026-11-01
smtp_host = "smtp.office365.com"

[[channels.email]]
name = "byggesak"
address = "byggesak@alver.kommune.no"
password_env = "SVARFRIST_BYGGESAK_PASSWORD"
imap_host = "imap.alver.kommune.no"
imap_tls = "starttls"
smtp_host = "smtp.alver.kommune.no"
smtp_tls = "ssl"
smtp_auth = "none"
"""


def test_the_documented_accounts_are_read_with_their_defaults(tmp_path):
    settings = load_settings(write(tmp_path, MICROSOFT_365))
    office, local = settings.email_accounts
    assert office.address == "postmottak@alver.kommune.no"
    assert office.imap.server.port == 993 and office.imap.server.tls == "ssl"
    assert office.imap.login.method == "xoauth2"
    assert office.imap.login.username == "Postmottak@alver.kommune.no"
    assert office.imap.move_to == "Importert i Svarfrist"
    assert office.imap.since == date(2026, 11, 1)
    assert office.imap.folder == "Innboks" and office.imap.batch_size == 100
    assert (office.smtp.port, office.smtp.tls, office.smtp.login.method) == (
        587,
        "starttls",
        "xoauth2",
    )
    assert local.imap.server.port == 143 and local.imap.after_import == "seen"
    assert local.imap.login.password_env == "SVARFRIST_BYGGESAK_PASSWORD"
    assert (local.smtp.port, local.smtp.login) == (465, None)
    assert settings.own_addresses == {
        "postmottak@alver.kommune.no",
        "post@alver.kommune.no",
        "byggesak@alver.kommune.no",
    }
    assert settings.acknowledgement_limits.per_sender == timedelta(hours=12)
    assert settings.acknowledgement_limits.quiet_period == timedelta(0)
    assert (office.name, local.name) == ("postmottak", "byggesak")


def test_without_accounts_there_is_nothing_to_poll_and_the_limits_are_a_day(tmp_path):
    settings = load_settings(write(tmp_path, "[municipality]\nname = 'Alver kommune'\n"))
    assert settings.email_accounts == ()
    assert settings.acknowledgement_limits.per_sender == timedelta(hours=24)


def test_every_problem_names_the_account_and_the_key(tmp_path):
    lines = problems_of(
        tmp_path,
        """
[[channels.email]]
name = "postmottak"
address = "not-an-address"
password = "hunter2"
imap_host = "imap.example.no"
imap_port = 99999
imap_tls = "tls"
after_import = "delete"
since = "last tuesday"
smtp_host = "smtp.example.no"
password_env = "hunter2 with spaces"

[[channels.email]]
name = "postmottak"
auth = "xoauth2"

[channels.fax]
""",
    )
    text = "\n".join(lines)
    first = "channels.email[0] (postmottak)"
    for expected in (
        f"{first}.password: unknown key",
        f"{first}.address: expected an e-mail address, got 'not-an-address'",
        f"{first}.imap_port: expected a port number (1-65535), got 99999",
        f"{first}.imap_tls: expected one of ssl, starttls, none, got 'tls'",
        f'{first}.after_import: expected "seen" or "move:<folder>"',
        f"{first}.since: expected a date (YYYY-MM-DD), got 'last tuesday'",
        f"{first}.password_env: expected the NAME of an environment variable",
        "channels.email[1] (postmottak).address: is required",
        "channels.email[1] (postmottak).smtp_host: is required",
        'channels.email[1] (postmottak).token_command: is required with auth = "xoauth2"',
        "channels.fax: unknown channel; expected one of email, sms",
    ):
        assert expected in text, f"missing {expected!r} in:\n{text}"
    assert "hunter2" not in text  # a secret in the wrong place is not echoed back


def test_a_negative_limit_is_refused(tmp_path):
    lines = problems_of(tmp_path, "[acknowledgements]\nper_sender_hours = -1\n")
    assert any("acknowledgements.per_sender_hours: expected at least 0" in line for line in lines)


OWN_TEXT = """
[acknowledgements]
email_nn = \"\"\"Takk for e-posten til {municipality}. Saka har nummer {reference}.
Du får svar innan {due_date}. Hastar det, ring 56 37 50 00.\"\"\"
"""


def test_a_municipality_writes_its_own_acknowledgement(tmp_path):
    texts = load_settings(write(tmp_path, OWN_TEXT)).acknowledgement_texts
    assert set(texts) == {"nn"} and "{due_date}" in texts["nn"]


def test_an_acknowledgement_text_with_an_unknown_placeholder_is_refused(tmp_path):
    lines = problems_of(tmp_path, '[acknowledgements]\nemail_nb = "Svar innen {frist}."\n')
    (line,) = [line for line in lines if "email_nb" in line]
    assert "acknowledgements.email_nb: cannot be filled in: uses {frist}, which is not" in line
    assert "{municipality}, {reference}, {due}, {due_date}" in line


def test_the_own_text_is_sent_with_the_date_filled_in(app, tmp_path):
    from dataclasses import replace

    from inbox.clock import frozen_at
    from inbox.extensions import db
    from inbox.intake.receiving import receive
    from inbox.models import Department, OutboxMessage
    from tests.inbox.intake_helpers import OSLO, email

    own = load_settings(write(tmp_path, OWN_TEXT)).acknowledgement_texts
    app.extensions["svarfrist"] = replace(app.extensions["svarfrist"], acknowledgement_texts=own)
    db.session.add(Department(slug="service", name="Service", is_frontline=True))
    with frozen_at(datetime(2026, 11, 20, 10, 5, tzinfo=OSLO)):  # taken in before it is due
        case = receive(email())  # Friday 20 November 2026, 10:00
    row = db.session.query(OutboxMessage).one()
    assert row.payload["text"] == (
        f"Takk for e-posten til Alver kommune. Saka har nummer {case.reference}.\n"
        "Du får svar innan fredag 27. november 2026. Hastar det, ring 56 37 50 00."
    )


def test_the_own_text_is_not_used_for_a_promise_already_past(app, tmp_path):
    from dataclasses import replace

    from inbox.clock import frozen_at
    from inbox.extensions import db
    from inbox.intake.receiving import receive
    from inbox.models import Department, OutboxMessage
    from tests.inbox.intake_helpers import OSLO, email

    own = load_settings(write(tmp_path, OWN_TEXT)).acknowledgement_texts
    app.extensions["svarfrist"] = replace(app.extensions["svarfrist"], acknowledgement_texts=own)
    db.session.add(Department(slug="service", name="Service", is_frontline=True))
    with frozen_at(datetime(2026, 11, 30, 9, 0, tzinfo=OSLO)):  # Monday, after the due Friday
        receive(email())
    text = db.session.query(OutboxMessage).one().payload["text"]
    assert "27. november" not in text
    assert "så snart vi kan, seinast tysdag 1. desember 2026 kl. 15:00" in text


def test_escalation_for_every_department_and_one_of_its_own(tmp_path):
    settings = load_settings(
        write(
            tmp_path,
            """
[escalation]
warn_hours_before = 3
next_level = ["seksjonsleiar@alver.kommune.no"]

[escalation.byggesak]
next_level_after_days = 5
next_level = ["seksjonsleiar@alver.kommune.no", "kommunedirektor@alver.kommune.no"]
""",
        )
    )
    general, byggesak = settings.escalation_rule("skule"), settings.escalation_rule("byggesak")
    assert (general.warn_hours_before, general.next_level_after_days) == (3, 2)
    assert (byggesak.warn_hours_before, byggesak.next_level_after_days) == (3, 5)
    assert len(byggesak.next_level) == 2


def test_a_wrong_escalation_value_is_named(tmp_path):
    lines = problems_of(tmp_path, '[escalation.byggesak]\nnext_level = ["not an address"]\n')
    assert any("escalation.byggesak.next_level: expected e-mail addresses" in x for x in lines)


SMS_NUMBER = """
[[channels.sms]]
name = "sms"
account_sid = "AC00000000000000000000000000000000"
auth_token_env = "SVARFRIST_TWILIO_TOKEN"
public_url = "https://svarfrist.example.se"
from_number = "070-123 45 67"
"""


def test_the_sms_number_is_read_as_one_of_the_calendars_country(tmp_path):
    settings = load_settings(write(tmp_path, '[calendar]\ncountry = "SE"\n' + SMS_NUMBER))
    assert settings.sms_accounts[0].from_number == "+46701234567"


def test_the_same_sms_number_is_no_norwegian_one(tmp_path):
    lines = problems_of(tmp_path, SMS_NUMBER)
    assert any(
        "channels.sms[0] (sms).from_number: expected a phone number such as +4755000000, "
        "got '070-123 45 67'" in line
        for line in lines
    ), lines


def test_smtp_connections_default_to_three_and_are_bounded(tmp_path):
    settings = load_settings(write(tmp_path, MICROSOFT_365))
    assert [account.smtp.connections for account in settings.email_accounts] == [3, 3]
    one = MICROSOFT_365.replace('smtp_auth = "none"', 'smtp_auth = "none"\nsmtp_connections = 1')
    assert load_settings(write(tmp_path, one)).email_accounts[1].smtp.connections == 1
    too_many = one.replace("smtp_connections = 1", "smtp_connections = 11")
    lines = problems_of(tmp_path, too_many)
    assert any(
        "channels.email[1] (byggesak).smtp_connections: expected 1 to 10, got 11" in line
        for line in lines
    ), lines
