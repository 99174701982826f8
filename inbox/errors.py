"""Errors the services raise: a code and its parameters, so each layer says them its own way.

The web layer says an error in the user's language through Babel (``inbox.web.error_texts``,
one sentence per code); the API answers with the English ``str()`` and the code. Parameters
are values (departments and users as objects, dates as dates), never pre-formatted text.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any


class ServiceError(ValueError):
    """The change cannot be made as asked. ``code`` names the reason (``casework.closed``),
    ``params`` hold what the sentence names; ``str()`` is the English text for logs and the
    API."""

    def __init__(self, code: str, message: str, /, **params: Any) -> None:
        super().__init__(message % {name: english(value) for name, value in params.items()})
        self.code = code
        self.params = params


def english(value: Any) -> str:
    """A parameter as the English message writes it."""
    if hasattr(value, "name") and hasattr(value, "id"):  # a department or a user
        return str(value.name)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Iterable) and not isinstance(value, str):
        return ", ".join(english(item) for item in value)
    return str(value)
