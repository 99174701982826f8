"""A private PostgreSQL cluster on a loopback port, which a test may stop and start.

The machine's own server is shared by every test worker; restarting it would
break them. This one lives in a temporary directory owned by the ``postgres``
user (the server refuses to run as root), from Debian's binaries.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
OWNER = "postgres"


def available() -> str | None:
    """Why a private cluster cannot run here, or ``None`` when it can."""
    if not BINARIES:
        return "no server binaries in /usr/lib/postgresql (apt-get install postgresql)"
    try:
        pwd.getpwnam(OWNER)
    except KeyError:
        return f"no {OWNER!r} user to run the server as (apt-get install postgresql makes it)"
    if os.geteuid() != 0:
        return "the tests must run as root to start a server as the postgres user"
    return None


@dataclass
class PrivatePostgres:
    port: int
    directory: Path = None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{OWNER}@127.0.0.1:{self.port}/postgres"

    def create(self) -> PrivatePostgres:
        self.directory = Path(tempfile.mkdtemp(prefix="svarfrist-postgres-"))
        owner = pwd.getpwnam(OWNER)
        os.chown(self.directory, owner.pw_uid, owner.pw_gid)
        self._as_owner("initdb", "-D", str(self.data), "-A", "trust", "-U", OWNER, "--no-sync")
        return self.start()

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def start(self) -> PrivatePostgres:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} -c fsync=off"
        self._as_owner("pg_ctl", "-D", str(self.data), "-o", options, "-w", "-l",
                       str(self.directory / "server.log"), "start")  # fmt: skip
        return self

    def stop(self) -> None:
        self._as_owner("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        subprocess.run(
            ["runuser", "-u", OWNER, "--", f"{BINARIES[-1]}/pg_ctl", "-D", str(self.data),
             "-m", "immediate", "stop"],
            capture_output=True,
        )  # fmt: skip
        shutil.rmtree(self.directory, ignore_errors=True)

    def _as_owner(self, program: str, *arguments: str) -> None:
        command = ["runuser", "-u", OWNER, "--", f"{BINARIES[-1]}/{program}", *arguments]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.directory)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
