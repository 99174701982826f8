"""``[status_page]``: the citizen's status link in every acknowledgement, and its page.

```toml
[status_page]
enabled = true              # false: no link in acknowledgements, and the page answers 404
days_after_close = 30       # the link stops working this many days after the case is closed
public_url = "https://svarfrist.alver.kommune.no"   # default: [auth] public_url
phone = "56 37 50 00"       # how to reach the municipality, shown on the page
email = "postmottak@alver.kommune.no"
```
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rules.config import Problem

KEYS = {
    "enabled": bool,
    "days_after_close": int,
    "public_url": str,
    "phone": str,
    "email": str,
}
TYPE_NAMES = {bool: "true or false", int: "a whole number", str: "a string"}
LONGEST_DAYS = 10_000


@dataclass(frozen=True)
class StatusPageSettings:
    """``[status_page]``; on by default, but without a public URL no link can be written."""

    is_enabled: bool = True
    days_after_close: int = 30
    #: Where citizens reach Svarfrist (no trailing slash); ``None``: ``[auth] public_url``.
    public_url: str | None = None
    phone: str | None = None
    email: str | None = None


def parse_status_page(section: Any, problems: list[Problem]) -> StatusPageSettings:
    """``[status_page]``; every problem names its key."""
    if not isinstance(section, dict):
        problems.append(Problem("status_page", f"expected a table, got {section!r}"))
        return StatusPageSettings()
    found = len(problems)
    for key, value in section.items():
        expected = KEYS.get(key)
        if expected is None:
            known = ", ".join(KEYS)
            problems.append(Problem(f"status_page.{key}", f"unknown key; expected one of {known}"))
        elif not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            problems.append(
                Problem(f"status_page.{key}", f"expected {TYPE_NAMES[expected]}, got {value!r}")
            )
    days = section.get("days_after_close", 30)
    if isinstance(days, int) and not 0 <= days <= LONGEST_DAYS:
        problems.append(
            Problem(
                "status_page.days_after_close",
                f"expected 0 to {LONGEST_DAYS} days, got {days!r}",
            )
        )
    public_url = section.get("public_url")
    if isinstance(public_url, str) and (
        not public_url.startswith(("https://", "http://")) or "?" in public_url
    ):
        problems.append(
            Problem("status_page.public_url", f"expected an http(s):// URL, got {public_url!r}")
        )
    if len(problems) > found:
        return StatusPageSettings()
    return StatusPageSettings(
        is_enabled=section.get("enabled", True),
        days_after_close=days,
        public_url=public_url.rstrip("/") if public_url else None,
        phone=section.get("phone"),
        email=section.get("email"),
    )
