"""Replies through the Graph API, within the windows Meta allows.

Meta only lets a page answer a private message within 24 hours of the
citizen's last one (7 days with the HUMAN_AGENT tag), so the inbox asks
:func:`reply_kind` before it queues a reply and tells :class:`GraphSender`
what it decided in the ``X-Meta-Reply`` header; a comment is answered under
it, with its id in ``X-Meta-Comment-Id``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from channels.base import OutboundMessage, SendResult, SendStatus
from channels.meta.account import TIMEOUT_SECONDS, MetaAccount, MetaCredentialError
from channels.meta.graph_json import graph_error, json_or_none, redacted

if TYPE_CHECKING:
    import requests

REPLY_HEADER = "X-Meta-Reply"
COMMENT_HEADER = "X-Meta-Comment-Id"
RESPONSE_WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)
# Graph codes for "try again later" (unknown/temporary errors, rate limits); every
# other 4xx (permissions, blocked recipient, closed window) will never succeed.
TEMPORARY_CODES = frozenset({1, 2, 4, 17, 32, 613})
# Graph ids are digits and underscores; anything else in a path could reach another endpoint.
GRAPH_ID = re.compile(r"[A-Za-z0-9_]+")


def reply_kind(kind: str, last_from_citizen: datetime, now: datetime, human_agent_tag: bool) -> str:
    """How a reply may go out: ``response``, ``human_agent``, ``comment`` or ``outside_window``.

    A comment can always be answered publicly. A private message only within
    Meta's windows, counted from the citizen's last message; ``outside_window``
    means Meta would refuse it and staff must answer another way.
    """
    if kind == "comment":
        return "comment"
    elapsed = now - last_from_citizen
    if elapsed < RESPONSE_WINDOW:
        return "response"
    if human_agent_tag and elapsed < HUMAN_AGENT_WINDOW:
        return "human_agent"
    return "outside_window"


class GraphSender:
    """Sends replies to private messages and comments with the page access token."""

    def __init__(self, account: MetaAccount, timeout: float = TIMEOUT_SECONDS) -> None:
        # requests is imported by a sender only: the intake names this module for its reply
        # kinds, and an e-mail poll would pay 0.1 s for a library it never calls.
        import requests

        self.account = account
        self.timeout = timeout
        self.session = requests.Session()

    def close(self) -> None:
        self.session.close()

    def send(self, message: OutboundMessage) -> SendResult:
        account = self.account
        where = f"Meta account {account.name!r}, {message.channel} reply to {message.recipient}"
        reply = message.headers.get(REPLY_HEADER)
        if reply is None or reply == "outside_window":
            told = f"{REPLY_HEADER} is {reply!r}" if reply else f"{REPLY_HEADER} is missing"
            return SendResult(
                SendStatus.REJECTED,
                error=f"{where}: outside Meta's 24-hour window ({told}); "
                "answer the citizen another way",
            )
        if reply in ("response", "human_agent"):
            if reply == "human_agent" and not account.human_agent_tag:
                return SendResult(
                    SendStatus.REJECTED,
                    error=f"{where}: {REPLY_HEADER} is 'human_agent' but the account does "
                    "not have Meta's HUMAN_AGENT permission (human_agent_tag)",
                )
            path = "me/messages"
            body: dict[str, Any] = {
                "recipient": {"id": message.recipient},
                "messaging_type": "RESPONSE",
                "message": {"text": message.text},
            }
            if reply == "human_agent":
                body.update(messaging_type="MESSAGE_TAG", tag="HUMAN_AGENT")
            content: dict[str, Any] = {"json": body}
        elif reply == "comment":
            comment_id = message.headers.get(COMMENT_HEADER) or ""
            if not GRAPH_ID.fullmatch(comment_id):
                what = f"is {comment_id!r}, not a Graph id" if comment_id else "is missing"
                return SendResult(SendStatus.REJECTED, error=f"{where}: {COMMENT_HEADER} {what}")
            # Facebook answers a comment with a comment under it; Instagram with a reply.
            edge = {"facebook": "comments", "instagram": "replies"}.get(message.channel)
            if edge is None:
                return SendResult(
                    SendStatus.REJECTED,
                    error=f"{where}: channel {message.channel!r} has no comments; "
                    "expected 'facebook' or 'instagram'",
                )
            path = f"{comment_id}/{edge}"
            content = {"data": {"message": message.text}}
        else:
            return SendResult(
                SendStatus.REJECTED,
                error=f"{where}: {REPLY_HEADER} is {reply!r}; expected 'response', "
                "'human_agent', 'comment' or 'outside_window'",
            )
        import requests

        try:
            token = account.page_token()
        except MetaCredentialError as error:
            return SendResult(SendStatus.FAILED, error=str(error), is_outage=True)
        try:
            response = self.session.post(
                account.url(path),
                params={"access_token": token},
                timeout=self.timeout,
                **content,
            )
        except requests.RequestException as error:
            return SendResult(
                SendStatus.FAILED,
                error=f"{where}: POST {path} failed: {type(error).__name__}: "
                f"{redacted(error, token)}",
                is_outage=True,
            )
        return _send_result(where, path, response)


def _send_result(where: str, path: str, response: requests.Response) -> SendResult:
    body = json_or_none(response)
    status = response.status_code
    if status >= 400:
        code, text = graph_error(body, response)
        temporary = status >= 500 or status in (408, 429) or code in TEMPORARY_CODES
        return SendResult(
            SendStatus.FAILED if temporary else SendStatus.REJECTED,
            error=f"{where}: POST {path} answered HTTP {status}, {text}",
            is_outage=status >= 500,
        )
    sent_id = (body.get("message_id") or body.get("id")) if isinstance(body, dict) else None
    if not sent_id:
        # Not Graph's answer (a proxy's page?), so most likely nothing was sent.
        return SendResult(
            SendStatus.FAILED,
            error=f"{where}: POST {path} answered HTTP {status} without message_id or id: "
            f"{response.text[:200]!r}",
        )
    return SendResult(SendStatus.SENT, external_id=str(sent_id))
