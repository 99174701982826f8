"""Every page, for every kind of user and in every language: no id is used twice, and every
label (and every aria reference) points at an element that exists.

Two textareas with the id ``text`` put the cursor in the reply to the citizen when staff
clicked "Internal note". The pages are read from the app's URL map (the route walk of
test_access_walk), so a new page is checked as soon as it exists.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime
from html.parser import HTMLParser

import pytest

from channels.base import InboundAttachment
from inbox.cases.answer_ways import AnswerWay, Route
from inbox.cases.replies import reply
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.handovers.workflow import propose
from inbox.i18n import LANGUAGES
from inbox.intake.receiving import receive
from inbox.intake.registration import Registration, register
from inbox.models import Role
from tests.factories import make_department, make_user
from tests.inbox.cases.test_access_walk import urls
from tests.inbox.intake_helpers import OSLO, email, sms
from tests.inbox.web_helpers import log_in

ROLES = ("admin", "leader", "frontline", "department")
MOMENT = datetime(2026, 11, 25, 10, 0, tzinfo=OSLO)


class _Ids(HTMLParser):
    """The ids on a page, and the ids its labels and aria attributes point at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: Counter[str] = Counter()
        self.pointers: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id") is not None:
            self.ids[values["id"]] += 1
        if tag == "label" and values.get("for") is not None:
            self.pointers.append(("label for", values["for"]))
        for attribute in ("aria-labelledby", "aria-describedby", "aria-controls"):
            for target in (values.get(attribute) or "").split():
                self.pointers.append((attribute, target))

    handle_startendtag = handle_starttag


def problems(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    found = [f"id {name!r} used {n} times" for name, n in parser.ids.items() if n > 1]
    found += [
        f"{attribute}={target!r} points at no element"
        for attribute, target in parser.pointers
        if target not in parser.ids
    ]
    return found


@pytest.fixture
def town(app):
    with frozen_at(MOMENT):
        frontline = make_department("innbyggjarservice", is_frontline=True)
        byggesak = make_department("byggesak")
        users = {
            "admin": make_user(role=Role.ADMIN, email="admin@alver.no"),
            "leader": make_user(byggesak, role=Role.LEADER, email="leiar@alver.no"),
            "frontline": make_user(frontline, email="frontline@alver.no"),
            "department": make_user(byggesak, email="byggesak@alver.no"),
        }
        attachment = InboundAttachment("kart.pdf", "application/pdf", b"%PDF-1.4 kart")
        cases = [
            receive(email(attachments=(attachment,))),
            receive(sms()),
            receive(sms(channel="facebook", sender="fb-1")),
            receive(sms(channel="instagram", sender="ig-1")),
            receive(replace(sms(channel="callback"), metadata={"sms_consent": True})),
        ]
        for channel in ("letter", "phone", "in_person"):
            cases.append(
                register(
                    Registration(
                        channel=channel,
                        received_at=MOMENT,
                        name="Ola Nordmann",
                        email="ola@example.no",
                        phone="",
                        subject=f"Registrert ({channel})",
                        text="Spørsmål om eigedomsskatt.",
                        language="nn",
                        department=frontline,
                    ),
                    users["frontline"],
                )
            )
        moved = receive(email(sender="per@example.no"))
        moved.department = byggesak
        cases.append(moved)
        reply(cases[5], users["frontline"], "Svar i brev.", way=AnswerWay(Route.LETTER))
        propose(cases[0], byggesak, users["frontline"], "Dette er ei byggesak.")
        db.session.commit()
    return users, cases


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_no_page_repeats_an_id_or_labels_a_missing_field(app, client, town, role, language):
    users, cases = town
    user = users[role]
    user.language = language
    db.session.commit()
    assert log_in(client, user.email).status_code == 302
    checked, found = 0, {}
    with frozen_at(MOMENT):
        for endpoint, method, path in urls(app, cases):
            if method != "GET" or endpoint.startswith("api.") or endpoint == "auth.logout":
                continue
            response = client.get(path)
            if response.mimetype != "text/html" or 300 <= response.status_code < 400:
                continue
            html = response.get_data(as_text=True)
            assert f'lang="{language}"' in html, path
            if problems(html):
                found[path] = problems(html)
            checked += 1
    assert found == {}, (role, language)
    assert checked >= 20


def test_the_check_finds_a_repeated_id_and_a_label_for_nothing():
    page = '<textarea id="text"></textarea><label for="note">x</label><textarea id="text">'
    assert problems(page) == [
        "id 'text' used 2 times",
        "label for='note' points at no element",
    ]
