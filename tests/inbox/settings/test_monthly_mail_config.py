"""``[report] monthly_mail``: off unless the file says true; anything but true or false is
refused with its key and file."""

from __future__ import annotations

from inbox.settings.config import load_settings
from tests.rules.test_config import problems_of, write


def test_the_monthly_mail_is_off_unless_switched_on(tmp_path):
    assert load_settings(write(tmp_path, "")).report.monthly_mail is False
    switched = load_settings(write(tmp_path, "[report]\nmonthly_mail = true\n"))
    assert switched.report.monthly_mail is True


def test_a_monthly_mail_that_is_not_true_or_false_is_refused_with_its_key(tmp_path):
    lines = problems_of(tmp_path, '[report]\nmonthly_mail = "yes"\n')
    assert any("report.monthly_mail: expected true or false, got 'yes'" in line for line in lines)


def test_an_unknown_report_key_names_monthly_mail_among_the_known(tmp_path):
    lines = problems_of(tmp_path, "[report]\nmonthly = true\n")
    assert any("report.monthly: unknown key" in line and "monthly_mail" in line for line in lines)
