"""Retention: closed cases older than the configured months are anonymized or deleted.

``[retention] closed_months`` and ``action`` (``anonymize`` keeps the case,
its turns and its statistics for the yearly report but removes everything
that says who the citizen was and what they wrote; ``delete`` removes the
case). Nothing happens unless the municipality configures it: how long to
keep citizen contact is its decision (arkivplan). Every case handled gets an
audit event; a dry run only counts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, exists, select

from inbox.blobs import BlobError, BlobStore, current_store
from inbox.cases import status_links
from inbox.clock import now
from inbox.database import commit_and_begin_write
from inbox.extensions import db
from inbox.logs import describe
from inbox.models import Attachment, Case, CaseStatus, Contact, Message
from inbox.people import audit
from inbox.reports import turn_days
from inbox.settings.config import RetentionAction, Settings

log = logging.getLogger(__name__)
ANONYMIZED = "(anonymisert)"
DONE = {RetentionAction.ANONYMIZE: "anonymized", RetentionAction.DELETE: "deleted"}
BATCH = 200


@dataclass
class RetentionReport:
    action: RetentionAction
    closed_before: datetime
    cases: int = 0
    dry_run: bool = False

    def __str__(self) -> str:
        verb = DONE[self.action]
        if self.dry_run:
            verb = f"would be {verb}"
        return f"retention: {self.cases} cases closed before {self.closed_before:%Y-%m-%d} {verb}"


def apply(*, dry_run: bool = False) -> RetentionReport | None:
    """Anonymize or delete what is due, committing batch by batch; ``None`` when no retention
    is configured."""
    settings: Settings = current_app.extensions["svarfrist"]
    if settings.retention_months is None:
        return None
    cutoff = now() - timedelta(days=round(settings.retention_months * 30.44))
    report = RetentionReport(settings.retention_action, cutoff, dry_run=dry_run)
    blobs = current_store()
    handle = _anonymize if report.action == RetentionAction.ANONYMIZE else _delete
    while True:
        commit_and_begin_write()
        due = select(Case).where(
            Case.status == CaseStatus.CLOSED, Case.closed_at < cutoff, Case.subject != ANONYMIZED
        )
        if dry_run:
            report.cases = len(db.session.scalars(due).all())
            db.session.rollback()
            return report
        cases = db.session.scalars(due.limit(BATCH)).all()
        if not cases:
            db.session.commit()
            return report
        freed: set[str] = set()
        for case in cases:
            freed |= handle(case)
            report.cases += 1
        db.session.commit()
        # Only after the commit: a rolled-back batch must still find its files.
        _remove_unreferenced(blobs, freed)


def _contents(case: Case) -> set[str]:
    messages = db.session.scalars(select(Message).where(Message.case_id == case.id)).all()
    found = {m.raw_sha256 for m in messages if m.raw_sha256}
    for message in messages:
        found |= {attachment.sha256 for attachment in message.attachments}
    return found


def _anonymize(case: Case) -> set[str]:
    freed = _contents(case)
    for message in db.session.scalars(select(Message).where(Message.case_id == case.id)):
        db.session.execute(delete(Attachment).where(Attachment.message_id == message.id))
        message.subject = ""
        message.text = ""
        message.html = None
        message.address = None
        message.raw_sha256 = None
        message.metadata_json = {}
    case.subject = ANONYMIZED
    status_links.revoke(case)
    case.search_vector = None
    contact = case.contact
    audit.record("case.anonymize", case=case, reason="retention")
    if not _has_other_cases(contact.id, case):
        contact.name = None
        contact.identities.clear()
    return freed


def _delete(case: Case) -> set[str]:
    """Delete in SQL: the database's foreign keys take the messages, turns and history along."""
    freed = _contents(case)
    contact_id = case.contact_id
    turn_days.forget(case)
    audit.record("case.delete", reason="retention", reference=case.reference)
    db.session.flush()
    db.session.execute(delete(Case).where(Case.id == case.id))
    if not _has_other_cases(contact_id, None):
        db.session.execute(delete(Contact).where(Contact.id == contact_id))
    db.session.expunge(case)
    return freed


def _has_other_cases(contact_id: int, case: Case | None) -> bool:
    others = select(Case.id).where(Case.contact_id == contact_id)
    if case is not None:
        others = others.where(Case.id != case.id, Case.subject != ANONYMIZED)
    return db.session.scalar(select(exists(others))) or False


def _remove_unreferenced(blobs: BlobStore, digests: set[str]) -> None:
    """Files are shared by content: remove one only when no message or attachment uses it."""
    for digest in digests:
        used = db.session.scalar(
            select(
                exists(select(Message.id).where(Message.raw_sha256 == digest))
                | exists(select(Attachment.id).where(Attachment.sha256 == digest))
            )
        )
        if not used:
            try:
                blobs.delete(digest)
            except BlobError as error:
                # Committed already: the others are still removed, and the log names this one.
                log.error("retention_blob_not_removed sha256=%s error=%s", digest, describe(error))
