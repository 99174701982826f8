"""Reading Graph's JSON: each reader checks one field and names its path when it is wrong.

Webhook payloads and pulled listings both come through here, so a malformed
field is refused with the same ``ValueError`` (``entry[0].messaging[1].sender.id
is missing``) whichever way it came. Graph's error answers are read here too,
and the page token is kept out of every message.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from channels.text import without_bidi_controls

if TYPE_CHECKING:
    import requests

#: A JSON object as :func:`json.loads` gives it.
JsonObject = dict[str, Any]


def kind_of(value: Any) -> str:
    """The JSON kind of a value, for messages (``null``, ``str``, ``list`` …)."""
    return "null" if value is None else type(value).__name__


def child(container: JsonObject, key: str, path: str) -> JsonObject:
    """The object under ``key``; missing or not an object is an error."""
    value = container.get(key)
    if value is None:
        raise ValueError(f"{path}.{key} is missing")
    if not isinstance(value, dict):
        raise ValueError(f"{path}.{key} is not an object but {kind_of(value)}")
    return value


def optional_child(container: JsonObject, key: str, path: str) -> JsonObject:
    """The object under ``key``, or an empty one when it is missing."""
    if container.get(key) is None:
        return {}
    return child(container, key, path)


def items(container: JsonObject, key: str, path: str) -> list[Any]:
    """The list under ``key``, or an empty one when it is missing."""
    value = container.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"{path}.{key} is not a list but {kind_of(value)}")
    return value


def json_object(value: Any, path: str) -> JsonObject:
    """``value`` itself, when it is an object."""
    if not isinstance(value, dict):
        raise ValueError(f"{path} is not an object but {kind_of(value)}")
    return value


def graph_id(container: JsonObject, key: str, path: str) -> str:
    """The id under ``key``, as text; missing or empty is an error."""
    value = container.get(key)
    if value is None or value == "":
        raise ValueError(f"{path}.{key} is missing")
    # Graph sends ids as strings, but a few older payloads carry them as numbers.
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"{path}.{key} is not an id but {kind_of(value)}")
    return str(value)


def optional_id(container: JsonObject, key: str, path: str) -> str | None:
    """The id under ``key``, or ``None`` when it is missing or empty."""
    return graph_id(container, key, path) if container.get(key) not in (None, "") else None


def text_field(container: JsonObject, key: str, path: str) -> str:
    """The text under ``key``, or ``""`` when it is missing."""
    value = container.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{path}.{key} is not text but {kind_of(value)}")
    return without_bidi_controls(value)


def optional_name(container: JsonObject, key: str) -> str | None:
    """A display name: only a non-empty text counts; anything else is no name."""
    value = container.get(key)
    name = without_bidi_controls(value) if isinstance(value, str) else ""
    return name or None


def epoch(container: JsonObject, key: str, path: str, divisor: int, fallback: datetime) -> datetime:
    """The Unix time under ``key`` (in units of 1/``divisor`` s), or ``fallback`` if missing."""
    value = container.get(key)
    if value is None:
        return fallback
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{path}.{key} is not a number but {kind_of(value)}: {value!r}")
    try:
        return datetime.fromtimestamp(value / divisor, UTC)
    except (OverflowError, OSError, ValueError):  # NaN, Infinity, before year 1 or after 9999
        raise ValueError(f"{path}.{key} is not a time: {value!r}") from None


def iso_time(container: JsonObject, key: str, path: str) -> datetime:
    """The ISO 8601 time with a zone under ``key``; missing is an error."""
    value = container.get(key)
    if not isinstance(value, str) or not value:
        raise ValueError(f"{path}.{key} is missing")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{path}.{key} is not an ISO 8601 time: {value!r}") from None
    if moment.utcoffset() is None:
        raise ValueError(f"{path}.{key} has no time zone: {value!r}")
    return moment


# --- Graph's answers ------------------------------------------------------------------------


def json_or_none(response: requests.Response) -> Any:
    """The answer's JSON, or ``None`` when it is not JSON (a proxy's error page)."""
    try:
        return response.json()
    except ValueError:
        return None


def graph_error(body: Any, response: requests.Response) -> tuple[int | None, str]:
    """Graph's error code (``None`` if it gave none) and a text saying what it answered."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None, f"not a Graph error: {response.text[:200]!r}"
    code = error.get("code")
    code = code if isinstance(code, int) and not isinstance(code, bool) else None
    subcode = error.get("error_subcode")
    detail = f"Graph code {code}" + (f" (subcode {subcode})" if subcode is not None else "")
    return code, f"{detail}: {error.get('message', '')}"


def redacted(error: Exception, token: str) -> str:
    """The error's text without the token: requests puts the whole URL, query and all, in it."""
    return str(error).replace(token, "<page token>")
