"""JSON from outside is measured before it is parsed, so no depth makes Python recurse."""

from __future__ import annotations

import pytest

from inbox.outside_json import MAX_DEPTH, TooDeep, loads, nesting_depth


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ('{"a": [1, {"b": []}]}', 4),
        ('["[[[[", "\\"[{"]', 1),  # brackets inside strings, an escaped quote
        (b'{"x": "}}}"}', 1),
    ],
)
def test_nesting_depth_counts_brackets_outside_strings(text, depth):
    assert nesting_depth(text) == depth


def test_json_deeper_than_the_limit_is_refused_before_parsing():
    assert loads("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    with pytest.raises(TooDeep, match="nested too deeply to read"):
        loads("[" * 50_000 + "]" * 50_000)
