"""Pulling what webhooks missed: the page's recent conversations and comments, page by page.

The listings are Graph's ``conversations`` (per platform) and ``feed``
edges; ``paging.next`` is followed only on the Graph server itself, and the
page token never leaves it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from channels.base import Identity, IdentityKind, InboundMessage
from channels.meta.account import TIMEOUT_SECONDS, MetaAccount
from channels.meta.graph_json import (
    JsonObject,
    child,
    graph_error,
    graph_id,
    iso_time,
    items,
    json_object,
    json_or_none,
    optional_child,
    optional_name,
    redacted,
    text_field,
)

# A page with years of posts would otherwise be walked to the beginning on every pull.
MAX_PAGES = 20
# One listed item written by someone else: the item, its path (for errors), its author,
# the author's id and when it was written.
Listed = tuple[JsonObject, str, JsonObject, str, datetime]


class MetaApiError(requests.RequestException):
    """A pull could not be done: Graph refused it or answered something unreadable.

    A :class:`requests.RequestException`, so whoever already catches network
    errors for a pull catches this too. The message never contains the token.
    """


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
                with _told_as(account, where, page):
                    found.extend(_conversation_messages(account, platform, data, since))
        params = {"fields": "comments{id,message,from,created_time}"}
        where = f"GET {account.page_id}/feed"
        for page, data in _pages(session, account, token, "feed", params, where):
            with _told_as(account, where, page):
                found.extend(_feed_comments(account, data, since))
    return sorted(found, key=lambda inbound: (inbound.received_at, inbound.external_id))


@contextmanager
def _told_as(account: MetaAccount, where: str, page: int) -> Iterator[None]:
    """A ``ValueError`` of reading one page, told as which request and page it was."""
    try:
        yield
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
) -> Iterator[tuple[int, list[Any]]]:
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
                f"{prefix}, page {page} failed: {type(error).__name__}: {redacted(error, token)}"
            ) from None
        body = json_or_none(response)
        if response.status_code >= 400:
            _, text = graph_error(body, response)
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
    account: MetaAccount, platform: str, data: list[Any], since: datetime
) -> list[InboundMessage]:
    channel = "facebook" if platform == "messenger" else "instagram"
    kind = IdentityKind.MESSENGER if channel == "facebook" else IdentityKind.INSTAGRAM
    name_field = "name" if channel == "facebook" else "username"
    own_id = account.page_id if channel == "facebook" else account.instagram_account_id
    found = []
    for number, conversation in enumerate(data):
        path = f"data[{number}]"
        conversation = json_object(conversation, path)
        for item, item_path, author, author_id, created in _listed(
            account, conversation, "messages", path, since
        ):
            mid = graph_id(item, "id", item_path)
            found.append(
                InboundMessage(
                    channel=channel,
                    account=account.name,
                    external_id=mid,
                    sender=Identity(kind, author_id, optional_name(author, name_field)),
                    received_at=created,
                    text=text_field(item, "message", item_path),
                    metadata={
                        "kind": "message",
                        "mid": mid,
                        "page_id": own_id,
                        "attachment_urls": [],
                    },
                )
            )
    return found


def _listed(
    account: MetaAccount, parent: JsonObject, edge: str, path: str, since: datetime
) -> Iterator[Listed]:
    """The items of a listing's ``edge`` written by someone else than us, since ``since``."""
    listing = optional_child(parent, edge, path)
    for index, item in enumerate(items(listing, "data", f"{path}.{edge}")):
        item_path = f"{path}.{edge}.data[{index}]"
        item = json_object(item, item_path)
        author = child(item, "from", item_path)
        author_id = graph_id(author, "id", f"{item_path}.from")
        created = iso_time(item, "created_time", item_path)
        if author_id not in account.own_ids() and created >= since:
            yield item, item_path, author, author_id, created


def _feed_comments(account: MetaAccount, data: list[Any], since: datetime) -> list[InboundMessage]:
    found = []
    for number, post in enumerate(data):
        path = f"data[{number}]"
        post = json_object(post, path)
        post_id = graph_id(post, "id", path)
        for item, item_path, author, author_id, created in _listed(
            account, post, "comments", path, since
        ):
            comment_id = graph_id(item, "id", item_path)
            found.append(
                InboundMessage(
                    channel="facebook",
                    account=account.name,
                    external_id=comment_id,
                    sender=Identity(
                        IdentityKind.MESSENGER, author_id, optional_name(author, "name")
                    ),
                    received_at=created,
                    text=text_field(item, "message", item_path),
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
