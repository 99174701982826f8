"""What the benchmarks share: a fresh PostgreSQL database and a configuration file for it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests
import sqlalchemy as sa

SERVER_ENV = "SVARFRIST_BENCH_POSTGRES_URL"
SVARFRIST = str(Path(sys.executable).with_name("svarfrist"))
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def database_url(name: str) -> str:
    """The URL of the database ``name`` on the benchmark server."""
    server = sa.make_url(os.environ.get(SERVER_ENV, DEFAULT_SERVER))
    return server.set(database=name).render_as_string(hide_password=False)


def fresh_database(name: str) -> str:
    """Drop and create ``name`` on the benchmark server; its URL."""
    server = sa.make_url(os.environ.get(SERVER_ENV, DEFAULT_SERVER))
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return database_url(name)


def write_config(directory: Path, url: str, channels: str = "") -> Path:
    """``svarfrist.toml`` for the database at ``url``, data under ``directory``, and
    the given ``[[channels.*]]`` tables."""
    path = directory / "svarfrist.toml"
    path.write_text(
        f'[database]\nurl = "{url}"\n\n[storage]\ndata_dir = "{directory / "data"}"\n\n' + channels,
        encoding="utf-8",
    )
    return path


def migrated(url: str, env: dict[str, str]) -> sa.Engine:
    """``svarfrist db upgrade`` on ``url`` (configured through ``env``), with the frontline
    department every intake needs; an engine on it."""
    subprocess.run([SVARFRIST, "db", "upgrade"], env=env, check=True, capture_output=True)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO departments (slug, name, is_frontline) "
                "VALUES ('innbyggjarservice', 'Innbyggjarservice', true)"
            )
        )
    return engine


def wait_until_up(base: str) -> None:
    """Until ``svarfrist serve`` at ``base`` answers (at most 30 s)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"{base}/login", timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit("svarfrist serve did not start")
