"""``[suggestions]``: the issue's keys as named, and every mistake named by key and file."""

from __future__ import annotations

import pytest

from inbox.settings.config import load_settings
from inbox.settings.suggestions import SuggestionSettings
from tests.rules.test_config import problems_of, write


def test_without_the_section_suggestions_are_on_with_the_issues_defaults(tmp_path):
    settings = load_settings(write(tmp_path, "")).suggestions
    assert settings == SuggestionSettings(
        is_enabled=True, months=24, min_cases=500, min_accuracy=0.6
    )


def test_every_key_is_read(tmp_path):
    text = """
[suggestions]
enabled = false
months = 12
min_cases = 800
min_accuracy = 0.75
exclude_departments = ["barnevern", "nav"]
"""
    settings = load_settings(write(tmp_path, text)).suggestions
    assert settings == SuggestionSettings(
        is_enabled=False,
        months=12,
        min_cases=800,
        min_accuracy=0.75,
        exclude_departments=frozenset({"barnevern", "nav"}),
    )


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("enabled = 1", "suggestions.enabled: expected true or false, got 1"),
        ("months = 0", "suggestions.months: expected a whole number of at least 1, got 0"),
        ("months = 1000", "suggestions.months: expected at most 240 months, got 1000"),
        ("min_cases = true", "suggestions.min_cases: expected a whole number, got True"),
        ("min_accuracy = 60", "suggestions.min_accuracy: expected a number from 0 to 1"),
        ('exclude_departments = "barnevern"', "suggestions.exclude_departments: expected an"),
        ("min_acuracy = 0.5", "suggestions.min_acuracy: unknown key; expected one of enabled"),
    ],
)
def test_a_mistake_names_the_key_and_the_file(tmp_path, line, problem):
    lines = problems_of(tmp_path, f"[suggestions]\n{line}\n")
    assert any(problem in text for text in lines), lines
