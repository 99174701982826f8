"""``[report]``: the yardsticks of "what to look at", their defaults, and errors naming the key
and the file."""

from __future__ import annotations

import pytest

from inbox.settings.config import load_settings
from inbox.settings.report import ReportSettings
from tests.rules.test_config import problems_of, write


def test_without_the_section_the_target_is_90_percent_and_a_move_25_percent(tmp_path):
    assert load_settings(write(tmp_path, "")).report == ReportSettings(0.9, 0.25)


def test_the_documented_section_is_read(tmp_path):
    text = "[report]\nkept_target = 0.95\nvolume_change = 0.3\n"
    assert load_settings(write(tmp_path, text)).report == ReportSettings(0.95, 0.3)


def test_a_whole_one_is_a_share_too(tmp_path):
    assert load_settings(write(tmp_path, "[report]\nkept_target = 1\n")).report.kept_target == 1.0


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "kept_target = 90",
            "report.kept_target: expected a share between 0 and 1 (0.9 is 90 %), got 90",
        ),
        (
            'volume_change = "25 %"',
            "report.volume_change: expected a share between 0 and 1 (0.9 is 90 %), got '25 %'",
        ),
        ("kept_target = 0", "report.kept_target: expected a share between 0 and 1"),
        ("kept_target = true", "report.kept_target: expected a share between 0 and 1"),
        ("kept_share = 0.9", "report.kept_share: unknown key; expected one of kept_target"),
    ],
)
def test_a_wrong_value_names_the_key_and_the_file(tmp_path, line, expected):
    lines = problems_of(tmp_path, f"[report]\n{line}\n")
    assert len(lines) == 1 and expected in lines[0], lines


def test_a_report_that_is_not_a_table_is_named(tmp_path):
    assert problems_of(tmp_path, "report = 0.9\n")[0].endswith("report: expected a table, got 0.9")
