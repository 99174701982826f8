"""What a dispatcher's round did: a plain dataclass, so a command can say it without the
outbox's machinery (and SQLAlchemy) loaded."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class DispatchReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def claimed(self) -> int:
        return self.sent + self.retried + self.failed + self.skipped

    def __bool__(self) -> bool:
        return bool(self.claimed)

    def __add__(self, other: DispatchReport) -> DispatchReport:
        return DispatchReport(
            self.sent + other.sent,
            self.retried + other.retried,
            self.failed + other.failed,
            self.skipped + other.skipped,
        )

    def __str__(self) -> str:
        return (
            f"sent={self.sent} retried={self.retried} failed={self.failed} skipped={self.skipped}"
        )
