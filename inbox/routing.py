"""URL converters shared by the pages and the API."""

from __future__ import annotations

from werkzeug.routing import BaseConverter, IntegerConverter

#: PostgreSQL's largest ``integer``: the largest id a row can have.
MAX_ROW_ID = 2**31 - 1


class RowId(IntegerConverter):
    """``<id:name>`` in a route: a row's id, 1 to :data:`MAX_ROW_ID`. A larger number is
    no row (404), rather than an error from the database."""

    def __init__(self, url_map) -> None:
        super().__init__(url_map, min=1, max=MAX_ROW_ID)


class Reference(BaseConverter):
    """``<reference:name>`` in a route: a case's reference, one path segment without U+0000.
    PostgreSQL's text cannot hold U+0000, so such an address is no case (404), rather than
    an error from the database."""

    regex = "[^/\x00]+"
