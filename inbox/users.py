"""Staff accounts under the name they had before ``inbox/`` was split into feature packages;
they live in :mod:`inbox.people.users`.

Kept for code outside Svarfrist that creates staff: the side-by-side benchmark's adapter
(``../shared/peers/adapters/svarfrist.py``) imports ``inbox.users.create_user``.
"""

from inbox.people.users import create_user

__all__ = ["create_user"]
