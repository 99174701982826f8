"""Issue 18 end to end: one day in the front line, in Chromium, with real parts around it.

A citizen's e-mail lies in a real IMAP mailbox (Dovecot) and comes in through the poller; it
shows up in agent A's open queue without a reload. A answers it from a reply template; the
dispatcher sends the answer over real SMTP (aiosmtpd). Agent B has the case open when the
citizen's reply (threaded on our answer's Message-ID) comes in through the poller, and sees it
arrive without reloading. B then registers a phone call and answers it "by phone" (nothing is
sent, the turn ends), and registers a letter and answers it by letter (the PDF holds the case's
reference).
"""

from __future__ import annotations

import subprocess
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from inbox.cases.template_admin import TemplateFields, add_template
from inbox.clock import now
from inbox.extensions import db
from inbox.jobs.dispatch import dispatch_once
from inbox.jobs.polling import poll_account
from inbox.models import Case, Department, Direction, Message, OutboxMessage, OutboxStatus
from inbox.outbox.senders import senders_for
from tests.e2e.test_pages import log_in, violations
from tests.factories import make_user
from tests.inbox.email_servers import OUR_ADDRESS, PASSWORD_ENV, email_account, use_accounts

CITIZEN = "solveig.lunde@example.com"
SUBJECT = "Brøyting av Kvernhusvegen"


@pytest.fixture
def day(app, dovecot, mailbox, smtp_server, monkeypatch):
    """A frontline with two agents and a template, one mailbox on Dovecot, SMTP on aiosmtpd."""
    app.config["QUEUE_POLL_SECONDS"] = 1  # the queue polls every 15 s; the test has no time
    monkeypatch.setenv(PASSWORD_ENV, dovecot.password)
    account = email_account(dovecot, smtp_server.port)
    use_accounts(app, account)
    frontline = Department(slug="innbyggjarservice", name="Innbyggjarservice", is_frontline=True)
    db.session.add(frontline)
    db.session.flush()
    anne = make_user(frontline, email="anne@alver.no", name="Anne Vik")
    make_user(frontline, email="bjorn@alver.no", name="Bjørn Hope")
    add_template(
        TemplateFields(
            title="Brøyting: bestilt",
            department=frontline,
            language="nn",
            text="Hei! Vegen er sett opp for brøyting i dag. Saka di har nummer {reference}.",
        ),
        anne,
    )
    db.session.commit()
    return account


def _mail(subject: str, text: str, **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"Solveig Lunde <{CITIZEN}>"
    message["To"] = OUR_ADDRESS
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.com")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message.as_bytes()


def _arrives(account, mailbox, raw: bytes) -> None:
    """The mail lands in the mailbox and the poller (as the worker runs it) takes it in."""
    db.session.rollback()  # no read left open that would keep SQLite's writer waiting
    mailbox.append("INBOX", raw, msg_time=now())
    report = poll_account(account)
    assert report.new == 1 and not report.errors, report
    db.session.rollback()


def _tab(browser, width: int):
    return browser.new_context(viewport={"width": width, "height": 900}).new_page()


def _register(tab, base: str, channel: str, subject: str, text: str, **fields: str) -> str:
    """Register a phone call or a letter through the page; the new case's reference."""
    tab.goto(f"{base}/cases/new")
    tab.check(f"input[name=channel][value={channel}]")
    for name, value in fields.items():
        tab.fill(f"#{name}", value)
    tab.fill("#subject", subject)
    tab.fill("#text", text)
    tab.click("form button[type=submit].primary")
    expect(tab.locator(".flash-success")).to_contain_text("Registrert som sak")
    return tab.url.rsplit("/", 1)[-1].split("?")[0].split("#")[0]


def test_a_day_in_the_front_line(browser, live_server, day, mailbox, smtp_server, app):
    anne = _tab(browser, 1366)
    log_in(anne, live_server, "anne@alver.no")
    bjorn = _tab(browser, 360)
    log_in(bjorn, live_server, "bjorn@alver.no")
    expect(anne.locator("main")).not_to_contain_text(SUBJECT)

    # 1. The citizen's e-mail comes in and is announced in Anne's open queue, no reload.
    assert anne.evaluate("window.__not_reloaded = true")
    _arrives(day, mailbox, _mail(SUBJECT, "Kvernhusvegen er ikkje brøytt sidan i går."))
    case = db.session.scalars(select(Case).where(Case.subject == SUBJECT)).one()
    news = anne.locator("[data-live-message]")
    expect(news).to_contain_text("1 ny sak", timeout=10_000)
    assert anne.evaluate("window.__not_reloaded") is True
    expect(anne.locator("#queue-news")).to_have_attribute("aria-live", "polite")

    # 2. Anne opens it from the news; Bjørn has it open too and is told Anne has.
    news.locator(f'a[href="/cases/{case.reference}"]').click()
    expect(anne.locator("h1")).to_contain_text(SUBJECT)
    expect(anne.locator(".conversation")).to_contain_text("ikkje brøytt sidan i går")
    bjorn.goto(f"{live_server}/cases/{case.reference}")
    expect(bjorn.locator("#case-presence")).to_contain_text("Anne Vik")

    # 3. Anne answers from the template; the answer is queued, then really sent over SMTP.
    anne.click("nav.templates >> text=Brøyting: bestilt")
    expected = f"Hei! Vegen er sett opp for brøyting i dag. Saka di har nummer {case.reference}."
    expect(anne.locator("#reply-text")).to_have_value(expected)
    expect(anne.get_by_label(f"På e-post til {CITIZEN}")).to_be_checked()
    anne.click("form[action$='/reply'] button[type=submit]")
    expect(anne.locator(".flash-success")).to_contain_text("står i kø for å bli sendt på e-post")
    expect(anne.locator(".message-out .delivery").last).to_have_text("I kø, ikkje sendt enno")
    db.session.rollback()
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id)).all()
    assert sorted(row.purpose for row in rows) == ["acknowledgement", "reply"]
    assert {row.recipient for row in rows} == {CITIZEN}
    assert all(row.status == OutboxStatus.PENDING for row in rows)

    assert dispatch_once(senders_for(app)).sent == 2
    db.session.rollback()
    sent = [message_from_bytes(raw, policy=policy.default) for raw in smtp_server.messages]
    answer = next(mail for mail in sent if expected in mail.get_body().get_content())
    assert answer["To"] == CITIZEN
    expect(anne.locator(".message-out .delivery").last).to_have_text("Sendt", timeout=12_000)

    # 4. The citizen answers our e-mail; Bjørn, with the case open, is told without a reload.
    assert bjorn.evaluate("window.__not_reloaded = true")
    _arrives(
        day,
        mailbox,
        _mail(
            f"Re: {answer['Subject']}",
            "Takk, no er det brøytt!",
            In_Reply_To=answer["Message-ID"],
            References=answer["Message-ID"],
        ),
    )
    assert db.session.scalar(select(db.func.count()).select_from(Case)) == 1  # no new case
    incoming = db.session.scalars(
        select(Message).where(Message.case_id == case.id, Message.direction == Direction.IN)
    ).all()
    assert [message.text.strip() for message in incoming][-1] == "Takk, no er det brøytt!"
    case_news = bjorn.locator("#case-news")
    expect(case_news).to_contain_text("Ny melding frå innbyggjaren.", timeout=15_000)
    assert bjorn.evaluate("window.__not_reloaded") is True
    expect(bjorn.locator("#case-news")).to_have_attribute("aria-live", "polite")
    # Anne's answer came while Bjørn had the page open too: both are told, in order.
    expect(case_news.locator(".live-message")).to_have_text(
        ["Anne Vik svarte innbyggjaren. Vis", "Ny melding frå innbyggjaren. Vis"]
    )
    case_news.get_by_role("link", name="Vis").last.click()
    expect(bjorn.locator(".conversation")).to_contain_text("Takk, no er det brøytt!")
    assert violations(bjorn) == [], "the case page with the citizen's reply at 360 px"

    # 5. A phone call, answered by phone: nothing is sent, the turn is ended.
    phoned = _register(
        bjorn,
        live_server,
        "phone",
        "Søppeldunk ikkje tømd",
        "Ringde: dunken er ikkje tømd på to veker.",
        name="Olav Brekke",
        phone="91555123",
    )
    expect(bjorn.locator("input[name=way][value=spoken]")).to_be_checked()
    bjorn.fill("#reply-text", "Sa at dunken vert tømd på fredag.")
    bjorn.click("form[action$='/reply'] button[type=submit]")
    expect(bjorn.locator(".flash-success")).to_have_count(1)
    expect(bjorn.locator(".conversation")).to_contain_text("Sa at dunken vert tømd på fredag.")
    db.session.rollback()
    phone_case = db.session.scalars(select(Case).where(Case.reference == phoned)).one()
    queued = select(OutboxMessage.id).where(OutboxMessage.case_id == phone_case.id)
    assert db.session.scalars(queued).all() == []
    assert [turn.met for turn in phone_case.turns] == [True]

    # 6. A letter, answered by letter: a PDF to print with the case's reference on it.
    written = _register(
        bjorn,
        live_server,
        "letter",
        "Søknad om parkeringsløyve",
        "Brev: søkjer om parkeringsløyve for Storgata 4.",
        name="Per Dahl",
        phone="91555124",  # registering refuses a citizen with neither address nor number
    )
    bjorn.check("input[name=way][value=letter]")
    bjorn.fill("#reply-text", "Du får parkeringsløyve frå 1. januar.")
    bjorn.click("form[action$='/reply'] button[type=submit]")
    expect(bjorn.locator(".message-out .delivery").last).to_have_attribute(
        "data-state", "letter_unsent"
    )
    link = bjorn.locator(".letter-actions a").last.get_attribute("href")
    pdf = bjorn.request.get(live_server + link)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    words = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.body(), capture_output=True, check=True
    ).stdout.decode()
    assert written in words and "Du får parkeringsløyve frå 1. januar." in words
    db.session.rollback()
    letter_case = db.session.scalars(select(Case).where(Case.reference == written)).one()
    assert [turn.met for turn in letter_case.turns] == [None]  # still open: not posted yet
    bjorn.locator("form[action$='/sent'] button").click()
    expect(bjorn.locator(".message-out .delivery").last).to_have_attribute(
        "data-state", "letter_sent"
    )
    db.session.rollback()
    letter_case = db.session.get(Case, letter_case.id)
    assert [turn.met for turn in letter_case.turns] == [True]
    letter_rows = select(OutboxMessage.id).where(OutboxMessage.case_id == letter_case.id)
    assert db.session.scalars(letter_rows).all() == []
    anne.context.close()
    bjorn.context.close()
