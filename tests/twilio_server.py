"""A local HTTP server that plays the part of Twilio's REST API for the real ``twilio`` library.

It answers the Messages resource (create and list) and serves MMS media,
checks HTTP Basic auth with the account SID and auth token, records what it
was sent, and can be told to fail like Twilio does (a 5xx, or a 400 with a
Twilio error code).
"""

from __future__ import annotations

import base64
import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

from werkzeug.wrappers import Request, Response

from tests.loopback_server import LoopbackServer

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "twilio-test-token"


@dataclass
class FakeTwilio(LoopbackServer):
    port: int
    sent: list[dict] = field(default_factory=list)
    #: Messages the list endpoint returns (as Twilio's JSON).
    inbound: list[dict] = field(default_factory=list)
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    #: ``(status, code)`` to fail every create with, or ``None``.
    fail_with: tuple[int, int] | None = None
    _serial: itertools.count = field(default_factory=lambda: itertools.count(1))

    def add_inbound(self, sender: str, to: str, body: str, sent_at: datetime) -> str:
        sid = f"SM{next(self._serial):032d}"
        self.inbound.append(_resource(sid, sender, to, body, "inbound", "received", sent_at))
        return sid

    def _app(self, environ, start_response):
        request = Request(environ)
        if not self._authorised(request):
            return _json({"code": 20003, "message": "Authenticate", "status": 401}, 401)(
                environ, start_response
            )
        if request.path.startswith("/media/"):
            content, kind = self.media.get(request.path, (b"", ""))
            status = 200 if content else 404
            return Response(content, status, content_type=kind or "text/plain")(
                environ, start_response
            )
        if request.path != f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json":
            return _json({"code": 20404, "message": "Not found", "status": 404}, 404)(
                environ, start_response
            )
        if request.method == "POST":
            return self._create(request)(environ, start_response)
        return self._list(request)(environ, start_response)

    def _authorised(self, request: Request) -> bool:
        expected = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        return request.headers.get("Authorization") == f"Basic {expected}"

    def _create(self, request: Request) -> Response:
        form = request.form.to_dict()
        if self.fail_with is not None:
            status, code = self.fail_with
            return _json({"code": code, "message": f"failure {code}", "status": status}, status)
        sid = f"SM{next(self._serial):032d}"
        self.sent.append({**form, "sid": sid})
        sender = form.get("From") or form.get("MessagingServiceSid", "")
        body = _resource(sid, sender, form["To"], form.get("Body", ""), "outbound-api", "queued")
        return _json(body, 201)

    def _list(self, request: Request) -> Response:
        to = request.args.get("To")
        records = [m for m in self.inbound if to is None or m["to"] == to]
        uri = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
        return _json(
            {
                "messages": records,
                "first_page_uri": uri,
                "next_page_uri": None,
                "previous_page_uri": None,
                "page": 0,
                "page_size": 50,
                "uri": uri,
                "start": 0,
                "end": len(records),
            }
        )


def _resource(sid, sender, to, body, direction, status, sent_at=None) -> dict:
    moment = format_datetime(sent_at or datetime.now(UTC), usegmt=True)
    return {
        "sid": sid,
        "account_sid": ACCOUNT_SID,
        "from": sender,
        "to": to,
        "body": body,
        "direction": direction,
        "status": status,
        "num_media": "0",
        "date_created": moment,
        "date_sent": moment,
        "date_updated": moment,
        "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json",
    }


def _json(payload: dict, status: int = 200) -> Response:
    return Response(json.dumps(payload), status, content_type="application/json")
