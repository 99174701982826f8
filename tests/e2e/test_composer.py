"""Issue 18 items 5, 6, 7 and 10 and signatures in Chromium: the composer puts the promised
date into a preliminary answer, time left reads in working days, a second agent's draft
survives and the citizen's new message appears live, and closing an unanswered case asks."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.intake.receiving import receive
from inbox.models import Case, CaseStatus, Department, Message, OutboxMessage, Role
from tests.e2e.test_pages import log_in, violations
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=OSLO)  # a Tuesday
SHOTS = Path("/work/shots/composer")
#: The answer's text (the note's textarea shares its id until item 8 is done).
TEXT = "#reply-form textarea[name=text]"


@pytest.fixture(autouse=True)
def clock():
    with frozen_at(NOW):
        yield


@pytest.fixture
def town(app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    frontline.signature = "Alver kommune, Innbyggjarservice"
    make_user(frontline, email="kari@alver.no", name="Kari Haugland")
    make_user(frontline, email="ingrid@alver.no", name="Ingrid Fosse")
    make_user(role=Role.ADMIN, email="admin@alver.no", name="Ada Admin")
    with frozen_at(datetime(2026, 11, 2, 10, 0, tzinfo=OSLO)):
        overdue = receive(email(received_at=datetime(2026, 11, 2, 10, 0, tzinfo=OSLO)))
    # Friday 20 November: due Friday 27 November 15:00, three working days after Tuesday.
    with frozen_at(datetime(2026, 11, 20, 10, 0, tzinfo=OSLO)):
        soon = receive(
            email(
                sender="ola@example.no",
                name="Ola Nordmann",
                subject="Garasje",
                received_at=datetime(2026, 11, 20, 10, 0, tzinfo=OSLO),
            )
        )
    db.session.commit()
    return {"overdue": overdue, "soon": soon}


def tab_for(browser, live_server, user: str, width: int = 1366):
    tab = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    log_in(tab, live_server, user)
    return tab


def shoot(tab, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1366, 360):
        tab.set_viewport_size({"width": width, "height": 900})
        assert tab.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        tab.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    tab.set_viewport_size({"width": 1366, "height": 900})


def test_the_queue_says_three_working_days_not_hours(browser, live_server, town):
    tab = tab_for(browser, live_server, "kari@alver.no")
    row = tab.locator("tr", has=tab.get_by_role("link", name=town["soon"].reference))
    expect(row.locator(".left")).to_have_text("3 arbeidsdagar att")
    expect(tab.locator("tbody")).not_to_contain_text(" t att")
    shoot(tab, "queue")
    tab.goto(f"{live_server}/cases/{town['soon'].reference}")
    expect(tab.locator(".promise strong")).to_have_text("3 arbeidsdagar att")
    tab.context.close()


def test_a_preliminary_answer_gets_its_date_in_the_text(browser, live_server, town):
    case = town["overdue"]
    tab = tab_for(browser, live_server, "kari@alver.no")
    tab.goto(f"{live_server}/cases/{case.reference}")
    text = tab.locator(TEXT)
    expect(text).to_have_value("\n\nAlver kommune, Innbyggjarservice")  # the signature
    expect(tab.locator("#new_date")).to_have_value("")  # "Vel ein dato": nothing chosen
    tab.locator(TEXT).press("Control+Home")
    tab.keyboard.type("x")
    tab.select_option("#new_date", "2026-12-03")
    expect(tab.locator("input[name=kind][value=preliminary]")).to_be_checked()
    expect(text).to_have_value(
        "x\n\nDu får svar seinast torsdag 3. desember 2026.\n\nAlver kommune, Innbyggjarservice"
    )
    expect(tab.locator("#composer-status")).to_contain_text("Den nye datoen er sett inn")
    tab.select_option("#new_date", "2026-12-04")  # another date: the sentence follows
    expect(text).to_have_value(
        "x\n\nDu får svar seinast fredag 4. desember 2026.\n\nAlver kommune, Innbyggjarservice"
    )
    tab.click("form[action$='/reply'] button[type=submit]")
    expect(tab.locator("#reply-text-error")).to_contain_text("Skriv eit verkeleg svar")
    assert violations(tab) == [], "composer with a refused preliminary answer"
    shoot(tab, "preliminary-refused")
    value = text.input_value()
    text.fill(value.replace("x\n\n", "Vi treng meir tid til å sjå på teikningane.\n\n", 1))
    tab.click("form[action$='/reply'] button[type=submit]")
    expect(tab.locator(".flash-success")).to_have_count(1)
    db.session.rollback()
    sent = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.purpose == "preliminary")
    ).one()
    assert sent.payload["text"] == (
        "Vi treng meir tid til å sjå på teikningane.\n\n"
        "Du får svar seinast fredag 4. desember 2026.\n\nAlver kommune, Innbyggjarservice"
    )
    turn = db.session.get(Case, case.id).turns[-1]
    assert turn.due_at == datetime(2026, 12, 4, 15, 0, tzinfo=OSLO)
    tab.context.close()


def test_a_second_agents_draft_survives_and_news_appears_live(browser, live_server, town):
    case = town["overdue"]
    url = f"{live_server}/cases/{case.reference}"
    ingrid = tab_for(browser, live_server, "ingrid@alver.no")
    ingrid.goto(url)
    kari = tab_for(browser, live_server, "kari@alver.no")
    kari.goto(url)
    expect(kari.locator("#case-presence")).to_have_text("Har òg denne saka open: Ingrid Fosse")
    expect(ingrid.locator("#case-presence")).to_have_text(
        "Har òg denne saka open: Kari Haugland", timeout=15_000
    )
    kari.locator(TEXT).fill("Kari sitt utkast om teikningane.")
    kari.reload()  # the draft is kept in the tab
    expect(kari.locator(TEXT)).to_have_value("Kari sitt utkast om teikningane.")
    expect(kari.locator("#composer-status")).to_contain_text("henta fram att")

    ingrid.locator(TEXT).fill("Ingrid sitt svar om teikningane.")
    with frozen_at(NOW + timedelta(minutes=1)):  # after Kari loaded the page
        ingrid.click("form[action$='/reply'] button[type=submit]")
        expect(ingrid.locator(".flash-success")).to_have_count(1)
    later = email(
        received_at=NOW + timedelta(minutes=2),
        subject=f"Svar [Sak {case.reference}]",
        text="Eg sender ei ny teikning.",
    )
    db.session.rollback()
    with frozen_at(NOW + timedelta(minutes=2)):
        assert receive(later).id == case.id
    db.session.commit()

    news = kari.locator("#case-news")
    expect(news).to_contain_text("Ingrid Fosse svarte innbyggjaren.", timeout=15_000)
    expect(news).to_contain_text("Ny melding frå innbyggjaren.")
    assert kari.evaluate("document.activeElement.tagName") == "BODY"  # no focus theft
    expect(kari.locator(TEXT)).to_have_value("Kari sitt utkast om teikningane.")
    shoot(kari, "live-news")

    kari.click("form[action$='/reply'] button[type=submit]")
    expect(kari.locator(".collision")).to_contain_text("Ingrid sitt svar om teikningane.")
    expect(kari.locator(TEXT)).to_have_value("Kari sitt utkast om teikningane.")
    assert violations(kari) == [], "case page asking before sending over a fresh answer"
    shoot(kari, "collision")
    kari.get_by_role("button", name="Send likevel").click()
    expect(kari.locator(".flash-success")).to_have_count(1)
    db.session.rollback()
    texts = db.session.scalars(
        select(Message.text).where(Message.case_id == case.id, Message.author_id.is_not(None))
    ).all()
    assert "Kari sitt utkast om teikningane." in texts
    kari.reload()  # sent: the draft is gone
    expect(kari.locator(TEXT)).to_have_value("\n\nAlver kommune, Innbyggjarservice")
    ingrid.context.close()
    kari.context.close()


def test_closing_an_overdue_unanswered_case_asks_why(browser, live_server, town):
    case = town["overdue"]
    tab = tab_for(browser, live_server, "kari@alver.no")
    tab.goto(f"{live_server}/cases/{case.reference}")
    expect(tab.locator(".promise-overdue")).to_have_count(1)
    tab.get_by_role("button", name="Lukk saka").click()
    expect(tab.locator("#close-warning")).to_contain_text(
        "Innbyggjaren har ikkje fått svar; fristen var måndag 9. november 2026"
    )
    expect(tab.locator("#close-warning")).to_contain_text("(for 11 arbeidsdagar sidan)")
    assert violations(tab) == [], "close confirmation"
    shoot(tab, "close-confirm")
    tab.get_by_role("button", name="Lukk utan å svara").click()
    expect(tab.locator("#reason-error")).to_have_text("Skriv kvifor saka vert lukka utan svar.")
    tab.get_by_label("Kvifor vert saka lukka utan svar?").fill("Innbyggjaren ringde, løyst.")
    tab.get_by_role("button", name="Lukk utan å svara").click()
    expect(tab.locator(".flash-success")).to_contain_text("Saka er lukka utan svar")
    expect(tab.locator(".promise-overdue")).to_have_count(0)
    expect(tab.locator(".promise-closed")).to_contain_text("Lukka utan svar til innbyggjaren.")
    expect(tab.locator(".conversation")).to_contain_text("Innbyggjaren ringde, løyst.")
    assert violations(tab) == [], "closed case page"
    shoot(tab, "closed")
    db.session.rollback()
    assert db.session.get(Case, case.id).status == CaseStatus.CLOSED
    tab.context.close()


def test_a_user_sets_a_signature(browser, live_server, town):
    tab = tab_for(browser, live_server, "kari@alver.no")
    tab.goto(f"{live_server}/cases/{town['soon'].reference}")
    tab.get_by_role("link", name="Endra signaturen din").click()
    tab.get_by_label("Signatur").fill("Helsing\nKari Haugland")
    assert violations(tab) == [], "signature page"
    shoot(tab, "signature")
    tab.get_by_role("button", name="Lagra signaturen").click()
    expect(tab.locator(".flash-success")).to_have_text("Signaturen din er lagra.")
    expect(tab.locator(TEXT)).to_have_value(
        "\n\nHelsing\nKari Haugland\n\nAlver kommune, Innbyggjarservice"
    )
    tab.check("input[name=way][value=spoken]")  # answered by phone: nothing is sent, no signature
    expect(tab.locator(TEXT)).to_have_value("")
    tab.check("input[name=way][value^=email]")
    expect(tab.locator(TEXT)).to_have_value(
        "\n\nHelsing\nKari Haugland\n\nAlver kommune, Innbyggjarservice"
    )
    tab.context.close()


def test_an_admin_sets_the_departments_signature(browser, live_server, town):
    tab = tab_for(browser, live_server, "admin@alver.no")
    department = db.session.scalars(select(Department)).one()
    tab.goto(f"{live_server}/admin/departments/{department.id}")
    tab.get_by_role("textbox", name="Signatur").fill(
        "Alver kommune\nInnbyggjarservice, tlf. 56 37 50 00"
    )
    assert violations(tab) == [], "department page with its signature"
    shoot(tab, "department-signature")
    tab.get_by_role("button", name="Lagra signaturen").click()
    expect(tab.locator(".flash-success")).to_have_text("Signaturen til Innbyggjarservice er lagra.")
    db.session.rollback()
    assert db.session.get(Department, department.id).signature == (
        "Alver kommune\nInnbyggjarservice, tlf. 56 37 50 00"
    )
    tab.context.close()
