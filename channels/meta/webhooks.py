"""Facebook Messenger, Instagram DMs and comments on the page's posts, through Meta's Graph API.

Webhooks come in signed with the app secret (``X-Hub-Signature-256``); the
subscription is confirmed with a verify token. Replies go out with the page
access token. Meta only lets a page answer a private message within 24 hours
of the citizen's last one (7 days with the HUMAN_AGENT tag), so the inbox asks
:func:`reply_kind` before it queues a reply and tells :class:`GraphSender`
what it decided in the ``X-Meta-Reply`` header. ``graph_base_url`` points
elsewhere than ``https://graph.facebook.com`` (a local server in tests).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from channels.base import (
    Identity,
    IdentityKind,
    InboundMessage,
    OutboundMessage,
    SendResult,
    SendStatus,
    secret_from_environment,
)

GRAPH_API = "https://graph.facebook.com"
TIMEOUT_SECONDS = 30
REPLY_HEADER = "X-Meta-Reply"
COMMENT_HEADER = "X-Meta-Comment-Id"
RESPONSE_WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)
# Graph codes for "try again later" (unknown/temporary errors, rate limits); every
# other 4xx (permissions, blocked recipient, closed window) will never succeed.
TEMPORARY_CODES = frozenset({1, 2, 4, 17, 32, 613})
# A page with years of posts would otherwise be walked to the beginning on every pull.
MAX_PAGES = 20
# Graph ids are digits and underscores; anything else in a path could reach another endpoint.
GRAPH_ID = re.compile(r"[A-Za-z0-9_]+")


class MetaCredentialError(Exception):
    """A secret could not be had; the message names the account and the variable."""


class MetaApiError(requests.RequestException):
    """A pull could not be done: Graph refused it or answered something unreadable.

    A :class:`requests.RequestException`, so whoever already catches network
    errors for a pull catches this too. The message never contains the token.
    """


@dataclass(frozen=True)
class MetaAccount:
    """One configured Facebook page, with its linked Instagram account if any."""

    name: str
    page_id: str
    page_token_env: str
    app_secret_env: str
    verify_token_env: str
    instagram_account_id: str | None = None
    graph_base_url: str = GRAPH_API
    api_version: str = "v21.0"
    #: Meta granted the page the HUMAN_AGENT permission (replies up to 7 days).
    human_agent_tag: bool = False
    poll_interval_seconds: int = 300

    def page_token(self) -> str:
        return self._secret(self.page_token_env, "page_token_env")

    def app_secret(self) -> str:
        return self._secret(self.app_secret_env, "app_secret_env")

    def verify_token(self) -> str:
        return self._secret(self.verify_token_env, "verify_token_env")

    def url(self, path: str) -> str:
        return f"{self.graph_base_url.rstrip('/')}/{self.api_version}/{path.lstrip('/')}"

    def own_ids(self) -> frozenset[str]:
        """The ids the page and its Instagram account write under: never a citizen."""
        return frozenset(filter(None, (self.page_id, self.instagram_account_id)))

    def _secret(self, variable: str, setting: str) -> str:
        owner = f"Meta account {self.name!r}"
        return secret_from_environment(variable, owner, setting, MetaCredentialError)


def signature_is_valid(account: MetaAccount, raw_body: bytes, header: str | None) -> bool:
    """Whether ``X-Hub-Signature-256`` is the app secret's HMAC of exactly these bytes."""
    if not header or not header.startswith("sha256="):
        return False
    given = header.removeprefix("sha256=").strip().lower()
    if len(given) != 64 or any(char not in "0123456789abcdef" for char in given):
        return False
    expected = hmac.new(account.app_secret().encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(given.encode(), expected.encode())


def subscription_challenge(account: MetaAccount, args: Mapping[str, str]) -> str | None:
    """What to echo to Meta's GET verification, or ``None`` when it is not ours to confirm."""
    if args.get("hub.mode") != "subscribe":
        return None
    given = args.get("hub.verify_token") or ""
    if not hmac.compare_digest(given.encode(), account.verify_token().encode()):
        return None
    return args.get("hub.challenge") or None


# --- reading Graph's JSON -------------------------------------------------------------------


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _child(container: dict, key: str, path: str) -> dict:
    value = container.get(key)
    if value is None:
        raise ValueError(f"{path}.{key} is missing")
    if not isinstance(value, dict):
        raise ValueError(f"{path}.{key} is not an object but {_kind(value)}")
    return value


def _optional_child(container: dict, key: str, path: str) -> dict:
    if container.get(key) is None:
        return {}
    return _child(container, key, path)


def _items(container: dict, key: str, path: str) -> list:
    value = container.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"{path}.{key} is not a list but {_kind(value)}")
    return value


def _object(value: Any, path: str) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"{path} is not an object but {_kind(value)}")
    return value


def _id(container: dict, key: str, path: str) -> str:
    value = container.get(key)
    if value is None or value == "":
        raise ValueError(f"{path}.{key} is missing")
    # Graph sends ids as strings, but a few older payloads carry them as numbers.
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"{path}.{key} is not an id but {_kind(value)}")
    return str(value)


def _optional_id(container: dict, key: str, path: str) -> str | None:
    return _id(container, key, path) if container.get(key) not in (None, "") else None


def _text(container: dict, key: str, path: str) -> str:
    value = container.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{path}.{key} is not text but {_kind(value)}")
    return value


def _optional_name(container: dict, key: str) -> str | None:
    value = container.get(key)
    return value if isinstance(value, str) and value else None


def _epoch(container: dict, key: str, path: str, divisor: int, fallback: datetime) -> datetime:
    value = container.get(key)
    if value is None:
        return fallback
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{path}.{key} is not a number but {_kind(value)}: {value!r}")
    try:
        return datetime.fromtimestamp(value / divisor, UTC)
    except (OverflowError, OSError, ValueError):  # NaN, Infinity, before year 1 or after 9999
        raise ValueError(f"{path}.{key} is not a time: {value!r}") from None


def _iso_time(container: dict, key: str, path: str) -> datetime:
    value = container.get(key)
    if not isinstance(value, str) or not value:
        raise ValueError(f"{path}.{key} is missing")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{path}.{key} is not an ISO 8601 time: {value!r}") from None
    if moment.utcoffset() is None:
        raise ValueError(f"{path}.{key} has no time zone: {value!r}")
    return moment


# --- webhooks -------------------------------------------------------------------------------


def parse_webhook(
    account: MetaAccount, payload: Any, received_at: datetime
) -> list[InboundMessage]:
    """The citizens' messages and comments in one webhook call, in the order Meta sent them.

    Echoes of the page's own replies, delivery and read receipts, reactions and
    the page's own comments are left out. Raises ``ValueError`` naming the
    field path of anything malformed; the whole call is then refused, so Meta
    sends it again rather than part of it being lost.
    """
    if not isinstance(payload, dict):
        raise ValueError(f"the payload is not a JSON object but {_kind(payload)}")
    kind = payload.get("object")
    if not kind:
        raise ValueError("object is missing")
    if kind not in ("page", "instagram"):
        raise ValueError(f"object is {kind!r}, expected 'page' or 'instagram'")
    entries = payload.get("entry")
    if not isinstance(entries, list):
        raise ValueError(f"entry is not a list but {_kind(entries)}")
    channel = "facebook" if kind == "page" else "instagram"
    found: list[InboundMessage] = []
    for number, entry in enumerate(entries):
        path = f"entry[{number}]"
        entry = _object(entry, path)
        for index, event in enumerate(_items(entry, "messaging", path)):
            inbound = _messaging_event(
                account, channel, event, f"{path}.messaging[{index}]", received_at
            )
            if inbound is not None:
                found.append(inbound)
        for index, change in enumerate(_items(entry, "changes", path)):
            change_path = f"{path}.changes[{index}]"
            if channel == "facebook":
                inbound = _feed_comment(account, change, change_path, received_at)
            else:
                inbound = _instagram_comment(account, change, change_path, received_at)
            if inbound is not None:
                found.append(inbound)
    return found


def _messaging_event(
    account: MetaAccount, channel: str, event: Any, path: str, received_at: datetime
) -> InboundMessage | None:
    event = _object(event, path)
    if event.get("message") is None:
        return None  # delivery and read receipts, postbacks, reactions
    message = _child(event, "message", path)
    if message.get("is_echo"):
        return None
    sender_id = _id(_child(event, "sender", path), "id", f"{path}.sender")
    if sender_id in account.own_ids():
        return None
    mid = _id(message, "mid", f"{path}.message")
    recipient = _optional_child(event, "recipient", path)
    kind = IdentityKind.MESSENGER if channel == "facebook" else IdentityKind.INSTAGRAM
    return InboundMessage(
        channel=channel,
        account=account.name,
        external_id=mid,
        sender=Identity(kind, sender_id),
        received_at=_epoch(event, "timestamp", path, 1000, received_at),
        text=_text(message, "text", f"{path}.message"),
        metadata={
            "kind": "message",
            "mid": mid,
            "page_id": _optional_id(recipient, "id", f"{path}.recipient"),
            "attachment_urls": _attachment_urls(message, f"{path}.message"),
        },
    )


def _attachment_urls(message: dict, path: str) -> list[str]:
    """Where the pictures and files are; the inbox fetches them (they expire after a while)."""
    urls = []
    for index, attachment in enumerate(_items(message, "attachments", path)):
        attachment = _object(attachment, f"{path}.attachments[{index}]")
        payload = attachment.get("payload")
        # Locations and fallbacks have no file to fetch.
        url = payload.get("url") if isinstance(payload, dict) else None
        if isinstance(url, str) and url:
            urls.append(url)
    return urls


def _feed_comment(
    account: MetaAccount, change: Any, path: str, received_at: datetime
) -> InboundMessage | None:
    change = _object(change, path)
    if change.get("field") != "feed":
        return None
    value = _child(change, "value", path)
    if value.get("item") != "comment" or value.get("verb") != "add":
        return None  # reactions, posts, edits and removals
    value_path = f"{path}.value"
    author = _child(value, "from", value_path)
    author_id = _id(author, "id", f"{value_path}.from")
    if author_id in account.own_ids():
        return None
    comment_id = _id(value, "comment_id", value_path)
    return InboundMessage(
        channel="facebook",
        account=account.name,
        external_id=comment_id,
        sender=Identity(IdentityKind.MESSENGER, author_id, _optional_name(author, "name")),
        received_at=_epoch(value, "created_time", value_path, 1, received_at),
        text=_text(value, "message", value_path),
        metadata={
            "kind": "comment",
            "comment_id": comment_id,
            "post_id": _optional_id(value, "post_id", value_path),
            "parent_id": _optional_id(value, "parent_id", value_path),
        },
    )


def _instagram_comment(
    account: MetaAccount, change: Any, path: str, received_at: datetime
) -> InboundMessage | None:
    change = _object(change, path)
    if change.get("field") != "comments":
        return None  # mentions, story insights
    value = _child(change, "value", path)
    value_path = f"{path}.value"
    author = _child(value, "from", value_path)
    author_id = _id(author, "id", f"{value_path}.from")
    if author_id in account.own_ids():
        return None
    comment_id = _id(value, "id", value_path)
    media = _optional_child(value, "media", value_path)
    return InboundMessage(
        channel="instagram",
        account=account.name,
        external_id=comment_id,
        sender=Identity(IdentityKind.INSTAGRAM, author_id, _optional_name(author, "username")),
        received_at=received_at,
        text=_text(value, "text", value_path),
        metadata={
            "kind": "comment",
            "comment_id": comment_id,
            "media_id": _optional_id(media, "id", f"{value_path}.media"),
            "parent_id": _optional_id(value, "parent_id", value_path),
        },
    )


# --- replying -------------------------------------------------------------------------------


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
        try:
            token = account.page_token()
        except MetaCredentialError as error:
            return SendResult(SendStatus.FAILED, error=str(error))
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
                f"{_redacted(error, token)}",
            )
        return _send_result(where, path, response)


def _send_result(where: str, path: str, response: requests.Response) -> SendResult:
    body = _json_or_none(response)
    status = response.status_code
    if status >= 400:
        code, text = _graph_error(body, response)
        temporary = status >= 500 or status in (408, 429) or code in TEMPORARY_CODES
        return SendResult(
            SendStatus.FAILED if temporary else SendStatus.REJECTED,
            error=f"{where}: POST {path} answered HTTP {status}, {text}",
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


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _graph_error(body: Any, response: requests.Response) -> tuple[int | None, str]:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None, f"not a Graph error: {response.text[:200]!r}"
    code = error.get("code")
    code = code if isinstance(code, int) and not isinstance(code, bool) else None
    subcode = error.get("error_subcode")
    detail = f"Graph code {code}" + (f" (subcode {subcode})" if subcode is not None else "")
    return code, f"{detail}: {error.get('message', '')}"


def _redacted(error: Exception, token: str) -> str:
    """The error's text without the token: requests puts the whole URL, query and all, in it."""
    return str(error).replace(token, "<page token>")


# --- pulls ----------------------------------------------------------------------------------


def list_recent(account: MetaAccount, since: datetime) -> list[InboundMessage]:
    """Private messages and comments from citizens since ``since``, oldest first.

    Recovers what webhooks missed; the external ids are the webhooks' own
    (``mid``, comment id), so what came both ways is received once. Raises
    :class:`MetaApiError` naming the request (and the item) that went wrong,
    and :class:`MetaCredentialError` when the page token is not set.
    """
    token = account.page_token()
    found: list[InboundMessage] = []
    with requests.Session() as session:
        platforms = ["messenger"] + (["instagram"] if account.instagram_account_id else [])
        for platform in platforms:
            params = {"fields": "messages{id,message,from,created_time}", "platform": platform}
            where = f"GET {account.page_id}/conversations (platform={platform})"
            for page, data in _pages(session, account, token, "conversations", params, where):
                found.extend(
                    _guarded(account, where, page, _conversation_messages, platform, data, since)
                )
        params = {"fields": "comments{id,message,from,created_time}"}
        where = f"GET {account.page_id}/feed"
        for page, data in _pages(session, account, token, "feed", params, where):
            found.extend(_guarded(account, where, page, _feed_comments, data, since))
    return sorted(found, key=lambda inbound: (inbound.received_at, inbound.external_id))


def _guarded(account: MetaAccount, where: str, page: int, parse, *args) -> list[InboundMessage]:
    """``parse(account, *args)``, its ``ValueError`` told as which request and page it was."""
    try:
        return parse(account, *args)
    except ValueError as error:
        message = f"Meta account {account.name!r}: {where}, page {page}: {error}"
        raise MetaApiError(message) from None


def _pages(
    session: requests.Session,
    account: MetaAccount,
    token: str,
    edge: str,
    params: dict[str, str],
    where: str,
) -> Iterator[tuple[int, list]]:
    """Each page's ``data``, following ``paging.next`` up to :data:`MAX_PAGES` pages."""
    url = account.url(f"{account.page_id}/{edge}")
    query: dict[str, str] = params
    prefix = f"Meta account {account.name!r}: {where}"
    for page in range(1, MAX_PAGES + 1):
        try:
            response = session.get(
                url, params={**query, "access_token": token}, timeout=TIMEOUT_SECONDS
            )
        except requests.RequestException as error:
            raise MetaApiError(
                f"{prefix}, page {page} failed: {type(error).__name__}: {_redacted(error, token)}"
            ) from None
        body = _json_or_none(response)
        if response.status_code >= 400:
            _, text = _graph_error(body, response)
            raise MetaApiError(
                f"{prefix}, page {page} answered HTTP {response.status_code}, {text}",
                response=response,
            )
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise MetaApiError(
                f"{prefix}, page {page}: the answer has no data list: {response.text[:200]!r}"
            )
        yield page, body["data"]
        paging = body.get("paging")
        next_url = paging.get("next") if isinstance(paging, dict) else None
        if not isinstance(next_url, str) or not next_url:
            return
        url, query = _next_page(account, next_url, f"{prefix}, page {page}"), {}


def _next_page(account: MetaAccount, next_url: str, where: str) -> str:
    """``paging.next`` without its token (ours is added), and only on the Graph server."""
    parts = urlsplit(next_url)
    graph = urlsplit(account.graph_base_url)
    if (parts.scheme, parts.netloc) != (graph.scheme, graph.netloc):
        # The token goes with every request; it must not go anywhere else.
        raise MetaApiError(
            f"{where}: paging.next leads to {parts.scheme}://{parts.netloc}, "
            f"not to {account.graph_base_url}"
        )
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != "access_token"]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _conversation_messages(
    account: MetaAccount, platform: str, data: list, since: datetime
) -> list[InboundMessage]:
    channel = "facebook" if platform == "messenger" else "instagram"
    kind = IdentityKind.MESSENGER if channel == "facebook" else IdentityKind.INSTAGRAM
    name_field = "name" if channel == "facebook" else "username"
    own_id = account.page_id if channel == "facebook" else account.instagram_account_id
    found = []
    for number, conversation in enumerate(data):
        path = f"data[{number}]"
        conversation = _object(conversation, path)
        for item, item_path, author, author_id, created in _listed(
            account, conversation, "messages", path, since
        ):
            mid = _id(item, "id", item_path)
            found.append(
                InboundMessage(
                    channel=channel,
                    account=account.name,
                    external_id=mid,
                    sender=Identity(kind, author_id, _optional_name(author, name_field)),
                    received_at=created,
                    text=_text(item, "message", item_path),
                    metadata={
                        "kind": "message",
                        "mid": mid,
                        "page_id": own_id,
                        "attachment_urls": [],
                    },
                )
            )
    return found


def _listed(account: MetaAccount, parent: dict, edge: str, path: str, since: datetime):
    """The items of a listing's ``edge`` written by someone else than us, since ``since``:
    each with its path (for errors), its author, the author's id and when it was written."""
    listing = _optional_child(parent, edge, path)
    for index, item in enumerate(_items(listing, "data", f"{path}.{edge}")):
        item_path = f"{path}.{edge}.data[{index}]"
        item = _object(item, item_path)
        author = _child(item, "from", item_path)
        author_id = _id(author, "id", f"{item_path}.from")
        created = _iso_time(item, "created_time", item_path)
        if author_id not in account.own_ids() and created >= since:
            yield item, item_path, author, author_id, created


def _feed_comments(account: MetaAccount, data: list, since: datetime) -> list[InboundMessage]:
    found = []
    for number, post in enumerate(data):
        path = f"data[{number}]"
        post = _object(post, path)
        post_id = _id(post, "id", path)
        for item, item_path, author, author_id, created in _listed(
            account, post, "comments", path, since
        ):
            comment_id = _id(item, "id", item_path)
            found.append(
                InboundMessage(
                    channel="facebook",
                    account=account.name,
                    external_id=comment_id,
                    sender=Identity(
                        IdentityKind.MESSENGER, author_id, _optional_name(author, "name")
                    ),
                    received_at=created,
                    text=_text(item, "message", item_path),
                    metadata={
                        "kind": "comment",
                        "comment_id": comment_id,
                        "post_id": post_id,
                        # The comments edge lists top-level comments, whose parent is the post.
                        "parent_id": post_id,
                    },
                )
            )
    return found
