"""The ``[channels]`` section: the municipality's channel accounts.

``[[channels.email]]`` (mailboxes), ``[[channels.sms]]`` (Twilio numbers) and
``[[channels.meta]]`` (a Facebook page, with its Instagram account).
Each problem names the entry by index and name, and the key
(``channels.email[0] (postmottak).imap_port``). Secrets are never in the
file: ``password_env`` and ``auth_token_env`` name the environment variables
that hold them; XOAUTH2 accounts name a ``token_command`` that prints a fresh
access token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from channels.email import (
    AUTH_METHODS,
    TLS_MODES,
    EmailAccount,
    ImapSettings,
    Login,
    Server,
    SmtpAccount,
)
from channels.meta.account import MetaAccount
from channels.phone import e164
from channels.sms import TwilioAccount
from inbox.settings.tables import array_of_tables
from rules.config import Problem

CHANNEL_KINDS = ("email", "sms", "meta")
EMAIL_KEYS = {
    "name": str,
    "address": str,
    "aliases": list,
    "username": str,
    "auth": str,
    "password_env": str,
    "token_command": str,
    "imap_host": str,
    "imap_port": int,
    "imap_tls": str,
    "folder": str,
    "after_import": str,
    "batch_size": int,
    "since": date,
    "poll_interval_seconds": int,
    "smtp_host": str,
    "smtp_port": int,
    "smtp_tls": str,
    "smtp_auth": str,
    "smtp_username": str,
    "smtp_password_env": str,
    "smtp_connections": int,
}
SMS_KEYS = {
    "name": str,
    "account_sid": str,
    "auth_token_env": str,
    "public_url": str,
    "from_number": str,
    "messaging_service_sid": str,
    "api_base_url": str,
    "poll_interval_seconds": int,
}
META_KEYS = {
    "name": str,
    "page_id": str,
    "page_token_env": str,
    "app_secret_env": str,
    "verify_token_env": str,
    "instagram_account_id": str,
    "graph_base_url": str,
    "api_version": str,
    "human_agent_tag": bool,
    "poll_interval_seconds": int,
}
#: Connections to a mail server the outbox sends through side by side: Exchange Online
#: allows three concurrent ones per mailbox, and most servers at least that.
SMTP_CONNECTIONS = 3
MAX_SMTP_CONNECTIONS = 10
DEFAULT_PORTS = {
    "imap": {"ssl": 993, "starttls": 143, "none": 143},
    "smtp": {"ssl": 465, "starttls": 587, "none": 25},
}
ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TYPE_NAMES = {
    str: "a string",
    int: "a whole number",
    list: "an array",
    date: "a date",
    bool: "true or false",
}


@dataclass(frozen=True)
class ChannelAccounts:
    email: tuple[EmailAccount, ...] = ()
    sms: tuple[TwilioAccount, ...] = ()
    meta: tuple[MetaAccount, ...] = ()


def parse_channels(value: Any, country: str | None, problems: list[Problem]) -> ChannelAccounts:
    """The accounts; SMS numbers written without a country code are ``country``'s (``None``:
    the calendar's country is itself wrong, so only numbers with a country code are read)."""
    if not isinstance(value, dict):
        problems.append(Problem("channels", f"expected a table, got {value!r}"))
        return ChannelAccounts()
    for kind in value:
        if kind not in CHANNEL_KINDS:
            expected = ", ".join(CHANNEL_KINDS)
            problems.append(
                Problem(f"channels.{kind}", f"unknown channel; expected one of {expected}")
            )
    return ChannelAccounts(
        email=_accounts(value, "email", EMAIL_KEYS, _email_account, problems),
        sms=_accounts(
            value,
            "sms",
            SMS_KEYS,
            lambda table, key, found: _sms_account(table, key, country, found),
            problems,
        ),
        meta=_accounts(value, "meta", META_KEYS, _meta_account, problems),
    )


def _accounts(value, kind: str, shape, build, problems: list[Problem]) -> tuple:
    accounts = []
    for key, entry in array_of_tables(value.get(kind, []), f"channels.{kind}", problems):
        if isinstance(entry.get("name"), str):
            key = f"{key} ({entry['name']})"
        found = len(problems)
        table = _typed(entry, shape, key, problems)
        account = build(table, key, problems)
        if len(problems) == found:
            accounts.append(account)
    names = [account.name for account in accounts]
    for name in {n for n in names if names.count(n) > 1}:
        problems.append(Problem(f"channels.{kind}", f"the account name {name!r} is used twice"))
    return tuple(accounts)


def _email_account(table: dict[str, Any], key: str, problems: list[Problem]) -> EmailAccount | None:
    found = len(problems)
    _check_required(table, key, problems)
    _check_values(table, key, problems)
    return _build(table) if len(problems) == found else None


def _sms_account(
    table: dict[str, Any], key: str, country: str | None, problems: list[Problem]
) -> TwilioAccount | None:
    found = len(problems)
    for name in ("name", "account_sid", "auth_token_env", "public_url"):
        if not str(table.get(name, "")).strip():
            problems.append(Problem(f"{key}.{name}", "is required"))
    if ("from_number" in table) == ("messaging_service_sid" in table):
        problems.append(
            Problem(f"{key}.from_number", "give either from_number or messaging_service_sid")
        )
    from_number = e164(table["from_number"], country) if "from_number" in table else None
    if "from_number" in table and from_number is None:
        problems.append(
            Problem(
                f"{key}.from_number",
                f"expected a phone number such as +4755000000, got {table['from_number']!r}",
            )
        )
    _check_urls(table, key, ("public_url", "api_base_url"), problems)
    _check_env_names(table, key, ("auth_token_env",), "token", problems)
    if len(problems) > found:
        return None
    extra = {
        k: table[k]
        for k in ("messaging_service_sid", "api_base_url", "poll_interval_seconds")
        if k in table
    }
    return TwilioAccount(
        table["name"],
        table["account_sid"],
        table["auth_token_env"],
        table["public_url"],
        from_number=from_number,
        **extra,
    )


def _meta_account(table: dict[str, Any], key: str, problems: list[Problem]) -> MetaAccount | None:
    found = len(problems)
    required = ("name", "page_id", "page_token_env", "app_secret_env", "verify_token_env")
    for name in required:
        if not str(table.get(name, "")).strip():
            problems.append(Problem(f"{key}.{name}", "is required"))
    secrets = ("page_token_env", "app_secret_env", "verify_token_env")
    _check_env_names(table, key, secrets, "secret", problems)
    _check_urls(table, key, ("graph_base_url",), problems)
    if len(problems) > found:
        return None
    return MetaAccount(**{name: table[name] for name in META_KEYS if name in table})


def _check_env_names(
    table: dict[str, Any], key: str, names: tuple[str, ...], what: str, problems: list[Problem]
) -> None:
    for name in names:
        if name in table and not ENV_NAME.match(table[name]):
            # Not echoed: it may well be the secret itself.
            problems.append(
                Problem(
                    f"{key}.{name}",
                    "expected the NAME of an environment variable (letters, digits, _), "
                    f"not the {what} itself",
                )
            )


def _check_urls(
    table: dict[str, Any], key: str, names: tuple[str, ...], problems: list[Problem]
) -> None:
    for name in names:
        if name in table and not table[name].startswith(("https://", "http://")):
            problems.append(
                Problem(f"{key}.{name}", f"expected an http(s):// URL, got {table[name]!r}")
            )


def _typed(
    entry: dict[str, Any], shape: dict[str, type], key: str, problems: list[Problem]
) -> dict[str, Any]:
    valid = {}
    for name, value in entry.items():
        expected = shape.get(name)
        if expected is None:
            known = ", ".join(shape)
            problems.append(Problem(f"{key}.{name}", f"unknown key; expected one of {known}"))
        elif expected is date and isinstance(value, str):
            try:
                valid[name] = date.fromisoformat(value)
            except ValueError:
                problems.append(
                    Problem(f"{key}.{name}", f"expected a date (YYYY-MM-DD), got {value!r}")
                )
        elif not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool):
            problems.append(
                Problem(f"{key}.{name}", f"expected {TYPE_NAMES[expected]}, got {value!r}")
            )
        else:
            valid[name] = value
    return valid


def _check_required(table: dict[str, Any], key: str, problems: list[Problem]) -> None:
    for name in ("name", "address", "smtp_host"):
        if not str(table.get(name, "")).strip():
            problems.append(Problem(f"{key}.{name}", "is required"))
    auth = table.get("auth", "password")
    # A send-only account with smtp_auth = "none" (a relay that trusts us) logs in nowhere.
    logs_in = "imap_host" in table or table.get("smtp_auth", auth) != "none"
    if logs_in and auth == "password" and "password_env" not in table:
        problems.append(
            Problem(
                f"{key}.password_env",
                'is required with auth = "password" '
                "(the name of the environment variable holding the password)",
            )
        )
    if logs_in and auth == "xoauth2" and "token_command" not in table:
        problems.append(
            Problem(
                f"{key}.token_command",
                'is required with auth = "xoauth2" (a command that prints an access token)',
            )
        )


def _check_values(table: dict[str, Any], key: str, problems: list[Problem]) -> None:
    def bad(name: str, message: str) -> None:
        problems.append(Problem(f"{key}.{name}", f"{message}, got {table[name]!r}"))

    if "address" in table and not ADDRESS.match(table["address"]):
        bad("address", "expected an e-mail address")
    for name in table.get("aliases", []):
        if not isinstance(name, str) or not ADDRESS.match(name):
            problems.append(Problem(f"{key}.aliases", f"expected e-mail addresses, got {name!r}"))
    if table.get("auth", "password") not in AUTH_METHODS:
        bad("auth", f"expected one of {', '.join(AUTH_METHODS)}")
    if table.get("smtp_auth", "password") not in (*AUTH_METHODS, "none"):
        bad("smtp_auth", f"expected one of {', '.join(AUTH_METHODS)}, none")
    for name in ("imap_tls", "smtp_tls"):
        if name in table and table[name] not in TLS_MODES:
            bad(name, f"expected one of {', '.join(TLS_MODES)}")
    for name in ("imap_port", "smtp_port"):
        if name in table and not 0 < table[name] < 65536:
            bad(name, "expected a port number (1-65535)")
    for name in ("batch_size", "poll_interval_seconds"):
        if name in table and table[name] < 1:
            bad(name, "expected at least 1")
    if not 1 <= table.get("smtp_connections", 1) <= MAX_SMTP_CONNECTIONS:
        bad("smtp_connections", f"expected 1 to {MAX_SMTP_CONNECTIONS}")
    _check_env_names(table, key, ("password_env", "smtp_password_env"), "password", problems)
    after = table.get("after_import", "seen")
    if after != "seen" and not (after.startswith("move:") and after[5:].strip()):
        bad("after_import", 'expected "seen" or "move:<folder>"')


def _build(table: dict[str, Any]) -> EmailAccount:
    name = table["name"]
    username = table.get("username", table["address"])
    login = Login(
        name,
        username,
        table.get("auth", "password"),
        table.get("password_env"),
        table.get("token_command"),
    )
    smtp_tls = table.get("smtp_tls", "starttls")
    smtp_auth = table.get("smtp_auth", login.method)
    smtp_login = None
    if smtp_auth != "none":
        smtp_login = Login(
            name,
            table.get("smtp_username", username),
            smtp_auth,
            table.get("smtp_password_env", login.password_env),
            login.token_command,
        )
    smtp = SmtpAccount(
        name,
        table["smtp_host"],
        table.get("smtp_port", DEFAULT_PORTS["smtp"][smtp_tls]),
        smtp_tls,
        table["address"],
        smtp_login,
        connections=table.get("smtp_connections", SMTP_CONNECTIONS),
    )
    imap = None
    if "imap_host" in table:
        imap_tls = table.get("imap_tls", "ssl")
        imap = ImapSettings(
            Server(
                table["imap_host"],
                table.get("imap_port", DEFAULT_PORTS["imap"][imap_tls]),
                imap_tls,
            ),
            login,
            folder=table.get("folder", "INBOX"),
            after_import=table.get("after_import", "seen"),
            batch_size=table.get("batch_size", 100),
            since=table.get("since"),
        )
    return EmailAccount(
        name,
        table["address"].lower(),
        smtp,
        imap,
        poll_interval_seconds=table.get("poll_interval_seconds", 60),
        aliases=tuple(a.lower() for a in table.get("aliases", [])),
    )
