"""``email.policy.default`` with each header value parsed once.

Parsing headers is most of the time of reading a message (and much of writing one), and the
same few values come again and again: a message's Content-Type is parsed anew by every test
of its parts, and mail after mail carries the same Content-Type, MIME-Version and our From.
"""

from __future__ import annotations

import functools
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import EmailPolicy
from typing import TYPE_CHECKING


class _RememberedHeaders(HeaderRegistry):
    """The standard header classes; a value parsed before is not parsed again. The parsed
    headers are immutable strings, so one serves every message that has it."""

    @functools.lru_cache(maxsize=256)  # noqa: B019 (one registry, for the process's life)
    def __call__(self, name: str, value: str) -> BaseHeader:
        return super().__call__(name, value)

    # The standard registry makes a new class for every header it parses; one per name does.
    @functools.lru_cache(maxsize=128)  # noqa: B019
    def __getitem__(self, name: str) -> type[BaseHeader]:
        return super().__getitem__(name)


if TYPE_CHECKING:
    _Policy = EmailPolicy[EmailMessage]
else:  # not subscriptable at run time
    _Policy = EmailPolicy


class _RememberedFolding(_Policy):
    """``policy.default``, with a parsed header's folded form remembered too: writing a
    message folds each header anew, and most of ours are the same in every message (our
    From, the MIME headers). Keyed by what folding depends on, as the generator clones the
    policy (a new line ending) for every message it writes."""

    def fold_binary(self, name: str, value: str) -> bytes:
        if not isinstance(value, BaseHeader):
            return super().fold_binary(name, value)
        key = (name, value, type(value), self.linesep, self.max_line_length, self.utf8)
        folded = _FOLDED.get(key)
        if folded is None:
            if len(_FOLDED) >= _FOLDS_KEPT:
                _FOLDED.clear()
            folded = _FOLDED[key] = super().fold_binary(name, value)
        return folded


_FOLDS_KEPT = 256
_FOLDED: dict[tuple[object, ...], bytes] = {}

#: ``policy.default`` with headers parsed and folded once: the same messages, read or written.
FAST_DEFAULT = _RememberedFolding(header_factory=_RememberedHeaders())
