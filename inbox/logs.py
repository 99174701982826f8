"""What a log line says about an error: one line, its class and message, no traceback.

Logs are one line per event with ids (CONVENTIONS). A traceback spans many lines, and the
later lines of an error's text (a database's ``DETAIL: Key (…)=(…)``, a statement's
parameters) carry the values it was about: personal data.
"""

from __future__ import annotations

import re

#: A status page's token in a path (``/sak/<token>``, ``/nb/sak/…``, ``/en/sak/…``): it opens
#: the citizen's case page to whoever reads it.
STATUS_TOKEN = re.compile(r"(/sak/)[^/?#]+")
#: Enough for any of our errors' first lines; a parser's message quoting its input stops here.
MAX_CHARACTERS = 300


def describe(error: BaseException) -> str:
    """``ValueError: the first line of the message``, at most :data:`MAX_CHARACTERS`."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"[:MAX_CHARACTERS]


def loggable_path(path: str) -> str:
    """``path`` with a status page's token left out (``/sak/…``)."""
    return STATUS_TOKEN.sub(r"\1…", path)
