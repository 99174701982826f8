"""deploy/: the systemd units pass ``systemd-analyze verify`` and the example production
configuration passes ``svarfrist config check``, with local storage and with S3."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from inbox.cli import cli

DEPLOY = Path(__file__).resolve().parent.parent.parent / "deploy"
UNITS = ("svarfrist-web.service", "svarfrist-worker.service")
SYSTEM_UNITS = Path("/usr/lib/systemd/system")
EXECUTABLE = "/opt/svarfrist/bin/svarfrist"


def verify(units: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    """``systemd-analyze verify`` on the units, installed as README says with the S3 drop-in,
    in a root of their own: the system's units, and the installed command they start."""
    if shutil.which("systemd-analyze") is None or not SYSTEM_UNITS.is_dir():
        pytest.skip(
            "NOT TESTED: the systemd units are not verified: systemd-analyze is not installed "
            "here (Debian: apt-get install systemd)"
        )
    root = tmp_path / "root"
    (root / "usr/lib/systemd").mkdir(parents=True)
    shutil.copytree(SYSTEM_UNITS, root / "usr/lib/systemd/system", symlinks=True)
    command = root / EXECUTABLE.lstrip("/")
    command.parent.mkdir(parents=True)
    command.write_text("#!/bin/sh\n")
    command.chmod(0o755)
    installed = root / "etc/systemd/system"
    for name, text in units.items():
        (installed / f"{name}.d").mkdir(parents=True)
        (installed / name).write_text(text)
        shutil.copy(DEPLOY / "s3-credentials.conf", installed / f"{name}.d")
    return subprocess.run(
        ["systemd-analyze", "verify", f"--root={root}", *(str(installed / n) for n in units)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def shipped_units() -> dict[str, str]:
    return {name: (DEPLOY / name).read_text() for name in UNITS}


def test_the_units_pass_systemd_analyze_verify_without_a_warning(tmp_path):
    result = verify(shipped_units(), tmp_path)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_a_mistake_in_a_unit_would_be_found(tmp_path):
    """verify only warns about an unknown key or a wrong value (status 0): the test above
    fails on any output, as this broken copy shows."""
    units = shipped_units()
    units[UNITS[0]] = units[UNITS[0]].replace("NoNewPrivileges=yes", "NoNewPrivileges=ja")
    result = verify(units, tmp_path)
    assert "Failed to parse boolean value" in result.stderr


@pytest.mark.parametrize(("name", "command"), [(UNITS[0], "serve"), (UNITS[1], "worker")])
def test_each_unit_runs_svarfrist_as_its_own_user_restarted_and_hardened(name, command):
    pairs = [line.split("=", 1) for line in (DEPLOY / name).read_text().splitlines() if "=" in line]
    settings = dict(pairs)
    environment = [value for key, value in pairs if key == "Environment"]
    assert settings["ExecStart"].startswith(f"{EXECUTABLE} {command}")
    assert (settings["User"], settings["Restart"]) == ("svarfrist", "on-failure")
    assert "SVARFRIST_CONFIG=/etc/svarfrist/svarfrist.toml" in environment
    assert settings["EnvironmentFile"] == "/etc/svarfrist/svarfrist.env"
    assert (settings["NoNewPrivileges"], settings["ProtectSystem"]) == ("yes", "strict")
    assert settings["StateDirectory"] == "svarfrist"


def test_the_example_configuration_passes_config_check(monkeypatch):
    monkeypatch.delenv("SVARFRIST_CONFIG", raising=False)
    path = DEPLOY / "svarfrist.toml"
    result = CliRunner().invoke(cli, ["config", "check", str(path)])
    assert (result.exit_code, result.output) == (0, f"ok: {path}\n")


def test_the_example_configuration_with_its_s3_block_passes_config_check(tmp_path, monkeypatch):
    """The commented S3 lines, switched on as the README's multi-machine section says."""
    monkeypatch.delenv("SVARFRIST_CONFIG", raising=False)
    text = (DEPLOY / "svarfrist.toml").read_text()
    switched = re.sub(r"^# (backend = \"s3\"|\[storage\.s3\]|\w+ = .*)$", r"\1", text, flags=re.M)
    assert 'backend = "s3"\n' in switched and "\nbucket = " in switched
    path = tmp_path / "svarfrist.toml"
    path.write_text(switched)
    result = CliRunner().invoke(cli, ["config", "check", str(path)])
    assert (result.exit_code, result.output) == (0, f"ok: {path}\n")


def test_the_web_unit_gives_gunicorns_workers_a_metrics_directory():
    """`serve --workers 4` with [metrics] on refuses to start without PROMETHEUS_MULTIPROC_DIR."""
    unit = (DEPLOY / UNITS[0]).read_text()
    assert "Environment=PROMETHEUS_MULTIPROC_DIR=/run/svarfrist/metrics" in unit
    assert "RuntimeDirectory=svarfrist svarfrist/metrics" in unit
