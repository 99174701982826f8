"""A channel that records what it was asked to send, for tests and the demo."""

from __future__ import annotations

from dataclasses import dataclass, field

from channels.base import OutboundMessage, SendResult, SendStatus


@dataclass
class FakeSender:
    """Records every message; fails the next ``fail_next`` sends with ``error``."""

    sent: list[OutboundMessage] = field(default_factory=list)
    fail_next: int = 0
    error: str = "connection refused"
    reject: bool = False

    def send(self, message: OutboundMessage) -> SendResult:
        if self.reject:
            return SendResult(SendStatus.REJECTED, error=self.error)
        if self.fail_next > 0:
            self.fail_next -= 1
            return SendResult(SendStatus.FAILED, error=self.error)
        self.sent.append(message)
        return SendResult(SendStatus.SENT, external_id=f"fake-{len(self.sent)}")
