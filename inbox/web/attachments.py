"""Downloading a message's attachments."""

from __future__ import annotations

from flask import Blueprint, current_app, send_file
from flask_login import current_user, login_required

from channels.filenames import safe_filename
from inbox.blobs import BlobStore
from inbox.cases.access import attachment_to_see
from inbox.extensions import db
from inbox.people import audit

blueprint = Blueprint("attachments", __name__)


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
    path = BlobStore(current_app.extensions["svarfrist"].data_dir / "blobs").path(attachment.sha256)
    response = send_file(
        path,
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=safe_filename(attachment.filename),
    )
    # Attachments hold personal data, as pages do: no browser or proxy keeps a copy.
    response.headers["Cache-Control"] = "no-store"
    return response
