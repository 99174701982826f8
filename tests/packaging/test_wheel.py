"""The sdist and the wheel built from it make a working Svarfrist in a fresh virtualenv.

What an IT department does with a release, with nothing of the checkout on ``sys.path``:
the sdist is built from a copy of the checkout, the wheel from the sdist (so both carry
everything), and the wheel is installed into a new virtualenv in a temporary folder. Its
dependencies come from the running environment through a ``.pth`` file written after the
install; a ``.pth`` line only adds a folder, so the editable install's own ``.pth`` and
finder there (which map ``inbox`` to the checkout) are never run. Nothing is downloaded:
the builds run without isolation and pip without an index.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.inbox.commands.test_serve import free_port

CHECKOUT = Path(__file__).resolve().parents[2]
# Not part of a source tree, or made by the checkout's own use (compiled catalogs are kept:
# a developer's checkout has them, and the sdist must leave them out).
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "instance", "*.egg-info", "__pycache__",
    ".*_cache", ".hypothesis", "test-screenshots", "results", "node_modules",
)  # fmt: skip
BUILD_NEEDS = ("setuptools", "wheel", "babel")
CATALOGS = [f"translations/{code}/LC_MESSAGES/messages.mo" for code in ("nn", "nb", "en", "se")]
PASSWORD = "wheel-test-password-2026"


def run(*command, **options) -> subprocess.CompletedProcess:
    """Run a command; on failure, fail with everything it printed."""
    check = options.pop("check", True)
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, **options)
    if check and result.returncode:
        pytest.fail(
            f"{' '.join(map(str, command))} exited {result.returncode}\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """A copy of the checkout's source tree, to build from without writing into the checkout."""
    missing = [name for name in BUILD_NEEDS if importlib.util.find_spec(name) is None]
    if missing:  # never a skip: in CI this test must run
        pytest.fail(
            f"building the wheel needs {', '.join(missing)} in {sys.prefix}: run make, "
            "which installs them from constraints.txt"
        )
    copy = tmp_path_factory.mktemp("source") / "svarfrist"
    shutil.copytree(CHECKOUT, copy, ignore=NOT_SOURCE)
    return copy


@pytest.fixture(scope="module")
def wheel(source, tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("build")
    env = environment()
    run(
        sys.executable, "-c", "import sys, setuptools.build_meta as b; b.build_sdist(sys.argv[1])",
        str(work / "sdist"), cwd=source, env=env,
    )  # fmt: skip
    (sdist,) = (work / "sdist").glob("svarfrist-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {
        "setup.py",
        "templates/base.html",
        "static/css/svarfrist.css",
        "translations/nn/LC_MESSAGES/messages.po",
        "inbox/migrations/env.py",
    } <= names
    assert not any(name.endswith(".mo") for name in names), "the sdist carries compiled .mo"
    run(
        sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "--no-index",
        "--no-cache-dir", "--quiet", "--wheel-dir", str(work / "wheel"), str(sdist),
        cwd=work, env=env,
    )  # fmt: skip
    (built,) = (work / "wheel").glob("svarfrist-*-py3-none-any.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    return installed(wheel, tmp_path_factory.mktemp("installed") / "venv")


def installed(wheel: Path, folder: Path) -> Path:
    """A fresh virtualenv in ``folder`` with only ``wheel`` installed, and the running
    environment's packages (the dependencies) readable through a .pth line."""
    run(sys.executable, "-m", "venv", "--without-pip", str(folder))
    python = folder / "bin" / "python"
    run(
        sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
        "--no-index", "--no-cache-dir", "--quiet", str(wheel), env=environment(),
    )  # fmt: skip
    site_packages = Path(
        run(python, "-I", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
        .stdout.strip()
    )  # fmt: skip
    dependencies = dict.fromkeys(sysconfig.get_path(kind) for kind in ("purelib", "platlib"))
    (site_packages / "svarfrist_test_dependencies.pth").write_text("\n".join(dependencies) + "\n")
    return folder


def environment(**extra: str) -> dict[str, str]:
    """The test's environment without what would point Svarfrist or Python elsewhere."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SVARFRIST_", "PYTHON", "VIRTUAL_ENV", "FLASK_"))
    }
    return {**env, **extra}


def test_the_wheel_carries_templates_static_files_catalogs_and_migrations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"inbox/_data/{name}" for name in CATALOGS} | {
        f"inbox/_data/{path.relative_to(CHECKOUT)}"
        for folder in ("templates", "static")
        for path in (CHECKOUT / folder).rglob("*")
        if path.is_file()
    }
    migrations = {
        str(path.relative_to(CHECKOUT))
        for path in (CHECKOUT / "inbox" / "migrations").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert shipped - names == set()
    assert migrations - names == set()


def test_an_editable_install_compiles_the_catalogs_in_the_checkout(source, tmp_path):
    """``pip install -e .`` builds this wheel: the package stays in the checkout, which then
    has the compiled catalogs the app reads there."""
    for catalog in CATALOGS:
        (source / catalog).unlink(missing_ok=True)
    run(
        sys.executable, "-c",
        "import sys, setuptools.build_meta as b; b.build_editable(sys.argv[1])",
        str(tmp_path / "wheel"), cwd=source, env=environment(),
    )  # fmt: skip
    (editable,) = (tmp_path / "wheel").glob("svarfrist-*.whl")
    python = installed(editable, tmp_path / "venv") / "bin" / "python"
    where = located(python, tmp_path)
    assert all((source / catalog).is_file() for catalog in CATALOGS)
    assert where["inbox"] == str(source / "inbox" / "__init__.py")
    assert not where["installed"] and where["templates"] == str(source / "templates")
    assert where["log_in"] == "Logg inn"


def test_installed_wheel_migrates_sets_up_serves_and_acknowledges_in_nynorsk(venv, tmp_path):
    python, svarfrist = venv / "bin" / "python", venv / "bin" / "svarfrist"
    env = environment()
    where = located(python, tmp_path)
    assert Path(where["inbox"]).is_relative_to(venv)
    assert where["installed"] and Path(where["templates"]).is_relative_to(venv)
    # Only the venv offers Svarfrist's packages; no finder maps them to the checkout.
    assert [Path(entry) for entry in where["offering"]] == [Path(where["inbox"]).parents[1]]
    assert not [finder for finder in where["finders"] if "editable" in finder]
    assert where["log_in"] == "Logg inn"

    run(svarfrist, "db", "upgrade", cwd=tmp_path, env=env)
    # The default database, beside the generated session key, in the installation's own
    # instance folder: not in site-packages, and not in the checkout.
    instance = venv / "var" / "svarfrist-instance"
    assert (instance / "svarfrist.db").is_file() and (instance / "secret_key").is_file()

    run(
        svarfrist, "setup", "--frontline-name", "Innbyggjarservice",
        "--frontline-slug", "innbyggjarservice", "--admin-email", "admin@kommune.example",
        "--admin-name", "Siri Systemansvarleg", "--password-stdin",
        input=PASSWORD, cwd=tmp_path, env=env,
    )  # fmt: skip

    page, stylesheet, css_type = served_login_page(svarfrist, tmp_path, env)
    assert '<html lang="nn">' in page
    assert "<h1>Logg inn</h1>" in page and "Byt språk" in page  # "Bytt språk" in Bokmål
    assert css_type.startswith("text/css")
    assert stylesheet == (CHECKOUT / "static" / "css" / "svarfrist.css").read_bytes()

    acknowledgement = run(python, "-I", "-c", ACKNOWLEDGEMENT, cwd=tmp_path, env=env).stdout
    assert acknowledgement.startswith(
        "Takk for meldinga di til Alver kommune. Vi har registrert ho som sak 2026-000123, og "
        "du får svar seinast fredag 27. november 2026 kl. 15:00."
    )


def located(python: Path, folder: Path) -> dict:
    """Where ``python`` imports Svarfrist from, and where that finds its files."""
    return json.loads(run(python, "-I", "-c", LOCATED, cwd=folder, env=environment()).stdout)


LOCATED = """
import json, sys
from pathlib import Path
import inbox, inbox.paths
from inbox.i18n import Language

print(json.dumps({
    "inbox": inbox.__file__,
    "installed": inbox.paths.IS_INSTALLED,
    "templates": str(inbox.paths.TEMPLATES_DIR),
    "offering": [
        entry for entry in sys.path
        if any(Path(entry, top, "__init__.py").is_file() for top in ("inbox", "channels", "rules"))
    ],
    "finders": [repr(finder) for finder in sys.meta_path],
    "log_in": Language.load("nn").gettext("Log in"),
}))
"""
# The e-mail promise of DESIGN.md's first worked example, rendered by the installed code.
ACKNOWLEDGEMENT = """
from datetime import datetime
from zoneinfo import ZoneInfo
from inbox.clock import frozen_at
from inbox.i18n import Language
from inbox.intake.acknowledgements import acknowledgement_text
from inbox.models import Case, Turn
from inbox.settings.config import load_settings

settings = load_settings()
received = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Europe/Oslo"))
promise = settings.rules.promises["email"].promise(settings.rules.calendar, received)
turn = Turn(channel="email", received_at=received, target_at=promise.target_at,
            due_at=promise.due_at)
with frozen_at(received):
    print(acknowledgement_text(Case(reference="2026-000123"), turn, settings, Language.load("nn")))
"""


def served_login_page(svarfrist: Path, folder: Path, env: dict[str, str]):
    """``/login`` from ``svarfrist serve``, the stylesheet it links, and that one's type."""
    port = free_port()
    log = folder / "serve.log"
    server = subprocess.Popen(
        [svarfrist, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
         "--proxies", "0"],
        cwd=folder, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/login", timeout=2) as response:
                    page = response.read().decode()
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "svarfrist serve did not answer in 30 s"
                time.sleep(0.3)
        link = re.search(r'<link rel="stylesheet" href="([^"]+)"', page)
        assert link, page
        with urllib.request.urlopen(base + link.group(1), timeout=5) as response:
            return page, response.read(), response.headers["Content-Type"]
    finally:
        server.terminate()
        server.wait(timeout=10)
