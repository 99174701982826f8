"""Helpers for the e-mail channel tests: an account on Dovecot and aiosmtpd, citizens' mail."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from zoneinfo import ZoneInfo

from imapclient import IMAPClient

from channels.email import EmailAccount, ImapSettings, Login, Server, SmtpAccount

OSLO = ZoneInfo("Europe/Oslo")
PASSWORD_ENV = "SVARFRIST_TEST_IMAP_PASSWORD"
OUR_ADDRESS = "postmottak@alver.kommune.no"
MONDAY_MORNING = datetime(2026, 11, 23, 10, 0, tzinfo=OSLO)


def email_account(dovecot, smtp_port: int, **imap_changes) -> EmailAccount:
    login = Login("postmottak", dovecot.username, "password", PASSWORD_ENV)
    imap = ImapSettings(Server("127.0.0.1", dovecot.port, "none", timeout=10), login)
    return EmailAccount(
        "postmottak",
        OUR_ADDRESS,
        SmtpAccount("postmottak", "127.0.0.1", smtp_port, "none", OUR_ADDRESS, timeout=5),
        replace(imap, **imap_changes),
    )


def email_account_toml(dovecot, smtp_port: int, address: str = OUR_ADDRESS) -> str:
    """The ``[[channels.email]]`` table of one mailbox on Dovecot and SMTP on ``smtp_port``, as
    an administrator writes it (for a ``svarfrist`` run in a process of its own)."""
    return f"""[[channels.email]]
name = "postmottak"
address = "{address}"
username = "{dovecot.username}"
password_env = "{PASSWORD_ENV}"
imap_host = "127.0.0.1"
imap_port = {dovecot.port}
imap_tls = "none"
smtp_host = "127.0.0.1"
smtp_port = {smtp_port}
smtp_tls = "none"
smtp_auth = "none"
"""


def use_accounts(app, *accounts: EmailAccount) -> None:
    app.extensions["svarfrist"] = replace(app.extensions["svarfrist"], email_accounts=accounts)


def citizen_mail(
    sender: str = "kari.saele@example.com",
    subject: str = "Spørsmål om byggesøknad",
    text: str = "Hei! Når får eg svar på byggesøknaden?",
    **headers: str,
) -> bytes:
    message = EmailMessage()
    message["From"] = f"Kari Sæle <{sender}>"
    message["To"] = OUR_ADDRESS
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.com")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message.as_bytes()


def append(client: IMAPClient, raw: bytes, folder: str = "INBOX", at=MONDAY_MORNING) -> None:
    client.append(folder, raw, msg_time=at)
