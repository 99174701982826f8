"""Raw messages and attachments, stored once under their SHA-256.

One small interface (:class:`BlobStore`: ``put``, ``get``, ``exists``, ``delete``) with two
backends: a local directory (:class:`LocalBlobStore`, the default) and S3-compatible object
storage (:class:`S3BlobStore`), which lets several web and worker machines share the files.
Either way a stored blob is complete or absent, never half-written. The app factory makes
the configured store once; :func:`current_store` is the one callers use.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from flask import current_app

from rules.config import ConfigError

log = logging.getLogger(__name__)
EXTENSION_KEY = "svarfrist.blobs"
HEX_DIGITS = frozenset("0123456789abcdef")
#: Files a local store writes and fsyncs at the same time.
FSYNCS_TOGETHER = 16


class BlobError(Exception):
    """The blob store could not do what was asked; the message says what and where."""


class BlobMissing(BlobError):
    """No blob is stored under this SHA-256 (removed by hand, or a wrong bucket or folder)."""


class BlobStoreUnavailable(BlobError):
    """The storage did not answer, refused, or failed; trying again later may work."""


class BlobStore(Protocol):
    """Content-addressed storage of bytes."""

    def put(self, content: bytes) -> str:
        """Store ``content`` (once) and return its SHA-256; complete or absent."""
        ...

    def put_many(self, contents: Sequence[bytes]) -> list[str]:
        """:meth:`put` for each (a batch's raw messages and attachments), in order."""
        ...

    def get(self, sha256: str) -> bytes:
        """The content stored under ``sha256``; :class:`BlobMissing` when there is none."""
        ...

    def exists(self, sha256: str) -> bool: ...

    def delete(self, sha256: str) -> None:
        """Remove the blob; removing one that is not there does nothing."""
        ...


def current_store() -> BlobStore:
    """The application's blob store (made by ``create_app`` from ``[storage]``)."""
    return current_app.extensions[EXTENSION_KEY]


def checked(sha256: str) -> str:
    if len(sha256) != 64 or not HEX_DIGITS.issuperset(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return sha256


def fanned_out(sha256: str) -> str:
    """``ab/cd/abcd...``: two folder levels, so no folder holds millions of entries."""
    return f"{sha256[:2]}/{sha256[2:4]}/{checked(sha256)}"


class LocalBlobStore:
    """Files under ``root`` (``ab/cd/abcd...``), written to a temporary file, fsynced and
    renamed into place."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __repr__(self) -> str:
        return f"LocalBlobStore({str(self.root)!r})"

    def path(self, sha256: str) -> Path:
        return self.root / fanned_out(sha256)

    def put(self, content: bytes) -> str:
        return self.put_many([content])[0]

    def put_many(self, contents: Sequence[bytes]) -> list[str]:
        """The files are fsynced side by side: the disk takes the waits together, so a batch
        of files costs about one fsync's wait instead of one each (100 files: 0.07 s, not
        0.6 s, on the 2-core build machine)."""
        hashes = [hashlib.sha256(content).hexdigest() for content in contents]
        missing: dict[Path, bytes] = {}
        for sha256, content in zip(hashes, contents, strict=True):
            target = self.path(sha256)
            if not target.exists():
                missing.setdefault(target, content)
        if len(missing) == 1:
            self._write(*missing.popitem())
        elif missing:
            with ThreadPoolExecutor(max_workers=min(FSYNCS_TOGETHER, len(missing))) as pool:
                list(pool.map(self._write, missing, missing.values()))
        return hashes

    @staticmethod
    def _write(target: Path, content: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, sha256: str) -> bytes:
        path = self.path(sha256)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise BlobMissing(f"no file {path} ([storage] data_dir)") from None

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def delete(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)


@dataclass(frozen=True)
class S3Location:
    """Where the objects are and how to reach them; secrets are read only by ``credentials``."""

    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str = "us-east-1"
    #: ``https://host/bucket/key`` (MinIO, Ceph) instead of ``https://bucket.host/key``.
    path_style: bool = False
    connect_timeout_seconds: float = 5
    read_timeout_seconds: float = 20
    #: Tries per request, the first included: a dead server costs at most this many timeouts.
    max_attempts: int = 3


#: The access key id and secret access key, read when the first request is made.
Credentials = Callable[[], tuple[str, str]]


class S3BlobStore:
    """Objects ``{prefix}ab/cd/abcd...`` in a bucket of any S3-compatible storage.

    An object appears whole or not at all (S3's PUT is atomic), and the server checks the
    upload against its ``Content-MD5``. Every failure to reach or use the storage is a
    :class:`BlobStoreUnavailable` naming the endpoint and bucket, never the credentials.
    """

    def __init__(self, location: S3Location, credentials: Credentials) -> None:
        self.location = location
        self._credentials = credentials
        self._client = None

    def __repr__(self) -> str:
        return f"S3BlobStore({self._where()})"

    def key(self, sha256: str) -> str:
        return self.location.prefix + fanned_out(sha256)

    def put(self, content: bytes) -> str:
        sha256 = hashlib.sha256(content).hexdigest()
        if self.exists(sha256):
            return sha256
        md5 = base64.b64encode(hashlib.md5(content, usedforsecurity=False).digest()).decode()
        self._call(
            "put_object",
            sha256,
            Key=self.key(sha256),
            Body=content,
            ContentMD5=md5,
            ContentType="application/octet-stream",
        )
        return sha256

    def put_many(self, contents: Sequence[bytes]) -> list[str]:
        return [self.put(content) for content in contents]

    def get(self, sha256: str) -> bytes:
        answer = self._call("get_object", sha256, Key=self.key(sha256))
        if answer is None:
            raise BlobMissing(f"no object {self.key(sha256)!r} in {self._where()}")
        try:
            return answer["Body"].read()
        except Exception as error:  # the connection broke while the body was read
            raise self._unavailable("get_object", error) from None

    def exists(self, sha256: str) -> bool:
        return self._call("head_object", sha256, Key=self.key(sha256)) is not None

    def delete(self, sha256: str) -> None:
        self._call("delete_object", sha256, Key=self.key(sha256))

    def _call(self, operation: str, sha256: str, **arguments):
        """One request; ``None`` when the object is not there (404)."""
        from botocore.exceptions import BotoCoreError, ClientError

        checked(sha256)
        try:
            return getattr(self._connected(), operation)(Bucket=self.location.bucket, **arguments)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status == 404 and code in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise self._unavailable(operation, error) from None
        except BotoCoreError as error:
            raise self._unavailable(operation, error) from None

    def _connected(self):
        if self._client is None:
            import boto3
            from botocore.config import Config

            try:
                access_key_id, secret_access_key = self._credentials()
            except ConfigError as error:
                raise BlobError(str(error)) from None
            location = self.location
            self._client = boto3.session.Session().client(
                "s3",
                endpoint_url=location.endpoint_url,
                region_name=location.region,
                aws_access_key_id=access_key_id,
                aws_secret_access_key=secret_access_key,
                config=Config(
                    connect_timeout=location.connect_timeout_seconds,
                    read_timeout=location.read_timeout_seconds,
                    retries={"max_attempts": location.max_attempts, "mode": "standard"},
                    s3={"addressing_style": "path" if location.path_style else "virtual"},
                    # Newer botocore adds CRC checksums many S3-compatible servers refuse;
                    # Content-MD5, which they all check, guards the upload instead.
                    request_checksum_calculation="when_required",
                    response_checksum_validation="when_required",
                ),
            )
        return self._client

    def _where(self) -> str:
        endpoint = self.location.endpoint_url or "AWS S3"
        return f"bucket {self.location.bucket!r} at {endpoint} ([storage.s3])"

    def _unavailable(self, operation: str, error: Exception) -> BlobStoreUnavailable:
        # botocore's texts name the operation, the endpoint and S3's error code; never a key.
        detail = str(error).splitlines()[0] if str(error) else ""
        log.warning(
            "blob_store_unavailable operation=%s bucket=%s error=%s",
            operation,
            self.location.bucket,
            type(error).__name__,
        )
        return BlobStoreUnavailable(
            f"{self._where()}: {operation} failed ({type(error).__name__}: {detail})"
        )
