"""Meta's webhooks: the signature, the subscription challenge, and the payloads as messages.

Webhooks come in signed with the app secret (``X-Hub-Signature-256``); the
subscription is confirmed with a verify token. A page's payload (``object``
``page``) carries Messenger messages and comments on the page's posts; an
Instagram one (``instagram``) direct messages and comments on its media.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from channels.base import Identity, IdentityKind, InboundMessage
from channels.meta.account import MetaAccount
from channels.meta.graph_json import (
    JsonObject,
    child,
    epoch,
    graph_id,
    items,
    json_object,
    kind_of,
    optional_child,
    optional_id,
    optional_name,
    text_field,
)


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


@dataclass(frozen=True)
class CommentShape:
    """Where one platform's comment webhook (a ``changes`` item) keeps each part of a comment."""

    channel: str
    identity: IdentityKind
    #: The change's ``field`` that carries comments.
    change_field: str
    #: Values the change's ``value`` must have to be a new comment.
    only: tuple[tuple[str, str], ...]
    id_key: str
    #: The author's display name under ``from``.
    name_key: str
    text_key: str
    #: Seconds since the epoch when it was written; ``None``: the webhook's own time.
    time_key: str | None
    #: The metadata key for what was commented on, and the path to its id under ``value``.
    thread_key: str
    thread_path: tuple[str, ...]


FACEBOOK_COMMENTS = CommentShape(
    channel="facebook",
    identity=IdentityKind.MESSENGER,
    change_field="feed",
    # The feed also tells of reactions, posts, edits and removals.
    only=(("item", "comment"), ("verb", "add")),
    id_key="comment_id",
    name_key="name",
    text_key="message",
    time_key="created_time",
    thread_key="post_id",
    thread_path=("post_id",),
)
INSTAGRAM_COMMENTS = CommentShape(
    channel="instagram",
    identity=IdentityKind.INSTAGRAM,
    # Mentions and story insights come under fields of their own.
    change_field="comments",
    only=(),
    id_key="id",
    name_key="username",
    text_key="text",
    # Instagram's comment webhook says nothing of when the comment was written.
    time_key=None,
    thread_key="media_id",
    thread_path=("media", "id"),
)


def parse_webhook(
    account: MetaAccount, payload: Any, received_at: datetime
) -> list[InboundMessage]:
    """The citizens' messages and comments in one webhook call, in the order Meta sent them.

    Each counts from ``received_at``, when the webhook reached us (Meta may
    deliver a day late); the event's own time is kept as ``sent_at`` in the
    metadata (the arrival when the event has none), for Meta's reply window.
    Echoes of the page's own replies, delivery and read receipts, reactions and
    the page's own comments are left out. Raises ``ValueError`` naming the
    field path of anything malformed; the whole call is then refused, so Meta
    sends it again rather than part of it being lost.
    """
    if not isinstance(payload, dict):
        raise ValueError(f"the payload is not a JSON object but {kind_of(payload)}")
    kind = payload.get("object")
    if not kind:
        raise ValueError("object is missing")
    if kind not in ("page", "instagram"):
        raise ValueError(f"object is {kind!r}, expected 'page' or 'instagram'")
    entries = payload.get("entry")
    if not isinstance(entries, list):
        raise ValueError(f"entry is not a list but {kind_of(entries)}")
    channel = "facebook" if kind == "page" else "instagram"
    comments = FACEBOOK_COMMENTS if channel == "facebook" else INSTAGRAM_COMMENTS
    found: list[InboundMessage] = []
    for number, entry in enumerate(entries):
        path = f"entry[{number}]"
        entry = json_object(entry, path)
        for index, event in enumerate(items(entry, "messaging", path)):
            inbound = _messaging_event(
                account, channel, event, f"{path}.messaging[{index}]", received_at
            )
            if inbound is not None:
                found.append(inbound)
        for index, change in enumerate(items(entry, "changes", path)):
            inbound = _comment(account, comments, change, f"{path}.changes[{index}]", received_at)
            if inbound is not None:
                found.append(inbound)
    return found


def _messaging_event(
    account: MetaAccount, channel: str, event: Any, path: str, received_at: datetime
) -> InboundMessage | None:
    event = json_object(event, path)
    if event.get("message") is None:
        return None  # delivery and read receipts, postbacks, reactions
    message = child(event, "message", path)
    if message.get("is_echo"):
        return None
    sender_id = graph_id(child(event, "sender", path), "id", f"{path}.sender")
    if sender_id in account.own_ids():
        return None
    mid = graph_id(message, "mid", f"{path}.message")
    recipient = optional_child(event, "recipient", path)
    kind = IdentityKind.MESSENGER if channel == "facebook" else IdentityKind.INSTAGRAM
    return InboundMessage(
        channel=channel,
        account=account.name,
        external_id=mid,
        sender=Identity(kind, sender_id),
        received_at=received_at,
        text=text_field(message, "text", f"{path}.message"),
        metadata={
            "kind": "message",
            "sent_at": epoch(event, "timestamp", path, 1000, received_at).isoformat(),
            "mid": mid,
            "page_id": optional_id(recipient, "id", f"{path}.recipient"),
            "attachment_urls": _attachment_urls(message, f"{path}.message"),
        },
    )


def _attachment_urls(message: JsonObject, path: str) -> list[str]:
    """Where the pictures and files are; the inbox fetches them (they expire after a while)."""
    urls = []
    for index, attachment in enumerate(items(message, "attachments", path)):
        attachment = json_object(attachment, f"{path}.attachments[{index}]")
        payload = attachment.get("payload")
        # Locations and fallbacks have no file to fetch.
        url = payload.get("url") if isinstance(payload, dict) else None
        if isinstance(url, str) and url:
            urls.append(url)
    return urls


def _comment(
    account: MetaAccount, shape: CommentShape, change: Any, path: str, received_at: datetime
) -> InboundMessage | None:
    change = json_object(change, path)
    if change.get("field") != shape.change_field:
        return None
    value = child(change, "value", path)
    if any(value.get(key) != wanted for key, wanted in shape.only):
        return None
    value_path = f"{path}.value"
    author = child(value, "from", value_path)
    author_id = graph_id(author, "id", f"{value_path}.from")
    if author_id in account.own_ids():
        return None
    comment_id = graph_id(value, shape.id_key, value_path)
    written_at = (
        epoch(value, shape.time_key, value_path, 1, received_at)
        if shape.time_key is not None
        else received_at
    )
    thread, thread_path = value, value_path
    for key in shape.thread_path[:-1]:
        thread, thread_path = optional_child(thread, key, thread_path), f"{thread_path}.{key}"
    return InboundMessage(
        channel=shape.channel,
        account=account.name,
        external_id=comment_id,
        sender=Identity(shape.identity, author_id, optional_name(author, shape.name_key)),
        received_at=received_at,
        text=text_field(value, shape.text_key, value_path),
        metadata={
            "kind": "comment",
            "sent_at": written_at.isoformat(),
            "comment_id": comment_id,
            shape.thread_key: optional_id(thread, shape.thread_path[-1], thread_path),
            "parent_id": optional_id(value, "parent_id", value_path),
        },
    )
