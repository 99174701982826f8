"""The daily turn counts under the name they had before ``inbox/`` was split into feature
packages; they live in :mod:`inbox.reports.turn_days`.

Kept for code outside Svarfrist that loads cases the way the report counts them: the
side-by-side benchmark's adapter (``../shared/peers/adapters/svarfrist.py``) imports
``inbox.turn_days``.
"""

from inbox.reports.turn_days import FIELDS, counts_of

__all__ = ["FIELDS", "counts_of"]
