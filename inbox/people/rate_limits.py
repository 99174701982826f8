"""Rate limits that hold across web processes: uses counted in the database per key.

A public page (the callback form, the citizen's status page) limits each address (and
each number asked to be called) to so many uses per window; the uses are rows, so every
web process counts the same ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import delete, func, select

from inbox.clock import now
from inbox.extensions import db
from inbox.models import RateEvent

#: The longest key kept (the column's size).
KEY_LENGTH = 100


class TooManyRequests(Exception):
    """The address or the number has asked too often; try again later."""


def count_against(
    limits: Mapping[str, tuple[int, timedelta]], keys: Mapping[str, str | None]
) -> None:
    """Count one use of each bucket by its key (``None``: not limited), or raise
    :class:`TooManyRequests` naming the first bucket used ``limits[bucket]`` times already.

    Call it in a write transaction from its start (SQLite), so two requests cannot both
    see the last free use. Uses older than their window are deleted on the way: they count
    for nothing, and an address is personal data.
    """
    at = now()
    for bucket, key in keys.items():
        if key is None:
            continue
        most, window = limits[bucket]
        db.session.execute(
            delete(RateEvent).where(RateEvent.bucket == bucket, RateEvent.at < at - window)
        )
        used = db.session.scalar(
            select(func.count()).where(
                RateEvent.bucket == bucket,
                RateEvent.key == key[:KEY_LENGTH],
                RateEvent.at >= at - window,
            )
        )
        if used >= most:
            raise TooManyRequests(bucket)
    for bucket, key in keys.items():
        if key is not None:
            db.session.add(RateEvent(bucket=bucket, key=key[:KEY_LENGTH], at=at))
