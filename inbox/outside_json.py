"""JSON from outside (API bodies, webhooks, queue cursors), refused before parsing when it is
nested deeper than anything we accept.

Python's JSON reader recurses once per level, so 50,000 levels would raise RecursionError;
catching that one is not enough: on CPython 3.11 it can leave the interpreter's recursion
counter wrong, and a later ``ast.parse`` or ``compile`` in the same process fails. So the
depth is counted first, without recursion.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64  # Meta's and Twilio's payloads are under ten levels deep


class TooDeep(ValueError):
    """The text is nested more than :data:`MAX_DEPTH` levels deep."""


def nesting_depth(text: str | bytes) -> int:
    """The deepest nesting of ``[`` and ``{`` outside strings (0 for a scalar)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def check_depth(text: str | bytes) -> None:
    """Raise :class:`TooDeep` for JSON nested deeper than we read."""
    if nesting_depth(text) > MAX_DEPTH:
        raise TooDeep(f"nested too deeply to read (more than {MAX_DEPTH} levels)")


def loads(text: str | bytes, **options: Any) -> Any:
    """:func:`json.loads` after :func:`check_depth`; both raise ``ValueError``."""
    check_depth(text)
    return json.loads(text, **options)
