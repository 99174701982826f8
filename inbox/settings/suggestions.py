"""``[suggestions]``: the department suggestions learned from the municipality's own cases.

```toml
[suggestions]
enabled = true                # false: no training, no suggestions
months = 24                   # train on the cases of the last 24 months
min_cases = 500               # a model trained on fewer cases is never used
min_accuracy = 0.6            # nor one whose held-out top-1 accuracy is below this
exclude_departments = ["barnevern"]   # their cases are never learned from, never suggested
```
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rules.config import Problem

SUGGESTION_KEYS = {
    "enabled": bool,
    "months": int,
    "min_cases": int,
    "min_accuracy": float,
    "exclude_departments": list,
}
# More months than any municipality keeps cases for is a typo.
MOST_MONTHS = 240


@dataclass(frozen=True)
class SuggestionSettings:
    """The validated ``[suggestions]`` section."""

    is_enabled: bool = True
    #: Train on the cases created in this many months before now.
    months: int = 24
    #: The fewest training cases a model needs before it is used.
    min_cases: int = 500
    #: The held-out top-1 accuracy (0 to 1) a model needs before it is used.
    min_accuracy: float = 0.6
    #: Department slugs whose cases are left out of training (confidential ones).
    exclude_departments: frozenset[str] = frozenset()


def parse_suggestions(section: Any, problems: list[Problem]) -> SuggestionSettings:
    """``[suggestions]``, each wrong key a problem named ``suggestions.<key>``."""
    if not isinstance(section, dict):
        problems.append(Problem("suggestions", f"expected a table, got {section!r}"))
        return SuggestionSettings()
    found = len(problems)
    for key, value in section.items():
        problem = _problem(key, value)
        if problem:
            problems.append(Problem(f"suggestions.{key}", problem))
    if len(problems) > found:
        return SuggestionSettings()
    defaults = SuggestionSettings()
    return SuggestionSettings(
        is_enabled=section.get("enabled", defaults.is_enabled),
        months=section.get("months", defaults.months),
        min_cases=section.get("min_cases", defaults.min_cases),
        min_accuracy=float(section.get("min_accuracy", defaults.min_accuracy)),
        exclude_departments=frozenset(section.get("exclude_departments", ())),
    )


def _problem(key: str, value: Any) -> str | None:
    expected = SUGGESTION_KEYS.get(key)
    if expected is None:
        return "unknown key; expected one of " + ", ".join(SUGGESTION_KEYS)
    if expected is bool:
        return None if isinstance(value, bool) else f"expected true or false, got {value!r}"
    if isinstance(value, bool):
        return f"expected {_kind(expected)}, got {value!r}"
    if expected is float:
        if not isinstance(value, int | float) or not 0 <= value <= 1:
            return f"expected a number from 0 to 1 (0.6 is 60 %), got {value!r}"
        return None
    if expected is int:
        if not isinstance(value, int) or value < 1:
            return f"expected a whole number of at least 1, got {value!r}"
        if key == "months" and value > MOST_MONTHS:
            return f"expected at most {MOST_MONTHS} months, got {value!r}"
        return None
    if not isinstance(value, list) or not all(isinstance(slug, str) for slug in value):
        return f"expected an array of department slugs, got {value!r}"
    return None


def _kind(expected: type) -> str:
    return {int: "a whole number", list: "an array of department slugs"}.get(expected, "a number")
