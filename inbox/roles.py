"""The roles a staff member can have: a plain enum, so the configuration (``[auth]``'s
grants) names them without the models and SQLAlchemy loaded."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    STAFF = "staff"
    LEADER = "leader"
    ADMIN = "admin"
