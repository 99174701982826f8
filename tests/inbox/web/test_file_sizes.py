"""File sizes in the page's language, never Jinja's English ("29.7 kB", "207 Bytes")."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from channels.base import InboundAttachment
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import Attachment
from inbox.web.file_sizes import file_size
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import email
from tests.inbox.web_helpers import log_in

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("language", "size", "said"),
    [
        ("nn", 29_700, "29,7 kB"),
        ("nb", 29_700, "29,7 kB"),
        ("en", 29_700, "29.7 kB"),
        ("nn", 207, "207 byte"),
        ("nb", 207, "207 B"),
        ("nn", 1_500_000, "1,5 MB"),
        ("nn", 2_000_000_000, "2 GB"),
        ("nn", 0, "0 byte"),
    ],
)
def test_a_file_size_is_written_as_the_language_writes_it(app, language, size, said):
    with app.test_request_context(), force_locale(language):
        assert file_size(size).replace("\xa0", " ") == said


def test_the_case_page_gives_an_attachments_size_with_a_decimal_comma(app, client):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    make_user(frontline, email="kari@alver.no")  # Nynorsk, the default
    content = b"x" * 29_700
    case = receive(email(attachments=(InboundAttachment("plan.pdf", "application/pdf", content),)))
    db.session.commit()
    assert db.session.scalars(select(Attachment)).one().size == 29_700
    log_in(client, "kari@alver.no")

    page = client.get(f"/cases/{case.reference}").get_data(as_text=True).replace("\xa0", " ")

    assert "(29,7 kB)" in page
    assert "29.7 kB" not in page


def test_no_template_uses_jinjas_english_file_sizes():
    users = [
        path.relative_to(ROOT)
        for path in (ROOT / "templates").rglob("*.html")
        if "filesizeformat" in path.read_text(encoding="utf-8")
    ]
    assert users == []
