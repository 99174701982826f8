"""`svarfrist serve` starts gunicorn and answers with production cookie flags."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_answers_the_login_page_with_secure_cookies(tmp_path):
    svarfrist = str(Path(sys.executable).with_name("svarfrist"))
    env = {
        **os.environ,
        "SVARFRIST_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "SVARFRIST_SECRET_KEY": "serve-test-key",
    }
    env.pop("SVARFRIST_PLAIN_HTTP", None)
    subprocess.run([svarfrist, "db", "upgrade"], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [svarfrist, "serve", "--port", str(port), "--workers", "1", "--proxies", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "svarfrist serve did not answer in 30 s"
                time.sleep(0.3)
        assert response.status == 200
        cookie = response.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    finally:
        server.terminate()
        server.wait(timeout=10)
