"""The stylesheets parse as their authors meant: every block closed where it should be.

An unclosed ``@media (max-width: …) {`` swallows every rule after it, which then applies
only on narrow screens (the queue's "needs attention" panel lost its frame at 1366 px).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STYLESHEETS = sorted((Path(__file__).parent.parent / "static" / "css").glob("*.css"))
COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
STRING = re.compile(r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'")


def _depths(text: str):
    """(line number, nesting depth after the line) for every line, comments and strings
    left out."""
    text = STRING.sub('""', COMMENT.sub(lambda found: "\n" * found.group().count("\n"), text))
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        depth += line.count("{") - line.count("}")
        yield number, depth


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda path: path.name)
def test_every_block_is_closed(path):
    depths = list(_depths(path.read_text()))
    assert depths, f"{path.name} is empty"
    assert min(depth for _, depth in depths) >= 0, f"{path.name} closes a block it never opened"
    assert depths[-1][1] == 0, f"{path.name} ends inside a block"


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda path: path.name)
def test_no_media_query_holds_another_at_rule(path):
    """A ``@media`` opened while another is still open is the sign of a lost ``}``."""
    text = STRING.sub('""', COMMENT.sub("", path.read_text()))
    depth = 0
    for line in text.splitlines():
        if line.lstrip().startswith("@media"):
            assert depth == 0, f"{path.name}: {line.strip()!r} inside another block"
        depth += line.count("{") - line.count("}")
