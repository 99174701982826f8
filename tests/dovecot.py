"""A private Dovecot IMAP server on a loopback port, for the tests and the benchmark.

Debian's ``dovecot-imapd`` runs from its own configuration in a temporary
directory, with one Maildir user; the package's system service is never
touched. ``make test`` installs the package when it is missing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"
NOBODY = 65534  # the mail user; imap-login refuses to run as root
CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {dir}/passwd
}}
mail_location = maildir:{dir}/mail/%u
# Without this, Dovecot itself slows down with thousands of messages in one folder.
maildir_very_dirty_syncs = yes
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
}}
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 1
"""


def available() -> bool:
    return os.path.exists(DOVECOT)


@dataclass
class Dovecot:
    port: int
    username: str = "postmottak"
    password: str = "imap-test-passord"
    # Dovecot's own users must reach its files, so not under pytest's private (0700) tmp dirs.
    directory: Path = None

    def start(self) -> Dovecot:
        self.directory = Path(tempfile.mkdtemp(prefix="svarfrist-dovecot-"))
        self.directory.chmod(0o755)
        (self.directory / "dovecot.conf").write_text(
            CONFIG.format(dir=self.directory, port=self.port)
        )
        home = self.directory / "mail" / self.username
        home.mkdir(parents=True, exist_ok=True)
        (self.directory / "passwd").write_text(
            f"{self.username}:{{PLAIN}}{self.password}:{NOBODY}:{NOBODY}::{home}\n"
        )
        for path in (self.directory / "mail", home):
            os.chown(path, NOBODY, NOBODY)
        subprocess.run([DOVECOT, "-c", str(self.directory / "dovecot.conf")], check=True)
        self._wait_until_listening()
        return self

    def stop(self) -> None:
        pid_file = self.directory / "run" / "master.pid"
        if not pid_file.exists():
            return
        pid = int(pid_file.read_text().strip())
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        shutil.rmtree(self.directory, ignore_errors=True)

    def reset_mail(self) -> None:
        """Empty the user's mailbox (every folder) between tests."""
        home = self.directory / "mail" / self.username
        for child in home.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()

    def log(self) -> str:
        path = self.directory / "dovecot.log"
        return path.read_text() if path.exists() else ""

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"dovecot did not listen on port {self.port}:\n{self.log()}")
