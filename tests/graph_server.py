"""A local HTTP server that plays the part of Meta's Graph API for ``channels.meta``.

It answers the Send API (``me/messages``), comment replies (Facebook
``{comment-id}/comments``, Instagram ``{comment-id}/replies``) and the page's
``conversations`` and ``feed`` listings, paginated with ``paging.next`` like
Graph. It checks the page access token, records what it was sent and every
call, and can be told to fail like Graph does (an HTTP status with a Graph
error code) or to answer slowly.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from tests.loopback_server import LoopbackServer

PAGE_TOKEN = "graph-test-page-token"
PAGE_ID = "104000000000001"
INSTAGRAM_ACCOUNT_ID = "17841400000000001"
API_VERSION = "v21.0"


@dataclass
class FakeGraph(LoopbackServer):
    port: int
    #: What was sent: ``{"path": ..., "json": ...}`` or ``{"path": ..., "form": ...}``.
    sent: list[dict] = field(default_factory=list)
    #: Every request: ``{"method", "path", "args"}`` (the token left out).
    calls: list[dict] = field(default_factory=list)
    #: Graph conversation objects served for ``platform=messenger``.
    conversations: list[dict] = field(default_factory=list)
    #: Graph conversation objects served for ``platform=instagram``.
    instagram_conversations: list[dict] = field(default_factory=list)
    #: Graph comment objects, each with the ``post_id`` of the post it is under.
    comments: list[dict] = field(default_factory=list)
    #: How many conversations or posts one page of a listing holds.
    page_size: int = 25
    #: ``(HTTP status, Graph code)`` to fail every request with, or ``None``.
    fail_with: tuple[int, int] | None = None
    #: Seconds to wait before answering (to make a client time out).
    delay: float = 0.0
    _serial: itertools.count = field(default_factory=lambda: itertools.count(1))

    def add_message(
        self,
        conversation_id: str,
        sender: dict,
        text: str,
        created_at: datetime,
        *,
        platform: str = "messenger",
    ) -> str:
        """A message in a conversation (made if new), newest first as Graph lists them."""
        mid = f"m_{next(self._serial):020d}"
        listing = self.conversations if platform == "messenger" else self.instagram_conversations
        conversation = next((c for c in listing if c["id"] == conversation_id), None)
        if conversation is None:
            conversation = {"id": conversation_id, "messages": {"data": []}}
            listing.append(conversation)
        conversation["messages"]["data"].insert(
            0, {"id": mid, "message": text, "from": sender, "created_time": _graph_time(created_at)}
        )
        return mid

    def add_comment(self, post_id: str, sender: dict, text: str, created_at: datetime) -> str:
        comment_id = f"{post_id.rpartition('_')[2]}_{next(self._serial):015d}"
        self.comments.append(
            {
                "post_id": post_id,
                "id": comment_id,
                "message": text,
                "from": sender,
                "created_time": _graph_time(created_at),
            }
        )
        return comment_id

    def _app(self, environ, start_response):
        return self._answer(Request(environ))(environ, start_response)

    def _answer(self, request: Request) -> Response:
        if self.delay:
            time.sleep(self.delay)
        args = {key: value for key, value in request.args.items() if key != "access_token"}
        self.calls.append({"method": request.method, "path": request.path, "args": args})
        tokens = request.args.getlist("access_token") + request.form.getlist("access_token")
        if len(tokens) > 1:
            return _error(400, 100, "access_token was given more than once")
        if tokens != [PAGE_TOKEN]:
            return _error(400, 190, "Invalid OAuth access token.", "OAuthException")
        if self.fail_with is not None:
            status, code = self.fail_with
            return _error(status, code, f"failure {code}")
        prefix = f"/{API_VERSION}/"
        if not request.path.startswith(prefix):
            return _error(400, 2500, f"Unknown path components: {request.path}")
        parts = request.path[len(prefix) :].split("/")
        if request.method == "POST" and parts == ["me", "messages"]:
            return self._send_message(request)
        if request.method == "POST" and len(parts) == 2 and parts[1] in ("comments", "replies"):
            return self._reply_to_comment(request, parts[0])
        if request.method == "GET" and parts == [PAGE_ID, "conversations"]:
            platform = request.args.get("platform", "messenger")
            if platform == "instagram":
                return self._listing(request, self.instagram_conversations)
            return self._listing(request, self.conversations)
        if request.method == "GET" and parts == [PAGE_ID, "feed"]:
            return self._listing(request, self._posts())
        return _error(400, 100, f"Unsupported {request.method} request: {request.path}")

    def _send_message(self, request: Request) -> Response:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return _error(400, 100, "The parameter recipient is required")
        recipient = (body.get("recipient") or {}).get("id")
        text = (body.get("message") or {}).get("text")
        if not recipient or not text:
            return _error(400, 100, "The parameter recipient and message.text are required")
        if body.get("messaging_type") == "MESSAGE_TAG" and not body.get("tag"):
            return _error(400, 100, "Param tag is required for MESSAGE_TAG")
        self.sent.append({"path": request.path, "json": body})
        mid = f"m_{next(self._serial):020d}"
        return _json({"recipient_id": recipient, "message_id": mid})

    def _reply_to_comment(self, request: Request, comment_id: str) -> Response:
        form = {key: value for key, value in request.form.items() if key != "access_token"}
        if not form.get("message"):
            return _error(400, 100, "(#100) The parameter message is required")
        self.sent.append({"path": request.path, "form": form})
        return _json({"id": f"{comment_id.rpartition('_')[0] or comment_id}_{next(self._serial)}"})

    def _posts(self) -> list[dict]:
        posts: dict[str, list[dict]] = {}
        for comment in self.comments:
            shown = {key: value for key, value in comment.items() if key != "post_id"}
            posts.setdefault(comment["post_id"], []).append(shown)
        return [{"id": post_id, "comments": {"data": found}} for post_id, found in posts.items()]

    def _listing(self, request: Request, records: list[dict]) -> Response:
        start = int(request.args.get("after", "0"))
        page = records[start : start + self.page_size]
        paging: dict = {"cursors": {"before": str(start), "after": str(start + len(page))}}
        if start + len(page) < len(records):
            # Graph's own next links carry the token; the client must not send it twice.
            query = {**request.args.to_dict(), "after": str(start + len(page))}
            query["access_token"] = PAGE_TOKEN
            paging["next"] = f"{self.base_url}{request.path}?{urlencode(query)}"
        return _json({"data": page, "paging": paging})


def _graph_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _error(status: int, code: int, message: str, kind: str = "GraphMethodException") -> Response:
    payload = {"error": {"message": message, "type": kind, "code": code, "fbtrace_id": "Afake"}}
    return _json(payload, status)


def _json(payload: dict, status: int = 200) -> Response:
    return Response(json.dumps(payload), status, content_type="application/json")
