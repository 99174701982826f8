"""Make the README's screenshots of the queue and the case page (Nynorsk, the demo's data).

    .venv/bin/python docs/make_screenshots.py

A temporary instance (SQLite in a temporary folder) is migrated, loaded with
``svarfrist demo`` and served by ``svarfrist serve`` on a free loopback port; headless
Chromium (Debian's, at /usr/bin/chromium) signs in as the demo's front-line agent and takes
the viewport (not the whole page) at 1366 and 360 px into docs/screenshots/. The background
worker runs beside it as in production (the demo's outgoing messages are history, marked
sent, and the instance has no channel accounts: nothing leaves), so the pages show the
normal day, not the "Nothing is being sent" warning. Nothing of the temporary instance is
kept. Not run by the tests.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
AGENT = "kari.haugland@alver.kommune.no"
PASSWORD = "demo-passord-2026"
#: Viewport heights: a laptop's screen and a phone's.
SIZES = {1366: 1024, 360: 780}
#: Each file is to stay small enough for a README (about 300 KB).
MAX_BYTES = 300_000


#: The ``svarfrist`` command of this checkout (not whatever is installed).
SVARFRIST = [
    sys.executable,
    "-c",
    "import sys; from inbox.cli import cli; sys.argv[0] = 'svarfrist'; sys.exit(cli())",
]


def svarfrist(env: dict[str, str], *args: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run([*SVARFRIST, *args], env=env, cwd=ROOT, text=True, **options)


def start(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*SVARFRIST, *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("svarfrist serve stopped before it answered")
        try:
            with urllib.request.urlopen(f"{base}/login", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"svarfrist serve did not answer on {base}")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="svarfrist-shots-") as folder:
        config = Path(folder) / "svarfrist.toml"
        config.write_text(
            f'[database]\nurl = "sqlite:///{folder}/svarfrist.db"\n\n'
            f'[storage]\ndata_dir = "{folder}/data"\n'
        )
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "SVARFRIST_CONFIG": str(config),
            "SVARFRIST_SECRET_KEY": "screenshots-only-" + os.urandom(8).hex(),
            "SVARFRIST_PLAIN_HTTP": "1",  # loopback only, no TLS: cookies without Secure
        }
        svarfrist(env, "db", "upgrade", check=True, capture_output=True)
        loaded = svarfrist(env, "demo", check=True, capture_output=True).stdout
        showcase = re.search(r"open case (\S+) \(declined", loaded)
        if showcase is None:
            raise SystemExit(f"the demo named no showcase case:\n{loaded}")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        worker = start(env, "worker")
        server = start(
            env,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--proxies",
            "0",
            "--workers",
            "1",
        )
        try:
            wait_until_serving(base, server)
            time.sleep(3)  # the worker's first heartbeat
            shoot(base, showcase.group(1))
        finally:
            for process in (server, worker):
                process.terminate()
                process.wait(timeout=20)
    for path in sorted(OUT.glob("*.png")):
        size = path.stat().st_size
        print(f"{path.relative_to(ROOT)}: {size // 1000} KB")
        if size > MAX_BYTES:
            print(f"  more than {MAX_BYTES // 1000} KB: too big for the README", file=sys.stderr)


def shoot(base: str, reference: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for width, height in SIZES.items():
            context = browser.new_context(
                viewport={"width": width, "height": height}, locale="nn-NO"
            )
            page = context.new_page()
            page.goto(f"{base}/login")
            page.fill("#email", AGENT)
            page.fill("#password", PASSWORD)
            page.click("button[type=submit].primary")
            page.wait_for_url(f"{base}/", wait_until="domcontentloaded", timeout=60_000)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(OUT / f"queue-{width}.png"))
            page.goto(f"{base}/cases/{reference}")
            # The attachment previews load lazily, after the load event.
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(OUT / f"case-{width}.png"))
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
