"""The `svarfrist promise` and `svarfrist config check` commands, run as a user runs them."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from inbox.cli import cli

BAD_CONFIG = """
[municipality]
name = "Testkommune"
timezone = "Europe/Oslo"

[calendar]
opening_hours = { mon = "09:00-15:00", mandag = "09:00-15:00", tue = "15:00-09:00" }

[promises.fax]
due = { working_days = 5 }

[promises.email]
due = { weeks = 1 }
"""


@pytest.fixture
def run(monkeypatch):
    """Run the CLI in-process with no configuration file unless a test sets one."""
    monkeypatch.delenv("SVARFRIST_CONFIG", raising=False)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return invoke


def test_promise_json_gives_the_worked_easter_example(run):
    result = run(
        "promise", "--channel", "email", "--received", "2027-03-24T16:00:00+01:00", "--json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "channel": "email",
        "received": "2027-03-24T16:00:00+01:00",
        "target": "2027-04-05T15:00:00+02:00",
        "due": "2027-04-05T15:00:00+02:00",
        "rule": {"due": {"working_days": 5}},
    }


def test_promise_json_uses_the_municipality_offset_for_a_utc_arrival(run):
    result = run("promise", "--channel", "callback", "--received", "2026-11-24T10:00:00Z", "--json")
    record = json.loads(result.output)
    assert record["received"] == "2026-11-24T11:00:00+01:00"
    assert record["target"] == "2026-11-24T15:00:00+01:00"
    assert record["due"] == "2026-11-25T15:00:00+01:00"
    assert record["rule"] == {
        "due": {"working_days": 1},
        "target": {"same_day": {"cutoff": "14:00"}},
    }


def test_promise_in_nynorsk_by_default_names_the_due_date_and_the_holidays(run):
    result = run("promise", "--channel", "email", "--received", "2027-03-24T16:00:00+01:00")
    assert result.exit_code == 0, result.output
    assert "Svar seinast: måndag 5. april 2027 kl. 15:00" in result.output
    assert "Motteke: onsdag 24. mars 2027 kl. 16:00" in result.output
    assert "torsdag 25. mars 2027 (Skjærtorsdag)" in result.output
    assert "innan 5 arbeidsdagar etter mottaksdagen" in result.output


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nb", "Svar senest: mandag 5. april 2027 kl. 15:00"),
        ("en", "Answer at the latest by: Monday, 5 April 2027 at 15:00"),
    ],
)
def test_promise_in_other_languages(run, lang, expected):
    result = run(
        "promise", "--channel", "email", "--received", "2027-03-24T16:00:00+01:00", "--lang", lang
    )
    assert expected in result.output


def test_promise_shows_target_and_due_for_a_callback(run):
    result = run("promise", "--channel", "callback", "--received", "2026-11-24T11:00:00+01:00")
    assert "Svar helst: tysdag 24. november 2026 kl. 15:00" in result.output
    assert "Svar seinast: onsdag 25. november 2026 kl. 15:00" in result.output


def test_promise_refuses_a_time_without_offset(run):
    result = run("promise", "--channel", "email", "--received", "2027-03-24T16:00:00")
    assert result.exit_code == 2
    assert "has no UTC offset" in result.output
    assert "--received" in result.output


def test_promise_refuses_an_unknown_channel(run):
    result = run("promise", "--channel", "fax", "--received", "2027-03-24T16:00:00+01:00")
    assert result.exit_code == 2
    assert "'fax' is not one of" in result.output


def test_promise_follows_the_configured_rules(run, tmp_path, monkeypatch):
    config = tmp_path / "sarpsborg.toml"
    config.write_text("[promises.email]\ndue = { working_days = 1 }\n", encoding="utf-8")
    monkeypatch.setenv("SVARFRIST_CONFIG", str(config))
    result = run(
        "promise", "--channel", "email", "--received", "2026-11-20T10:00:00+01:00", "--json"
    )
    assert json.loads(result.output)["due"] == "2026-11-23T15:00:00+01:00"


def test_config_check_says_ok_for_a_good_file(run, tmp_path):
    config = tmp_path / "alver.toml"
    config.write_text('[municipality]\nname = "Alver kommune"\n', encoding="utf-8")
    result = run("config", "check", str(config))
    assert result.exit_code == 0
    assert result.output.strip() == f"ok: {config}"


def test_config_check_lists_every_problem_with_file_and_key(run, tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text(BAD_CONFIG, encoding="utf-8")
    result = CliRunner().invoke(cli, ["config", "check", str(config)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert all(line.startswith(f"{config}: ") for line in lines), lines
    keys = [line.split(": ")[1] for line in lines]
    assert sorted(keys) == sorted(
        [
            "calendar.opening_hours.mandag",
            "calendar.opening_hours.tue",
            "promises.fax",
            "promises.email.due",
        ]
    )
    assert "expected one of mon, tue, wed, thu, fri, sat, sun" in lines[0]
    assert "closing time 09:00 is not after opening time 15:00" in lines[1]


def test_promise_with_a_broken_config_exits_with_the_problem(run, tmp_path, monkeypatch):
    config = tmp_path / "broken.toml"
    config.write_text("[municipality\n", encoding="utf-8")
    monkeypatch.setenv("SVARFRIST_CONFIG", str(config))
    result = CliRunner().invoke(cli, ["promise", "--channel", "email"])
    assert result.exit_code == 1
    assert f"{config}: (file): is not valid TOML" in result.output
    assert "line 1" in result.output


def test_installed_console_script_runs():
    """The `svarfrist` entry point is installed beside the interpreter and works."""
    script = Path(sys.executable).with_name("svarfrist")
    completed = subprocess.run(
        [
            str(script),
            "promise",
            "--channel",
            "facebook",
            "--received",
            "2026-11-21T10:00:00+01:00",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert json.loads(completed.stdout)["due"] == "2026-11-23T15:00:00+01:00"
