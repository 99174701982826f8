"""The citizen's status link and page: the token's life (issued, shown, expired, revoked,
wrong), what the page says and never says, and adding information through intake."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from inbox.cases.casework import close
from inbox.cases.merging import merge
from inbox.cases.replies import reply
from inbox.cases.status_links import status_url
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.handovers.workflow import propose
from inbox.intake.receiving import receive
from inbox.jobs import retention
from inbox.models import (
    Case,
    CaseStatus,
    Direction,
    Message,
    OutKind,
    RateEvent,
    StatusLink,
    Turn,
)
from inbox.settings.config import RetentionAction
from tests.factories import make_department, make_user
from tests.inbox.intake_helpers import OSLO, email, sms
from tests.inbox.web_helpers import TOKEN as CSRF
from tests.inbox.web_helpers import log_in

PUBLIC_URL = "https://svarfrist.alver.kommune.no"
LINK = re.compile(re.escape(PUBLIC_URL) + r"(/(?:nb/|en/)?sak/([A-Za-z0-9_-]{32}))")
RECEIVED = datetime(2026, 11, 23, 10, 0, tzinfo=OSLO)  # a Monday
SECRET_WORDS = ("Garasjen på Sæle", "Kari Nordmann", "Olav Saksbehandlar", "kari.nordmann")


@pytest.fixture
def town(app):
    settings = app.extensions["svarfrist"]
    app.extensions["svarfrist"] = replace(
        settings,
        status_page=replace(
            settings.status_page, public_url=PUBLIC_URL, phone="56 37 50 00", days_after_close=30
        ),
        retention_months=1,
        retention_action=RetentionAction.DELETE,
    )
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    byggesak = make_department("byggesak", name="Byggesak")
    staff = make_user(frontline, byggesak, email="olav@alver.no", name="Olav Saksbehandlar")
    db.session.commit()
    return staff, byggesak


def _case_with_link(sender: str = "kari.nordmann@example.no") -> tuple[Case, str]:
    """A new case and the path its acknowledgement links to (one per sender a day: loop
    protection holds back a second acknowledgement to the same address)."""
    with frozen_at(RECEIVED):
        case = receive(
            email(
                sender=sender,
                subject="Garasjen på Sæle",
                text="Kari Nordmann spør om garasjen på Sæle, gnr 12 bnr 3.",
            )
        )
        db.session.commit()
    acknowledgement = _acknowledgement(case)
    match = LINK.search(acknowledgement.text)
    assert match, acknowledgement.text
    return case, match[1]


def _acknowledgement(case: Case) -> Message:
    return db.session.scalars(
        select(Message).where(Message.case_id == case.id, Message.kind == OutKind.ACKNOWLEDGEMENT)
    ).one()


def _get(client, path: str, at: datetime = RECEIVED + timedelta(hours=1)):
    db.session.commit()  # end the test's snapshot: the request writes (its rate count)
    with frozen_at(at):
        response = client.get(path)
    db.session.commit()
    return response


def test_an_e_mail_acknowledgement_carries_a_link_whose_token_is_stored_hashed(client, town):
    case, path = _case_with_link()

    token = path.rsplit("/", 1)[1]
    assert path.startswith("/sak/")
    stored = db.session.scalars(select(StatusLink.token_sha256)).all()
    assert len(stored) == 1 and token not in stored[0] and len(stored[0]) == 64
    assert "Sjå korleis det går med saka" in _acknowledgement(case).text


def test_an_sms_acknowledgement_carries_the_link_in_the_cases_language(client, town):
    with frozen_at(RECEIVED):
        case = receive(sms())
        db.session.commit()
    text = _acknowledgement(case).text
    assert f"Saka di: {PUBLIC_URL}/sak/" in text


def test_the_link_opens_the_status_page_in_each_language(client, town):
    case, path = _case_with_link()
    token = path.rsplit("/", 1)[1]
    for prefix, words in (("", "Saka di"), ("/nb", "Saken din"), ("/en", "Your case")):
        response = _get(client, f"{prefix}/sak/{token}")
        body = response.get_data(as_text=True)
        assert response.status_code == 200, prefix
        assert f"{words} {case.reference}" in body
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
        assert "noindex" in response.headers["X-Robots-Tag"]
        assert '<meta name="robots" content="noindex, nofollow">' in body


def test_the_page_says_the_status_date_and_department_and_nothing_of_the_case(client, town):
    staff, byggesak = town
    case, path = _case_with_link()
    body = _get(client, path).get_data(as_text=True)
    assert "Vi har fått meldinga di" in body
    assert "fredag 27. november 2026" in body  # five working days after Monday
    assert "e-post" in body and "56 37 50 00" in body
    pages = [body]
    with frozen_at(RECEIVED + timedelta(hours=2)):
        reply(case, staff, "Kari Nordmann: garasjen på Sæle treng ikkje søknad.")
        db.session.commit()
    pages.append(_get(client, path, RECEIVED + timedelta(hours=3)).get_data(as_text=True))
    assert "Vi har svart deg" in pages[-1]
    with frozen_at(RECEIVED + timedelta(hours=4)):
        propose(case, byggesak, staff, "Olav Saksbehandlar meiner dette er byggesak")
        db.session.commit()
    pages.append(_get(client, path, RECEIVED + timedelta(hours=5)).get_data(as_text=True))
    assert "Saka di blir overført til Byggesak" in pages[-1]
    body = "".join(pages)
    for secret in (*SECRET_WORDS, case.subject, *[m.text for m in case.messages]):
        assert secret not in body, secret


def test_a_preliminary_answer_shows_its_new_date(client, town):
    staff, _byggesak = town
    case, path = _case_with_link()
    with frozen_at(RECEIVED + timedelta(hours=1)):
        reply(
            case, staff, "Vi treng meir tid.", kind=OutKind.PRELIMINARY, new_date=date(2026, 12, 4)
        )
        db.session.commit()
    body = _get(client, path, RECEIVED + timedelta(hours=2)).get_data(as_text=True)
    assert "Ny dato etter det førebelse svaret" in body
    assert "fredag 4. desember 2026" in body


def test_a_wrong_token_gets_the_same_neutral_page_as_an_expired_and_a_revoked_one(client, town):
    staff, _byggesak = town
    expired, expired_path = _case_with_link()
    merged, merged_path = _case_with_link("ola@example.no")
    with frozen_at(RECEIVED + timedelta(hours=1)):
        into = receive(email(sender="ola@example.no", subject="Anna sak", text="Anna."))
        close(expired, staff)
        merge(merged, into, staff)
        db.session.commit()

    within = _get(client, expired_path, RECEIVED + timedelta(days=29))
    assert within.status_code == 200, "a closed case's link works for 30 days"
    pages = {
        "wrong": _get(client, "/sak/" + "A" * 32, RECEIVED + timedelta(days=31)),
        "malformed": _get(client, "/sak/abc", RECEIVED + timedelta(days=31)),
        "expired": _get(client, expired_path, RECEIVED + timedelta(days=31)),
        "revoked": _get(client, merged_path, RECEIVED + timedelta(days=1)),
    }
    bodies = {name: response.get_data(as_text=True) for name, response in pages.items()}
    assert {response.status_code for response in pages.values()} == {404}
    assert "Denne lenkja verkar ikkje" in bodies["wrong"]
    # The same page but for the token asked for, which its language links repeat.
    assert len({re.sub(r"/sak/[^\"]*", "", body) for body in bodies.values()}) == 1
    for response in pages.values():
        assert response.headers["Referrer-Policy"] == "no-referrer"
    assert db.session.scalar(select(StatusLink.revoked_at).join(Case).where(Case.id == merged.id))


def test_a_deleted_case_takes_its_links_along(client, town):
    staff, _byggesak = town
    case, path = _case_with_link()
    with frozen_at(RECEIVED + timedelta(hours=1)):
        close(case, staff)
        db.session.commit()
    with frozen_at(RECEIVED + timedelta(days=40)):
        retention.apply()
    assert db.session.scalar(select(func.count()).select_from(StatusLink)) == 0
    assert _get(client, path, RECEIVED + timedelta(days=40)).status_code == 404


def test_too_many_requests_from_one_address_get_the_neutral_page(client, town):
    _case, path = _case_with_link()
    wrong = "/sak/" + "B" * 32
    statuses = [_get(client, wrong).status_code for _ in range(60)]
    assert set(statuses) == {404}
    limited = _get(client, path)
    assert limited.status_code == 429
    assert "Saka di" not in limited.get_data(as_text=True), "not even the right token"


def test_the_status_page_can_be_switched_off(app, client, town):
    _case, path = _case_with_link()
    settings = app.extensions["svarfrist"]
    app.extensions["svarfrist"] = replace(
        settings, status_page=replace(settings.status_page, is_enabled=False)
    )
    assert _get(client, path).status_code == 404
    with frozen_at(RECEIVED):
        case = receive(email(sender="ola@example.no"))
        db.session.commit()
    assert "/sak/" not in _acknowledgement(case).text


def _add(client, path: str, at: datetime, **fields):
    page = _get(client, path, at).get_data(as_text=True)
    with frozen_at(at):
        response = client.post(
            path,
            data={"csrf_token": CSRF.search(page)[1], **fields},
            content_type="multipart/form-data",
        )
    db.session.commit()
    return response


def test_added_information_arrives_through_intake_on_channel_web_and_starts_a_turn(client, town):
    staff, _byggesak = town
    case, path = _case_with_link()
    with frozen_at(RECEIVED + timedelta(hours=1)):
        reply(case, staff, "Svar.")
        db.session.commit()
    at = RECEIVED + timedelta(days=1)
    response = _add(
        client,
        path,
        at,
        text="Her er teikninga.\u202e",
        file=(io.BytesIO(b"%PDF-1.4 teikning"), "../../teikning.pdf", "application/pdf"),
    )
    assert response.status_code == 303
    assert response.headers["Location"] == path
    assert response.headers["Referrer-Policy"] == "no-referrer"
    followed = _get(client, path, at).get_data(as_text=True)
    assert "Takk. Vi har fått det du sende" in followed

    db.session.expire_all()
    added = db.session.scalars(
        select(Message).where(Message.case_id == case.id, Message.channel == "web")
    ).one()
    assert added.direction == Direction.IN and added.text == "Her er teikninga."
    assert [a.filename for a in added.attachments] == ["teikning.pdf"]
    turn = db.session.scalars(
        select(Turn).where(Turn.case_id == case.id).order_by(Turn.id.desc())
    ).first()
    assert turn.opened_by_id == added.id and turn.channel == "web"
    assert turn.due_at == datetime(2026, 12, 1, 15, 0, tzinfo=OSLO)  # five working days
    assert db.session.get(Case, case.id).status == CaseStatus.OPEN
    log_in(client, "olav@alver.no")
    staff_page = _get(client, f"/cases/{case.reference}", at).get_data(as_text=True)
    assert "Her er teikninga." in staff_page and "statussida" in staff_page


def test_adding_nothing_or_without_a_csrf_token_is_refused(client, town):
    case, path = _case_with_link()
    empty = _add(client, path, RECEIVED + timedelta(hours=1), text="  ")
    assert empty.status_code == 400
    assert "Skriv kva du vil leggje til" in empty.get_data(as_text=True)
    with frozen_at(RECEIVED + timedelta(hours=1)):
        forged = client.post(path, data={"text": "forged"})
    assert forged.status_code == 400
    messages = select(func.count()).where(Message.case_id == case.id, Message.channel == "web")
    assert db.session.scalar(messages) == 0


def test_the_callback_receipt_carries_the_link(client, town):
    token = CSRF.search(client.get("/ring-meg").get_data(as_text=True))[1]
    with frozen_at(RECEIVED):
        client.post(
            "/ring-meg",
            data={
                "csrf_token": token,
                "name": "Kari Nordmann",
                "phone": "912 34 567",
                "about": "Eigedomsskatt",
                "preferred_time": "any",
                "sms_consent": "y",
            },
        )
        receipt = client.get("/ring-meg/kvittering").get_data(as_text=True)
    match = LINK.search(receipt)
    assert match, receipt
    assert _get(client, match[1]).status_code == 200
    case = db.session.scalars(select(Case)).one()
    assert LINK.search(_acknowledgement(case).text), "the SMS carries one too"


def test_the_municipalitys_own_e_mail_text_gets_the_link_too(app, client, town):
    settings = app.extensions["svarfrist"]
    app.extensions["svarfrist"] = replace(
        settings, acknowledgement_texts={"nn": "Takk for e-posten. Saka har nummer {reference}."}
    )
    case, path = _case_with_link()
    text = _acknowledgement(case).text
    assert text.startswith(f"Takk for e-posten. Saka har nummer {case.reference}.\n\n")
    assert text.endswith(f"send oss meir informasjon: {PUBLIC_URL}{path}")


def test_counted_requests_are_forgotten_after_their_window(client, town):
    _case, path = _case_with_link()
    _get(client, path)
    _get(client, path, RECEIVED + timedelta(hours=3))
    kept = db.session.scalars(select(RateEvent.at).where(RateEvent.bucket == "status-ip")).all()
    assert kept == [RECEIVED + timedelta(hours=3)]


def test_an_anonymized_case_has_its_links_revoked(app, client, town):
    staff, _byggesak = town
    app.extensions["svarfrist"] = replace(
        app.extensions["svarfrist"], retention_action=RetentionAction.ANONYMIZE
    )
    case, path = _case_with_link()
    with frozen_at(RECEIVED + timedelta(hours=1)):
        close(case, staff)
        db.session.commit()
    with frozen_at(RECEIVED + timedelta(days=40)):
        retention.apply()
    assert db.session.scalars(select(StatusLink.revoked_at)).one() is not None
    assert _get(client, path, RECEIVED + timedelta(days=40)).status_code == 404


@pytest.mark.parametrize(
    ("language", "prefix"), [("nn", "/sak/"), ("nb", "/nb/sak/"), ("en", "/en/sak/")]
)
def test_the_link_is_in_the_cases_language(client, town, language, prefix):
    with frozen_at(RECEIVED):
        case = receive(email(sender=f"{language}@example.no"))
        case.language = language
        url = status_url(case)
        db.session.commit()
    assert url.startswith(f"{PUBLIC_URL}{prefix}")
    assert _get(client, url.removeprefix(PUBLIC_URL)).status_code == 200
