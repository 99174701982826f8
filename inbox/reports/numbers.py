"""How the report rounds: shares to four places, hours to two, changes with a percent."""

from __future__ import annotations

from typing import Any


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def change(before: int, now: int) -> dict[str, Any]:
    return {
        "number": now - before,
        "percent": round((now - before) * 100 / before, 1) if before else None,
    }


def rounded(value) -> float | None:
    return round(float(value), 2) if value is not None else None
