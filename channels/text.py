"""Text from outside, made safe to show."""

from __future__ import annotations

import re

# Unicode's Bidi_Control characters: embeddings, overrides, isolates and the
# marks. A sender uses them to make "Faktura \u202efdp.exe" show as
# "Faktura exe.pdf"; text read from outside never needs them.
BIDI_CONTROL = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def without_bidi_controls(text: str) -> str:
    """``text`` without the characters that reorder what is shown around them."""
    return BIDI_CONTROL.sub("", text)
