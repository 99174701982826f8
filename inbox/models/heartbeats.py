"""Signs of life from the background worker, read by /healthz."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from inbox.columns import UTCDateTime
from inbox.extensions import db

#: How often a running worker updates its row.
HEARTBEAT_SECONDS = 10


class WorkerHeartbeat(db.Model):
    """One row per worker process (host and pid), updated every few seconds while it runs."""

    __tablename__ = "worker_heartbeats"

    worker: Mapped[str] = mapped_column(String(200), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<WorkerHeartbeat {self.worker} {self.beat_at:%H:%M:%S}>"
