"""The HTML alternative of a plain-text message we send."""

from __future__ import annotations

from html import escape


def text_to_html(text: str) -> str:
    """Paragraphs for blank-line-separated blocks, line breaks kept; everything escaped."""
    paragraphs = [block for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]
    body = "\n".join(
        "<p>" + "<br>\n".join(escape(line) for line in block.split("\n")) + "</p>"
        for block in paragraphs
    )
    head = '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>'
    return f"{head}\n{body}\n</body></html>\n"
