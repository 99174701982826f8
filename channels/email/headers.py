"""``email.policy.default`` with each header value parsed once.

Parsing headers is most of the time of reading a message (and much of writing one), and the
same few values come again and again: a message's Content-Type is parsed anew by every test
of its parts, and mail after mail carries the same Content-Type, MIME-Version and our From.
"""

from __future__ import annotations

import functools
from email import policy
from email.headerregistry import BaseHeader, HeaderRegistry


class _RememberedHeaders(HeaderRegistry):
    """The standard header classes; a value parsed before is not parsed again. The parsed
    headers are immutable strings, so one serves every message that has it."""

    @functools.lru_cache(maxsize=256)  # noqa: B019 (one registry, for the process's life)
    def __call__(self, name: str, value: str) -> BaseHeader:
        return super().__call__(name, value)


#: ``policy.default`` with :class:`_RememberedHeaders`: the same messages, read or written.
FAST_DEFAULT = policy.default.clone(header_factory=_RememberedHeaders())
