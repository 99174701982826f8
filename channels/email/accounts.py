"""An e-mail account: where its mail is read (IMAP), where replies go out (SMTP), as whom.

Secrets never sit in these values: a password is read from the environment
variable the configuration names, and an OAuth 2 access token (Microsoft 365
and Google have turned basic authentication off) comes from a command the
administrator configures, run each time a connection is made so the token is
always fresh.
"""

from __future__ import annotations

import shlex
import ssl
import subprocess
from dataclasses import dataclass, field
from datetime import date

from channels.base import secret_from_environment

TLS_MODES = ("ssl", "starttls", "none")
AUTH_METHODS = ("password", "xoauth2")
TOKEN_TIMEOUT_SECONDS = 30


class CredentialError(Exception):
    """A password or token could not be had; the message says which account and why."""


@dataclass(frozen=True)
class Login:
    """How an account authenticates: a password from the environment, or XOAUTH2."""

    account: str
    username: str
    method: str = "password"
    password_env: str | None = None
    token_command: str | None = None

    def password(self) -> str:
        return secret_from_environment(
            self.password_env, f"e-mail account {self.account!r}", "password_env", CredentialError
        )

    def token(self) -> str:
        """A fresh access token from ``token_command`` (its standard output)."""
        try:
            done = subprocess.run(
                shlex.split(self.token_command or ""),
                capture_output=True,
                text=True,
                timeout=TOKEN_TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, ValueError, subprocess.TimeoutExpired) as error:
            raise CredentialError(
                f"e-mail account {self.account!r}: token_command could not run: {error}"
            ) from None
        if done.returncode != 0 or not done.stdout.strip():
            reason = (done.stderr.strip().splitlines() or ["no token printed"])[-1]
            raise CredentialError(
                f"e-mail account {self.account!r}: token_command exited with "
                f"{done.returncode}: {reason}"
            )
        return done.stdout.strip()

    def xoauth2(self) -> str:
        """The SASL XOAUTH2 initial response (before base64)."""
        return f"user={self.username}\x01auth=Bearer {self.token()}\x01\x01"


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    tls: str = "ssl"
    timeout: float = 60.0

    def __post_init__(self) -> None:
        if self.tls not in TLS_MODES:
            raise ValueError(f"TLS mode must be one of {', '.join(TLS_MODES)}, not {self.tls!r}")

    @staticmethod
    def tls_context() -> ssl.SSLContext:
        """Certificates are always verified; a municipality's mail servers have real ones."""
        return ssl.create_default_context()


@dataclass(frozen=True)
class ImapSettings:
    server: Server
    login: Login
    folder: str = "INBOX"
    #: ``seen`` (flag \\Seen) or ``move:<folder>``; done only after the database commit.
    after_import: str = "seen"
    batch_size: int = 100
    #: Messages with an earlier INTERNALDATE are left alone (connecting an old mailbox).
    since: date | None = None

    @property
    def move_to(self) -> str | None:
        return self.after_import.removeprefix("move:") if self.is_move else None

    @property
    def is_move(self) -> bool:
        return self.after_import.startswith("move:")


@dataclass(frozen=True)
class SmtpAccount:
    """Where and as whom replies are sent, and the address citizens answer to."""

    name: str
    host: str
    port: int
    tls: str
    from_address: str
    login: Login | None = None
    timeout: float = 30.0
    #: Connections the outbox may send through side by side (``smtp_connections``).
    connections: int = 1

    def __post_init__(self) -> None:
        if self.tls not in TLS_MODES:
            raise ValueError(
                f"SMTP TLS mode must be one of {', '.join(TLS_MODES)}, not {self.tls!r}"
            )


@dataclass(frozen=True)
class EmailAccount:
    """One configured mailbox (``[[channels.email]]``)."""

    name: str
    address: str
    smtp: SmtpAccount
    imap: ImapSettings | None = None
    poll_interval_seconds: int = 60
    #: Other addresses that are ours (aliases), besides ``address``: never acknowledged.
    aliases: tuple[str, ...] = field(default_factory=tuple)

    @property
    def own_addresses(self) -> frozenset[str]:
        return frozenset(a.lower() for a in (self.address, *self.aliases))
