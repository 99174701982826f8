"""The e-mail channel end to end: a real Dovecot mailbox, real SMTP (aiosmtpd), both databases."""

from __future__ import annotations

import errno
import subprocess
from dataclasses import replace
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import func, select

from inbox.clock import frozen_at, now
from inbox.extensions import db
from inbox.jobs.dispatch import dispatch_once
from inbox.jobs.polling import poll_account
from inbox.models import (
    Case,
    Contact,
    ContactIdentity,
    Direction,
    Message,
    OutboxMessage,
    OutboxStatus,
    OutKind,
    SourceCursor,
)
from inbox.outbox.senders import senders_for
from tests.inbox.email_servers import (
    MONDAY_MORNING,
    OUR_ADDRESS,
    append,
    citizen_mail,
    use_accounts,
)


class Crash(BaseException):
    """The process dying at this point: nothing after it runs, nothing is cleaned up."""


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def delivered(smtp_server):
    return [message_from_bytes(raw, policy=policy.default) for raw in smtp_server.messages]


def seen_uids(client, folder="INBOX") -> list[int]:
    client.select_folder(folder, readonly=True)
    return sorted(client.search(["SEEN"]))


def test_mail_in_the_mailbox_becomes_cases_and_is_acknowledged_with_the_due_date(
    app, account, mailbox, smtp_server
):
    for number in range(3):
        append(mailbox, citizen_mail(sender=f"innbyggjar{number}@example.com"))

    with frozen_at(MONDAY_MORNING + timedelta(hours=1)):  # taken in before it is due
        report = poll_account(account)

    assert (report.new, report.known, report.failed, report.errors) == (3, 0, 0, [])
    assert count(Case) == 3
    case = db.session.scalars(select(Case).order_by(Case.id)).first()
    assert (case.channel, case.contact.name, case.subject) == (
        "email",
        "Kari Sæle",
        "Spørsmål om byggesøknad",
    )
    assert seen_uids(mailbox) == [1, 2, 3]  # flagged after the commit
    assert dispatch_once(senders_for(app)).sent == 3
    acknowledgements = delivered(smtp_server)
    assert len(acknowledgements) == 3
    first = acknowledgements[0]
    body = first.get_body(("plain",)).get_content()
    assert "måndag 30. november 2026" in body  # Monday 10:00 + 5 working days, in Nynorsk
    assert "[Sak 2026-" in first["Subject"]
    assert first["Auto-Submitted"] == "auto-replied"
    assert first["X-Auto-Response-Suppress"] == "All"
    assert first["Reply-To"] == OUR_ADDRESS
    # in the mailbox's domain, not this machine's host name
    assert first["Message-ID"].endswith("@alver.kommune.no>")
    assert first["Message-ID"] == case.messages[-1].rfc_message_id
    assert first.get_content_type() == "text/plain"  # its paragraphs are one line each


def test_the_received_time_is_the_servers_internaldate(app, account, mailbox):
    append(mailbox, citizen_mail(Date="Thu, 01 Jan 2026 00:00:00 +0000"))
    poll_account(account)
    turn = db.session.scalars(select(Case)).one().turns[0]
    assert turn.received_at.isoformat() == "2026-11-23T09:00:00+00:00"  # 10:00 in Oslo


def test_a_citizen_who_reads_english_is_acknowledged_in_english(app, account, mailbox, smtp_server):
    contact = Contact(name="Anna Smith", language="en", created_at=now())
    contact.identities.append(ContactIdentity(kind="email", value="anna@example.com"))
    db.session.add(contact)
    db.session.commit()
    append(mailbox, citizen_mail(sender="anna@example.com", subject="Property tax"))

    with frozen_at(MONDAY_MORNING + timedelta(hours=1)):  # taken in before it is due
        poll_account(account)
    dispatch_once(senders_for(app))

    (acknowledgement,) = delivered(smtp_server)
    assert "Monday, 30 November 2026" in acknowledgement.get_body(("plain",)).get_content()


def test_a_second_poll_takes_in_nothing_new(app, account, mailbox):
    append(mailbox, citizen_mail())
    poll_account(account)
    again = poll_account(account)
    assert (again.new, again.known) == (0, 0)  # the cursor is past it
    assert count(Case) == 1 and count(OutboxMessage) == 1


def test_the_citizens_answer_to_the_acknowledgement_threads_into_the_same_case(
    app, account, mailbox, smtp_server
):
    append(mailbox, citizen_mail())
    poll_account(account)
    dispatch_once(senders_for(app))
    (acknowledgement,) = delivered(smtp_server)
    answer = citizen_mail(
        subject="Re: " + acknowledgement["Subject"],
        text="Takk. Eg har eit spørsmål til.",
        In_Reply_To=acknowledgement["Message-ID"],
        References=acknowledgement["Message-ID"],
    )
    append(mailbox, answer, at=now() + timedelta(minutes=1))

    poll_account(account)

    assert count(Case) == 1
    case = db.session.scalars(select(Case)).one()
    assert [m.direction for m in case.messages] == [Direction.IN, Direction.OUT, Direction.IN]


def test_a_staff_reply_carries_threading_headers_and_the_answer_comes_back(
    app, account, mailbox, smtp_server
):
    from inbox.cases.replies import reply
    from tests.factories import make_user

    append(mailbox, citizen_mail())
    poll_account(account)
    case = db.session.scalars(select(Case)).one()
    citizen_message_id = case.messages[0].rfc_message_id
    staff = make_user(case.department)
    reply(case, staff, "Søknaden er komplett. Du får vedtak innan tre veker.")
    db.session.commit()
    dispatch_once(senders_for(app))

    answer_to_staff = delivered(smtp_server)[-1]
    assert answer_to_staff["In-Reply-To"] == citizen_message_id
    assert citizen_message_id in answer_to_staff["References"]
    assert answer_to_staff["Auto-Submitted"] is None  # a person wrote it
    append(mailbox, citizen_mail(subject="Takk", In_Reply_To=answer_to_staff["Message-ID"]))
    poll_account(account)
    assert count(Case) == 1


def test_a_crash_between_commit_and_flagging_loses_and_doubles_nothing(
    app, account, mailbox, monkeypatch
):
    for number in range(4):
        append(mailbox, citizen_mail(sender=f"innbyggjar{number}@example.com"))
    from channels.email import Mailbox

    def die(self, uids):
        raise Crash

    with monkeypatch.context() as patched:
        patched.setattr(Mailbox, "mark_done", die)
        with pytest.raises(Crash):
            poll_account(account)
    db.session.rollback()  # the dead process's session is gone
    assert count(Case) == 4
    assert seen_uids(mailbox) == []

    report = poll_account(account)

    assert (report.new, report.known) == (0, 4)
    assert count(Case) == 4 and count(OutboxMessage) == 4  # one acknowledgement each
    assert seen_uids(mailbox) == [1, 2, 3, 4]


def test_a_crash_before_the_commit_leaves_nothing_and_the_next_poll_takes_all(
    app, account, mailbox, monkeypatch
):
    for number in range(3):
        append(mailbox, citizen_mail(sender=f"innbyggjar{number}@example.com"))

    def die():
        raise Crash

    with monkeypatch.context() as patched:
        patched.setattr("inbox.jobs.polling.commit", die)
        with pytest.raises(Crash):
            poll_account(account)
    db.session.rollback()
    assert count(Case) == 0 and count(OutboxMessage) == 0

    report = poll_account(account)

    assert report.new == 3
    assert count(Case) == 3 and count(OutboxMessage) == 3
    assert seen_uids(mailbox) == [1, 2, 3]


def test_one_message_in_two_of_our_mailboxes_is_one_case_noted_with_both(app, account, mailbox):
    department = replace(account, name="byggesak", imap=replace(account.imap, folder="Byggesak"))
    use_accounts(app, account, department)
    mailbox.create_folder("Byggesak")
    sent = citizen_mail(Cc="byggesak@alver.kommune.no")
    append(mailbox, b"Delivered-To: postmottak@alver.kommune.no\r\n" + sent)
    append(mailbox, b"Delivered-To: byggesak@alver.kommune.no\r\n" + sent, "Byggesak")

    first, second = poll_account(account), poll_account(department)

    assert (first.new, second.new, second.known) == (1, 0, 1)
    assert count(Case) == 1 and count(OutboxMessage) == 1  # one acknowledgement
    stored = db.session.scalars(select(Message).where(Message.direction == Direction.IN)).one()
    assert stored.account == "postmottak"
    assert [copy["account"] for copy in stored.metadata_json["copies"]] == ["byggesak"]
    assert poll_account(department).known == 0  # marked as read at the source


def test_messages_can_be_moved_to_a_folder_after_import(app, account, mailbox):
    mailbox.create_folder("Importert")
    moving = replace(account, imap=replace(account.imap, after_import="move:Importert"))
    use_accounts(app, moving)
    append(mailbox, citizen_mail())
    append(mailbox, citizen_mail(sender="ola@example.com"))

    assert poll_account(moving).new == 2

    mailbox.select_folder("INBOX", readonly=True)
    assert mailbox.search("ALL") == []
    mailbox.select_folder("Importert", readonly=True)
    assert len(mailbox.search("ALL")) == 2


def test_a_new_uidvalidity_reads_the_folder_again_and_relies_on_deduplication(
    app, account, mailbox
):
    folder = replace(account, imap=replace(account.imap, folder="Postmottak"))
    use_accounts(app, folder)
    first, second = citizen_mail(), citizen_mail(sender="ola@example.com")
    mailbox.create_folder("Postmottak")
    append(mailbox, first, "Postmottak")
    append(mailbox, second, "Postmottak")
    assert poll_account(folder).new == 2
    old_validity = db.session.scalars(select(SourceCursor)).one().validity

    # The server renumbers the folder (here: deleted and created again, as after a restore).
    mailbox.delete_folder("Postmottak")
    mailbox.create_folder("Postmottak")
    for raw in (first, second, citizen_mail(sender="per@example.com")):
        append(mailbox, raw, "Postmottak")
    report = poll_account(folder)

    assert report.restarted
    assert (report.new, report.known) == (1, 2)
    assert count(Case) == 3
    cursor = db.session.scalars(select(SourceCursor)).one()
    assert cursor.validity != old_validity and cursor.position == "3"


def test_robots_lists_and_bounces_become_cases_without_acknowledgement(
    app, account, mailbox, smtp_server
):
    append(mailbox, citizen_mail(sender="kari@example.com"))
    poll_account(account)
    dispatch_once(senders_for(app))
    (acknowledgement,) = delivered(smtp_server)
    robots = [
        citizen_mail(sender="ola@example.com", subject="Fråværande", Auto_Submitted="auto-replied"),
        citizen_mail(sender="nyheiter@example.com", List_Id="<nyheiter.example.com>"),
        citizen_mail(sender="no-reply@altinn.no", subject="Varsel"),
        citizen_mail(sender=OUR_ADDRESS, subject="Loop"),
        bounce_of(acknowledgement["Message-ID"], "kari@example.com"),
    ]
    for raw in robots:
        append(mailbox, raw)

    report = poll_account(account)

    assert report.new == 5 and report.failed == 0
    assert count(Case) == 5  # four new cases; the bounce joined the first
    assert count(OutboxMessage) == 1  # still only the first citizen's acknowledgement
    held = db.session.scalars(
        select(Message).where(Message.direction == Direction.IN).order_by(Message.id)
    ).all()
    assert [m.metadata_json.get("acknowledgement_held") for m in held[1:5]] == [
        "auto-submitted",
        "mailing-list",
        "robot-sender",
        "own-address",
    ]
    sent = db.session.scalar(select(Message).where(Message.kind == OutKind.ACKNOWLEDGEMENT))
    assert sent.metadata_json["delivery"] == "failed"
    assert "5.1.1" in sent.metadata_json["delivery_error"]
    assert len(sent.case.turns) == 1  # the bounce started no turn


def bounce_of(message_id: str, recipient: str) -> bytes:
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\r\n"
        f"To: {OUR_ADDRESS}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "Message-ID: <bounce-1@mx.example.com>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.com\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: {OUR_ADDRESS}\r\nTo: {recipient}\r\nMessage-ID: {message_id}\r\n"
        "Subject: Re: Spørsmål\r\n\r\n--B--\r\n"
    ).encode()


def test_one_acknowledgement_per_sender_per_day(app, account, mailbox):
    append(mailbox, citizen_mail(subject="Brøyting"))
    append(mailbox, citizen_mail(subject="Eigedomsskatt"))

    poll_account(account)

    assert count(Case) == 2
    assert count(OutboxMessage) == 1


def test_smtp_down_is_retried_with_backoff_and_delivered_exactly_once(
    app, account, mailbox, smtp_server
):
    from aiosmtpd.controller import Controller

    append(mailbox, citizen_mail())
    poll_account(account)
    smtp_server.controller.stop()

    first = dispatch_once(senders_for(app))

    assert (first.sent, first.retried) == (0, 1)
    row = db.session.scalars(select(OutboxMessage)).one()
    assert row.status == OutboxStatus.PENDING and "Connection" in row.last_error
    assert row.next_attempt_at > now() + timedelta(seconds=50)  # backoff, not at once
    assert dispatch_once(senders_for(app)).sent == 0  # not due yet

    smtp_server.controller = Controller(smtp_server, hostname="127.0.0.1", port=smtp_server.port)
    smtp_server.controller.start()
    with frozen_at(now() + timedelta(minutes=3)):
        assert dispatch_once(senders_for(app)).sent == 1
        assert dispatch_once(senders_for(app)).sent == 0
    assert len(smtp_server.messages) == 1


def test_an_account_with_a_wrong_password_reports_it_and_stops_nothing(
    app, account, mailbox, monkeypatch
):
    monkeypatch.setenv("SVARFRIST_TEST_IMAP_PASSWORD", "wrong")
    append(mailbox, citizen_mail())
    report = poll_account(account)
    assert report.new == 0
    (error,) = report.errors
    assert "'postmottak'" in error and "could not open" in error and "127.0.0.1" in error


def test_a_missing_password_variable_is_named(app, account, monkeypatch):
    monkeypatch.delenv("SVARFRIST_TEST_IMAP_PASSWORD")
    (error,) = poll_account(account).errors
    assert "SVARFRIST_TEST_IMAP_PASSWORD (password_env) is not set" in error


def test_the_poll_command_prints_what_it_did(app, account, mailbox):
    append(mailbox, citizen_mail())
    result = app.test_cli_runner().invoke(args=["poll", "--once"])
    assert result.exit_code == 0, result.output
    assert "postmottak/INBOX: 1 new, 0 already stored, 0 failed" in result.output


def test_the_poll_command_names_an_unknown_account(app, account):
    result = app.test_cli_runner().invoke(args=["poll", "--once", "--account", "sentralbord"])
    assert result.exit_code == 2
    assert "SMS or Meta account named 'sentralbord'" in result.output
    assert "configured: postmottak" in result.output


def test_staff_see_why_nothing_was_acknowledged_and_what_did_not_arrive(
    app, account, mailbox, smtp_server, client
):
    from tests.factories import make_user
    from tests.inbox.web_helpers import log_in

    append(mailbox, citizen_mail(sender="kari@example.com"))
    poll_account(account)
    dispatch_once(senders_for(app))
    (acknowledgement,) = delivered(smtp_server)
    append(mailbox, bounce_of(acknowledgement["Message-ID"], "kari@example.com"))
    append(mailbox, citizen_mail(sender="ola@example.com", Auto_Submitted="auto-replied"))
    append(mailbox, b"\xff\xfe not an e-mail at all \x00")
    poll_account(account)
    cases = db.session.scalars(select(Case).order_by(Case.id)).all()
    staff = make_user(cases[0].department)
    db.session.commit()
    log_in(client, staff.email)

    first = client.get(f"/cases/{cases[0].reference}").get_data(as_text=True)
    robot = client.get(f"/cases/{cases[1].reference}").get_data(as_text=True)
    unreadable = client.get(f"/cases/{cases[2].reference}").get_data(as_text=True)

    assert "Ikkje levert: 5.1.1 smtp; 550 5.1.1 user unknown</strong>" in first
    assert "Inga automatisk kvittering: dette er ei automatisk melding." in robot
    assert "Denne meldinga kunne ikkje lesast." in unreadable
    assert "opphavleg-melding.eml" in unreadable


def test_every_message_of_the_awkward_corpus_becomes_a_case_message(app, account, mailbox):
    """68 real-world-shaped messages: broken MIME, charsets, huge headers, duplicate ids."""
    from tests.channels.email_corpus import CORPUS

    # An IMAP server cannot hold a zero-byte message ("Can't save a zero byte message");
    # the parser test covers that one.
    storable = [raw for _name, raw in CORPUS if raw]
    for raw in storable:
        append(mailbox, raw)

    report = poll_account(account)

    assert report.errors == [] and report.failed == 0
    assert len(storable) >= 60
    assert report.new == len(storable)
    stored = db.session.scalar(
        select(func.count()).select_from(Message).where(Message.direction == Direction.IN)
    )
    assert stored == len(storable)
    assert seen_uids(mailbox) == list(range(1, len(storable) + 1))


def test_a_message_that_breaks_intake_becomes_a_flagged_case_and_blocks_nothing(
    app, account, mailbox, monkeypatch
):
    import inbox.intake.receiving

    index_words = inbox.intake.receiving._index_words

    def refuse_one(case, inbound, *rest):
        if "Knusar" in inbound.subject:
            raise ValueError("value refused by the database")
        return index_words(case, inbound, *rest)

    monkeypatch.setattr(inbox.intake.receiving, "_index_words", refuse_one)
    append(mailbox, citizen_mail(sender="a@example.com"))
    append(mailbox, citizen_mail(sender="b@example.com", subject="Knusar intake"))
    append(mailbox, citizen_mail(sender="c@example.com"))

    report = poll_account(account)

    assert (report.new, report.failed) == (3, 0)
    flagged = db.session.scalars(select(Case).where(Case.is_unreadable.is_(True))).one()
    (message,) = flagged.messages
    assert "ValueError: value refused by the database" in message.metadata_json["parse_error"]
    assert [a.filename for a in message.attachments] == ["opphavleg-melding.eml"]
    assert seen_uids(mailbox) == [1, 2, 3]
    assert db.session.scalars(select(SourceCursor)).one().position == "3"


@pytest.fixture
def full_disk(app):
    """The blob store on a real 64 KiB tmpfs, filled to the last byte."""
    blobs = app.extensions["svarfrist"].data_dir / "blobs"
    blobs.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(blobs)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(
            "NOT TESTED: a really full disk needs permission to mount a small tmpfs "
            f"(mount said: {mounted.stderr.strip()}); run the suite as root, as CI does"
        )
    filler = blobs / "filler"
    try:
        with filler.open("wb") as handle:
            while True:
                handle.write(b"\0" * 4096)
                handle.flush()
    except OSError as error:
        assert error.errno == errno.ENOSPC
    try:
        yield filler
    finally:
        subprocess.run(["umount", "--lazy", str(blobs)], check=True)


def test_a_full_disk_leaves_the_mail_at_the_source_until_it_can_be_stored(
    app, account, mailbox, full_disk
):
    append(mailbox, citizen_mail(sender="a@example.com"))
    append(mailbox, citizen_mail(sender="b@example.com"))

    report = poll_account(account)

    assert (report.new, report.failed) == (0, 1)
    assert "No space left on device" in report.errors[0]
    assert count(Case) == 0 and seen_uids(mailbox) == []
    assert db.session.scalars(select(SourceCursor)).one().position == "0"  # not moved on
    full_disk.unlink()  # the administrator frees space

    report = poll_account(account)

    assert (report.new, report.failed) == (2, 0)
    assert seen_uids(mailbox) == [1, 2] and count(Case) == 2


def test_an_unwritable_attachment_directory_is_named_and_the_mail_waits(app, account, mailbox):
    blobs = app.extensions["svarfrist"].data_dir / "blobs"
    blobs.parent.mkdir(parents=True, exist_ok=True)
    blobs.write_text("not a directory")  # as a failed mount or a wrong path would leave it
    append(mailbox, citizen_mail(sender="a@example.com"))

    report = poll_account(account)

    assert (report.new, report.failed) == (0, 1)
    assert str(blobs) in report.errors[0]
    assert count(Case) == 0 and seen_uids(mailbox) == []
    blobs.unlink()

    report = poll_account(account)

    assert (report.new, report.failed, seen_uids(mailbox)) == (1, 0, [1])


def test_two_pollers_never_read_one_mailbox_at_once(app, account, mailbox):
    """PostgreSQL: an advisory lock per account. SQLite installations run one worker, no lock."""
    from inbox.jobs.polling import _exclusive

    append(mailbox, citizen_mail())
    with _exclusive("postmottak") as first:
        assert first
        second = poll_account(account)  # another process, as far as the lock is concerned
    if db.engine.dialect.name == "postgresql":
        assert second.busy and str(second) == "postmottak: skipped, another process is polling it"
        assert count(Case) == 0
        assert poll_account(account).new == 1  # free again
    else:
        assert not second.busy and second.new == 1
