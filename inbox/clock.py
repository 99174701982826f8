"""The one clock services read, so tests and the demo can set the time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_source: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    """The current instant, timezone-aware in UTC."""
    return _source().astimezone(UTC)


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Make :func:`now` return ``moment`` inside the block."""
    global _source
    if moment.utcoffset() is None:
        raise ValueError(f"frozen_at needs an aware datetime, got {moment.isoformat()}")
    previous, _source = _source, (lambda: moment)
    try:
        yield
    finally:
        _source = previous
