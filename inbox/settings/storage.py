"""``[storage]``: where raw messages and attachments are kept.

``backend = "local"`` (the default) keeps them under ``data_dir``; ``backend = "s3"`` in the
bucket ``[storage.s3]`` names, on any S3-compatible storage. The S3 credentials are never in
this file: they come from environment variables (``access_key_id_env``,
``secret_access_key_env``; by default the usual ``AWS_ACCESS_KEY_ID`` and
``AWS_SECRET_ACCESS_KEY``) or from a file in the AWS credentials format that
``credentials_file`` names, read only when the storage is first used. A ``${NAME}`` in that
path is the environment variable's value, so ``${CREDENTIALS_DIRECTORY}/s3`` reads what
systemd's ``LoadCredential=s3:…`` gave the service.
"""

from __future__ import annotations

import configparser
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inbox.blobs import S3Location
from rules.config import ConfigError, Problem

BACKENDS = ("local", "s3")
S3_KEYS: dict[str, type] = {
    "bucket": str,
    "prefix": str,
    "endpoint_url": str,
    "region": str,
    "path_style": bool,
    "access_key_id_env": str,
    "secret_access_key_env": str,
    "credentials_file": str,
    "connect_timeout_seconds": int,
    "read_timeout_seconds": int,
    "max_attempts": int,
}
# Bounds of the whole numbers: a dead storage must not hold a poll for minutes.
S3_LIMITS = {"connect_timeout_seconds": 60, "read_timeout_seconds": 300, "max_attempts": 10}
TYPE_NAMES = {str: "a string", bool: "true or false", int: "a whole number"}
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# S3's rules for bucket names (3-63 lower-case letters, digits, dots and hyphens).
BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


@dataclass(frozen=True)
class S3Storage:
    """The bucket, and where its credentials are; ``label`` is the configuration file."""

    location: S3Location
    label: str
    access_key_id_env: str = "AWS_ACCESS_KEY_ID"
    secret_access_key_env: str = "AWS_SECRET_ACCESS_KEY"
    credentials_file: str | None = None
    #: The folder a relative ``credentials_file`` is read from (the configuration file's).
    base: Path | None = None

    def credentials(self) -> tuple[str, str]:
        """The access key id and secret; :class:`ConfigError` names the key and file when
        they cannot be read. The values themselves are never put into a message."""
        if self.credentials_file is not None:
            return self._from_file()
        found = (os.environ.get(self.access_key_id_env), os.environ.get(self.secret_access_key_env))
        missing = [
            f"{name} (storage.s3.{key})"
            for name, key, value in (
                (self.access_key_id_env, "access_key_id_env", found[0]),
                (self.secret_access_key_env, "secret_access_key_env", found[1]),
            )
            if not value
        ]
        if missing:
            raise self._error(
                "storage.s3", "the environment variable(s) " + ", ".join(missing) + " are not set"
            )
        return found  # type: ignore[return-value]

    def _from_file(self) -> tuple[str, str]:
        key = "storage.s3.credentials_file"
        unset = [n for n in PLACEHOLDER.findall(self.credentials_file or "") if n not in os.environ]
        if unset:
            raise self._error(key, f"the environment variable {unset[0]} is not set")
        path = Path(PLACEHOLDER.sub(lambda m: os.environ[m[1]], self.credentials_file or ""))
        if not path.is_absolute() and self.base is not None:
            path = self.base / path
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(path.read_text(encoding="utf-8"), source=str(path))
        except (OSError, UnicodeError, configparser.Error) as error:
            raise self._error(key, f"cannot read {path} ({type(error).__name__})") from None
        section = parser["default"] if parser.has_section("default") else {}
        values = tuple(
            section.get(name, "").strip() for name in ("aws_access_key_id", "aws_secret_access_key")
        )
        if not all(values):
            raise self._error(
                key,
                f"{path} needs aws_access_key_id and aws_secret_access_key under [default]",
            )
        return values  # type: ignore[return-value]

    def _error(self, key: str, message: str) -> ConfigError:
        return ConfigError(self.label, [Problem(key, message)])


def parse_storage(
    section: dict[str, Any], label: str, base: Path | None, problems: list[Problem]
) -> S3Storage | None:
    """The S3 storage ``[storage]`` configures, or ``None`` for the local directory."""
    backend = section.get("backend", "local")
    table = section.get("s3")
    if backend not in BACKENDS:
        expected = " or ".join(f'"{name}"' for name in BACKENDS)
        problems.append(Problem("storage.backend", f"expected {expected}, got {backend!r}"))
        return None
    if backend == "local":
        if table is not None:
            problems.append(
                Problem("storage.s3", 'given, but storage.backend is not "s3"; set it or remove')
            )
        return None
    if not isinstance(table, dict):
        problems.append(
            Problem("storage.s3", 'storage.backend = "s3" needs a [storage.s3] table with a bucket')
        )
        return None
    found = len(problems)
    for name, value in table.items():
        _check(name, value, problems)
    if "bucket" not in table:
        problems.append(Problem("storage.s3.bucket", "missing; the bucket's name is needed"))
    if len(problems) > found:
        return None
    prefix = table.get("prefix", "").strip("/")
    location = S3Location(
        bucket=table["bucket"],
        prefix=f"{prefix}/" if prefix else "",
        endpoint_url=table.get("endpoint_url"),
        region=table.get("region", "us-east-1"),
        path_style=table.get("path_style", False),
        connect_timeout_seconds=table.get("connect_timeout_seconds", 5),
        read_timeout_seconds=table.get("read_timeout_seconds", 20),
        max_attempts=table.get("max_attempts", 3),
    )
    return S3Storage(
        location,
        label,
        access_key_id_env=table.get("access_key_id_env", "AWS_ACCESS_KEY_ID"),
        secret_access_key_env=table.get("secret_access_key_env", "AWS_SECRET_ACCESS_KEY"),
        credentials_file=table.get("credentials_file"),
        base=base,
    )


def _check(name: str, value: Any, problems: list[Problem]) -> None:
    key = f"storage.s3.{name}"
    expected = S3_KEYS.get(name)
    if expected is None:
        problems.append(Problem(key, "unknown key; expected one of " + ", ".join(S3_KEYS)))
    elif not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        problems.append(Problem(key, f"expected {TYPE_NAMES[expected]}, got {value!r}"))
    elif expected is int and not 1 <= value <= S3_LIMITS[name]:
        problems.append(Problem(key, f"expected 1 to {S3_LIMITS[name]}, got {value!r}"))
    elif name == "bucket" and not BUCKET.match(value):
        problems.append(
            Problem(
                key, f"expected 3-63 lower-case letters, digits, dots or hyphens, got {value!r}"
            )
        )
    elif name == "endpoint_url" and not re.match(r"^https?://[^/\s]+", value):
        problems.append(Problem(key, f"expected an http:// or https:// address, got {value!r}"))
    elif name.endswith("_env") and not ENV_NAME.match(value):
        problems.append(
            Problem(key, "expected the name of an environment variable (never the secret itself)")
        )
    elif name == "credentials_file" and not value.strip():
        problems.append(Problem(key, "expected the path of a file"))
