"""`svarfrist serve` starts gunicorn and answers with production cookie flags."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import requests


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


SVARFRIST = str(Path(sys.executable).with_name("svarfrist"))
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@contextmanager
def serving(tmp_path, workers=1, **extra_env):
    """`svarfrist serve` (gunicorn, one worker unless told) on a fresh SQLite database; its
    base URL.
    What the server prints (its access log too) goes to ``serve.log`` in ``tmp_path``."""
    env = {
        **os.environ,
        "SVARFRIST_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "SVARFRIST_SECRET_KEY": "serve-test-key",
        **extra_env,
    }
    if "SVARFRIST_PLAIN_HTTP" not in extra_env:
        env.pop("SVARFRIST_PLAIN_HTTP", None)
    subprocess.run([SVARFRIST, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run(
        [SVARFRIST, "users", "add", "--email", "kari@alver.no", "--name", "Kari",
         "--role", "admin", "--password-stdin"],
        input="serve-test-password", text=True, env=env, check=True, capture_output=True,
    )  # fmt: skip
    port = free_port()
    output = tmp_path / "serve.log"
    server = subprocess.Popen(
        [SVARFRIST, "serve", "--port", str(port), "--workers", str(workers), "--proxies", "0"],
        env=env,
        stdout=output.open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/login", timeout=2)
                break
            except OSError:
                assert server.poll() is None, output.read_text()
                assert time.monotonic() < deadline, "svarfrist serve did not answer in 30 s"
                time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_answers_the_login_page_with_secure_cookies(tmp_path):
    with serving(tmp_path) as base:
        response = urllib.request.urlopen(f"{base}/login", timeout=2)
    assert response.status == 200
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_each_request_has_its_own_context_under_gunicorn(tmp_path):
    """A worker once served every request in the command's application context: after
    one login, anyone was logged in, and a second visitor's CSRF token was never kept."""
    with serving(tmp_path, SVARFRIST_PLAIN_HTTP="1") as base:
        staff = requests.Session()
        token = CSRF.search(staff.get(f"{base}/login").text).group(1)
        form = {"email": "kari@alver.no", "password": "serve-test-password", "csrf_token": token}
        assert staff.post(f"{base}/login", data=form, allow_redirects=False).status_code == 302
        assert staff.get(f"{base}/", allow_redirects=False).status_code == 200

        stranger = requests.get(f"{base}/", allow_redirects=False)
        assert stranger.status_code == 302 and "/login" in stranger.headers["Location"]

        visitor = requests.Session()
        token = CSRF.search(visitor.get(f"{base}/login").text).group(1)
        assert "session" in visitor.cookies
        wrong = {"email": "kari@alver.no", "password": "not-it", "csrf_token": token}
        refused = visitor.post(f"{base}/login", data=wrong, allow_redirects=False)
        assert refused.status_code == 401  # the password was checked: the token was accepted


def test_an_idle_connection_does_not_hold_up_the_next_request(tmp_path):
    """Browsers open connections they use later (or never); the one worker once waited on
    such a socket for its whole timeout and every other request waited with it."""
    with (
        serving(tmp_path) as base,
        socket.create_connection((urlsplit(base).hostname, urlsplit(base).port)),
    ):
        started = time.monotonic()
        response = requests.get(f"{base}/login", timeout=10)
        assert response.status_code == 200
        assert time.monotonic() - started < 5


def test_the_access_log_names_query_parameters_but_not_their_values(tmp_path):
    """Search words are citizens' names and numbers; Meta's hub.verify_token is a secret."""
    with serving(tmp_path) as base:
        requests.get(
            f"{base}/webhooks/meta",
            params={"hub.mode": "subscribe", "hub.verify_token": "s3cret-token"},
            headers={"Referer": f"{base}/?q=Kari+Nordmann&status=open"},
            timeout=5,
        )
    log = (tmp_path / "serve.log").read_text()
    [line] = [line for line in log.splitlines() if "/webhooks/meta" in line]
    assert "GET /webhooks/meta?hub.mode&hub.verify_token HTTP/1.1" in line
    assert f'"{base}/?q&status"' in line
    assert "s3cret" not in log and "Kari" not in log


def test_the_access_log_leaves_out_a_status_pages_token(tmp_path):
    """The token opens the citizen's case page to whoever reads it."""
    token = "Q" * 32
    with serving(tmp_path) as base:
        requests.get(
            f"{base}/nb/sak/{token}", headers={"Referer": f"{base}/en/sak/{token}"}, timeout=5
        )
    log = (tmp_path / "serve.log").read_text()
    [line] = [line for line in log.splitlines() if "/nb/sak/" in line]
    assert "GET /nb/sak/… HTTP/1.1" in line and f'"{base}/en/sak/…"' in line
    assert token not in log
