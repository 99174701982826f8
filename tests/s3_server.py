"""A real S3-speaking server on a loopback port: moto's server mode, in its own process.

Started by the tests' fixtures and stopped after; its buckets live in that process's memory,
so a restarted server is an empty one. Any access key is accepted, but requests are signed
as against real S3.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass

from inbox.blobs import S3BlobStore, S3Location

ACCESS_KEY_ID = "svarfrist-test-key"
SECRET_ACCESS_KEY = "svarfrist-test-secret"  # moto accepts any; nothing real
STARTUP_SECONDS = 30


@dataclass
class S3Server:
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> S3Server:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto's S3 server exited with {self.process.returncode}")
            try:
                urllib.request.urlopen(self.url, timeout=1).close()
                return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"moto's S3 server did not answer on {self.url} in {STARTUP_SECONDS} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def new_bucket(self) -> str:
        name = f"svarfrist-{uuid.uuid4().hex[:12]}"
        store(self.url, name)._connected().create_bucket(Bucket=name)
        return name


def credentials() -> tuple[str, str]:
    return ACCESS_KEY_ID, SECRET_ACCESS_KEY


def store(endpoint_url: str, bucket: str, **changes) -> S3BlobStore:
    """A store on the server, with short timeouts so a dead endpoint fails fast."""
    options = {
        "endpoint_url": endpoint_url,
        "path_style": True,
        "connect_timeout_seconds": 1,
        "read_timeout_seconds": 2,
        "max_attempts": 2,
        **changes,
    }
    return S3BlobStore(S3Location(bucket, **options), credentials)
