"""The e-mail channel: accounts, reading (MIME), fetching (IMAP) and sending (SMTP)."""

from channels.email.accounts import (
    AUTH_METHODS,
    TLS_MODES,
    CredentialError,
    EmailAccount,
    ImapSettings,
    Login,
    Server,
    SmtpAccount,
)
from channels.email.mailbox import Fetched, Mailbox, MailboxError
from channels.email.reading import parse_email, raw_id
from channels.email.sending import SmtpSender, build_email, new_message_id

__all__ = [
    "AUTH_METHODS",
    "TLS_MODES",
    "CredentialError",
    "EmailAccount",
    "Fetched",
    "ImapSettings",
    "Login",
    "Mailbox",
    "MailboxError",
    "Server",
    "SmtpAccount",
    "SmtpSender",
    "build_email",
    "new_message_id",
    "parse_email",
    "raw_id",
]
