"""File names from outside, as they are stored and offered for download."""

from __future__ import annotations

import pytest

from channels.filenames import safe_filename


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("Nabovarsel.pdf", "Nabovarsel.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\kari\\søknad.docx", "søknad.docx"),
        ("teikning\r\nX-Evil: 1.png", "teikningX-Evil: 1.png"),
        ("..hidden", "hidden"),
        ("../..", "vedlegg"),
        ("\x00\x07", "vedlegg"),
        ("", "vedlegg"),
    ],
)
def test_only_the_printable_last_segment_is_kept(name, safe):
    assert safe_filename(name) == safe


def test_a_long_name_is_cut_to_200_characters():
    assert safe_filename("a" * 300 + ".pdf") == "a" * 200
