"""Downloading a message's attachments."""

from __future__ import annotations

import io
import logging

from flask import Blueprint, render_template, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import HTTPException, NotFound, ServiceUnavailable

from channels.filenames import safe_filename
from inbox.blobs import BlobMissing, BlobStoreUnavailable, current_store
from inbox.cases.access import attachment_to_see
from inbox.extensions import db
from inbox.logs import describe
from inbox.people import audit

blueprint = Blueprint("attachments", __name__)
log = logging.getLogger(__name__)
RETRY_AFTER = 30  # seconds


@blueprint.route("/attachments/<id:attachment_id>")
@login_required
def download(attachment_id: int):
    """Always a download, never shown inline: files from outside are not trusted."""
    attachment = attachment_to_see(current_user, attachment_id)
    audit.record(
        "attachment.download",
        user=current_user,
        case=attachment.message.case,
        attachment_id=attachment.id,
    )
    db.session.commit()
    try:
        content = current_store().get(attachment.sha256)
    except BlobMissing as error:
        log.error("attachment_missing attachment=%s error=%s", attachment.id, describe(error))
        text = _(
            "Its file is not in the storage. Tell an administrator the attachment's number: "
            "%(number)s.",
            number=attachment.id,
        )
        return _not_fetched(NotFound(), _("The attachment's file is missing"), text)
    except BlobStoreUnavailable as error:
        log.warning("attachment_unavailable attachment=%s error=%s", attachment.id, describe(error))
        page, code = _not_fetched(
            ServiceUnavailable(),
            _("The file storage is not answering"),
            _("The attachment could not be fetched just now. Try again in a minute."),
        )
        return page, code, {"Retry-After": str(RETRY_AFTER)}
    response = send_file(
        io.BytesIO(content),
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=safe_filename(attachment.filename),
    )
    # Attachments hold personal data, as pages do: no browser or proxy keeps a copy.
    response.headers["Cache-Control"] = "no-store"
    return response


def _not_fetched(error: HTTPException, title: str, text: str) -> tuple[str, int]:
    """The error page with what happened to this attachment, instead of the code's words."""
    return render_template("errors/error.html", error=error, title=title, text=text), error.code
