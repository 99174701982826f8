"""Arrays of tables in the configuration (``[[templates]]``, ``[[channels.email]]``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rules.config import Problem


def array_of_tables(value: Any, key: str, problems: list[Problem]) -> Iterator[tuple[str, dict]]:
    """Each table of the array at ``key`` with its own key (``key[0]``, …); whatever is not an
    array, or not a table in it, is a problem named by its key and left out."""
    if not isinstance(value, list):
        problems.append(Problem(key, f"expected an array of tables ([[{key}]])"))
        return
    for index, entry in enumerate(value):
        entry_key = f"{key}[{index}]"
        if isinstance(entry, dict):
            yield entry_key, entry
        else:
            problems.append(Problem(entry_key, f"expected a table, got {entry!r}"))
