"""Downloading attachments from either blob store, and what staff see when the file cannot
be fetched (both databases)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from channels.base import InboundAttachment
from inbox.blobs import EXTENSION_KEY as BLOBS_KEY
from inbox.blobs import current_store
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import Attachment
from tests import s3_server as s3
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import email
from tests.inbox.outbox.test_endpoint_faults import MisbehavingEndpoint
from tests.inbox.web_helpers import log_in

CONTENT = b"%PDF-1.4 situasjonsplan"


@pytest.fixture
def attachment(app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    make_user(frontline, email="kari@alver.no")  # Nynorsk, the default
    receive(email(attachments=(InboundAttachment("plan.pdf", "application/pdf", CONTENT),)))
    db.session.commit()
    return db.session.scalars(select(Attachment)).one()


@pytest.mark.parametrize("backend", ["local", "s3"])
def test_an_attachment_is_downloaded_from_the_configured_store(request, app, client, backend):
    if backend == "s3":
        request.getfixturevalue("app_on_s3")
    attachment = request.getfixturevalue("attachment")
    assert current_store().exists(attachment.sha256)
    log_in(client, "kari@alver.no")

    response = client.get(f"/attachments/{attachment.id}")

    assert response.status_code == 200 and response.get_data() == CONTENT
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"


def test_a_missing_file_says_so_and_names_the_attachment(app, client, attachment):
    current_store().delete(attachment.sha256)
    log_in(client, "kari@alver.no")

    response = client.get(f"/attachments/{attachment.id}")

    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Fila til vedlegget manglar" in page
    assert f"oppgje nummeret på vedlegget: {attachment.id}." in page


def test_storage_that_does_not_answer_is_a_503_to_try_again(app, client, attachment):
    endpoint = MisbehavingEndpoint("http_503")
    try:
        app.extensions[BLOBS_KEY] = s3.store(f"http://127.0.0.1:{endpoint.port}", "svarfrist")
        log_in(client, "kari@alver.no")

        response = client.get(f"/attachments/{attachment.id}")
    finally:
        endpoint.close()

    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    page = response.get_data(as_text=True)
    assert "Fillageret svarar ikkje" in page and "Prøv igjen om eit minutt" in page
    assert "Databasen" not in page  # not the database's words: it is answering
