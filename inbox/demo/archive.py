"""Two years of settled history for the demo, inserted in bulk.

Playing thousands of cases through intake, replies and handovers takes minutes, so
the closed past (1 January of last year up to a few weeks ago) is written directly:
the same rows the services write (case, messages, turns with their promise from the
configured rules, accepted handovers, the report's daily counts), a few statements
per table. The recent weeks, with open turns and waiting handovers, are still played
through the services (see :class:`inbox.demo.DemoLoader`).

Volume follows a municipality's rhythm: working days far busier than weekends, the
morning busiest, snow clearing in winter, kindergarten applications in spring and
property tax in March. The same seed gives the same history.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

from sqlalchemy import insert, text

from inbox.demo.phrasings import citizen_text, handling_department
from inbox.demo.texts import CALLBACK, HANDOVER_NOTE, TOPICS
from inbox.extensions import db
from inbox.intake.references import next_reference, reserve
from inbox.models import (
    Case,
    CaseStatus,
    Contact,
    ContactIdentity,
    Direction,
    Handover,
    HandoverStatus,
    Message,
    OutKind,
    Turn,
    TurnDayChange,
    TurnOrigin,
)
from inbox.reports.turn_days import FIELDS, QUICK

#: Cases per ordinary working day, before the seasons (about 3,000 a year).
PER_WORKING_DAY = 9.0
#: A weekend or holiday gets this share of a working day's volume.
OFF_DAY_SHARE = 0.08
#: E-mail most, then phone, SMS, callback, Facebook, letters.
CHANNELS = {"email": 40, "phone": 19, "sms": 14, "callback": 11, "facebook": 9, "letter": 7}
#: The answer's time as a share of the promised opening time: (usual range, late range);
#: quicker on the chat-like channels. About one in nine is late.
ANSWER_SHARES = {
    "email": ((0.02, 0.9), (1.05, 1.8)),
    "letter": ((0.05, 0.9), (1.05, 1.8)),
    "sms": ((0.02, 0.7), (1.05, 2.5)),
    "facebook": ((0.02, 0.7), (1.05, 2.5)),
    "callback": ((0.02, 0.8), (1.05, 2.0)),
    "phone": ((0.02, 0.9), (1.05, 1.8)),
}
LATE_SHARE = 0.11
#: How much each topic's volume moves with the months (default 1), by its Nynorsk subject.
SEASONS: dict[str, dict[int, float]] = {
    "Brøyting": {12: 9, 1: 12, 2: 9, 3: 3, 11: 3, 4: 0.5, 5: 0.1, 6: 0.1, 7: 0.1, 8: 0.1, 9: 0.2},
    "Klage på eigedomsskatt": {3: 10, 4: 3, 2: 1.5, 7: 0.3, 12: 0.5},
    "Faktura for eigedomsskatt": {3: 8, 4: 2, 9: 2, 7: 0.3},
    "Søknad om barnehageplass": {2: 4, 3: 6, 4: 5, 5: 2, 7: 0.3, 12: 0.5},
    "Skuleskyss": {8: 5, 9: 3, 7: 0.2, 6: 1.5},
    "Plass i SFO": {4: 3, 5: 2, 8: 3, 7: 0.2},
    "Vasslekkasje i vegen": {1: 2, 2: 2, 12: 1.5, 7: 0.6},
    "Kokevarsel?": {7: 2, 8: 2},
    "Renovasjon": {12: 2.5, 1: 2, 6: 1.3},
}
FIRST_NAMES = (
    "Anne",
    "Berit",
    "Bjørn",
    "Dag",
    "Eli",
    "Erik",
    "Frode",
    "Gro",
    "Hallvard",
    "Ida",
    "Jorunn",
    "Kjell",
    "Lars",
    "Mette",
    "Nina",
    "Oddny",
    "Petter",
    "Ragnhild",
    "Sigurd",
    "Tone",
    "Unni",
    "Vidar",
    "Åsmund",
    "Øystein",
    "Heidi",
    "Jostein",
    "Karin",
    "Leif",
    "Marta",
    "Olav",
    "Sissel",
    "Trond",
)
LAST_NAMES = (
    "Askeland",
    "Brakstad",
    "Dale",
    "Eide",
    "Fjeldstad",
    "Gjerde",
    "Helland",
    "Instebø",
    "Johannessen",
    "Kleppe",
    "Lunde",
    "Mjanger",
    "Nordanger",
    "Olsnes",
    "Paulsen",
    "Rossland",
    "Sæle",
    "Tveit",
    "Utkilen",
    "Vik",
    "Wergeland",
    "Ådland",
    "Bakke",
    "Hope",
    "Kvalheim",
    "Løtveit",
    "Nesse",
    "Rong",
    "Storheim",
    "Toft",
)


def history_start(today: date) -> date:
    """The archive begins on 1 January of last year."""
    return date(today.year - 1, 1, 1)


class Archive:
    """Writes the settled history of ``loader``'s municipality from ``start`` to ``end``."""

    def __init__(
        self, loader, start: date, end: date, scale: float = 1.0, played: tuple = (None, 0)
    ) -> None:
        self.loader = loader
        self.random = loader.random
        self.calendar = loader.calendar
        self.rules = loader.settings.rules
        self.start, self.end, self.scale = start, end, scale
        self.frontline = loader.departments["innbyggjarservice"]
        #: From this day on, the services play this many cases; the archive makes room.
        self.played_from, self.played = played

    # -- planning in memory ----------------------------------------------------------

    def plan(self) -> list[dict]:
        cases = []
        day = self.start
        while day <= self.end:
            for _ in range(self._how_many(day)):
                cases.append(self._case(day))
            day += timedelta(days=1)
        cases = [case for case in cases if case is not None]
        cases.sort(key=lambda case: case["received_at"])
        return cases

    def _topic_weights(self, month: int) -> list[float]:
        return [SEASONS.get(topic.subject["nn"], {}).get(month, 1.0) for topic in TOPICS]

    def _how_many(self, day: date) -> int:
        working = self.calendar.is_working_day(day)
        seasonal = sum(self._topic_weights(day.month)) / len(TOPICS)
        mean = PER_WORKING_DAY * self.scale * seasonal * (1 if working else OFF_DAY_SHARE)
        if self.played_from is not None and day >= self.played_from:
            days = (self.end - self.played_from).days + 1
            mean = max(0.0, mean - self.played / days * (1.3 if working else 0.3))
        return max(0, round(self.random.gauss(mean, math.sqrt(mean))))

    def _case(self, day: date) -> dict | None:
        topic = self.random.choices(TOPICS, self._topic_weights(day.month))[0]
        channel = self.random.choices(list(CHANNELS), list(CHANNELS.values()))[0]
        if self.calendar.is_working_day(day) and self.random.random() < 0.88:
            hour = self.random.triangular(8, 15.5, 9.5)  # the morning is busiest
        else:
            hour = self.random.uniform(7, 23)
        local = datetime.combine(day, datetime.min.time(), tzinfo=self.calendar.zone)
        received_at = local + timedelta(hours=hour)
        citizen = self.random.choice(self.contacts)
        department = self.loader.departments[handling_department(topic, self.random)]
        case = {
            "topic": topic,
            "channel": channel,
            "citizen": citizen,
            "received_at": received_at,
            "department": department,
            "handover": None,
            "turns": [],
        }
        moment = received_at
        if department.id != self.frontline.id:
            # Offered and accepted within a share of the promise; some wait longer.
            promise = self.rules.promises[channel].promise(self.calendar, received_at)
            promised = self._seconds(received_at, promise.due_at) / 3600
            slow = self.random.random() < 0.12
            proposed_at = self._hours_later(moment, 0.02 * promised, 0.12 * promised)
            decided_at = self._hours_later(
                proposed_at, *((0.3 * promised, 0.7 * promised) if slow else (0.02, 0.2 * promised))
            )
            case["handover"] = (proposed_at, decided_at)
            moment = decided_at
        case["turns"].append(self._turn(channel, received_at, moment))
        if self.random.random() < 0.1:  # the citizen writes again after the answer
            again = case["turns"][0]["answered_at"] + timedelta(hours=self.random.uniform(1, 48))
            case["turns"].append(self._turn(channel, again, again))
        last = case["turns"][-1]["answered_at"]
        if last >= self.limit:
            return None  # not answered yet: the recent, open cases are played by the services
        closed_at = last + timedelta(days=self.random.uniform(0.5, 4))
        case["closed_at"] = closed_at if closed_at < self.limit else None
        return case

    def _turn(self, channel: str, received_at: datetime, moment: datetime) -> dict:
        promise = self.rules.promises[channel].promise(self.calendar, received_at)
        promised = self._seconds(received_at, promise.due_at)
        usual, late = ANSWER_SHARES[channel]
        low, high = late if self.random.random() < LATE_SHARE else usual
        share = self.random.uniform(low, high)
        spent = self._seconds(received_at, moment)  # waiting for the handover
        hours = max(share * promised - spent, 0.05 * promised) / 3600
        answered_at = self.calendar.add_working_hours(moment, hours)
        return {
            "received_at": received_at,
            "target_at": promise.target_at,
            "due_at": promise.due_at,
            "answered_at": answered_at,
            "met": answered_at <= promise.due_at,
            "promised_seconds": promised,
            "answer_seconds": self._seconds(received_at, answered_at),
        }

    def _hours_later(self, moment: datetime, low: float, high: float) -> datetime:
        return self.calendar.add_working_hours(moment, self.random.uniform(low, high))

    def _seconds(self, start: datetime, end: datetime) -> int:
        if end <= start:
            return 0
        return round(self.calendar.working_time_between(start, end).total_seconds())

    # -- writing -----------------------------------------------------------------------

    def write(self, limit: datetime) -> int:
        """Insert the history (every answer before ``limit``); how many cases."""
        self.limit = limit
        self.contacts = self._add_contacts()
        cases = self.plan()
        years: dict[int, int] = {}
        for case in cases:
            year = self.calendar.local_date(case["received_at"]).year
            years[year] = years.get(year, 0) + 1
        reserve(years)
        for case in cases:
            case["reference"] = next_reference(self.calendar.local_date(case["received_at"]).year)
        case_ids = self._insert(Case, [self._case_row(case) for case in cases])
        for case, case_id in zip(cases, case_ids, strict=True):
            case["id"] = case_id
        self._add_handovers(cases)
        self._add_messages_and_turns(cases)
        self._add_day_counts(cases)
        if case_ids:
            self._index_words(min(case_ids), max(case_ids))
        return len(cases)

    @staticmethod
    def _index_words(first: int, last: int) -> None:
        """PostgreSQL: the cases' words for search, as intake adds them (reference, the
        citizen's messages, name and address), in one statement. SQLite's FTS5 table of
        messages is kept by its triggers."""
        if db.engine.dialect.name != "postgresql":
            return
        db.session.execute(
            text(
                "UPDATE cases SET search_vector = to_tsvector('norwegian', concat_ws(' ', "
                "cases.reference, contacts.name, words.said)) "
                "FROM contacts, (SELECT case_id, string_agg(concat_ws(' ', subject, text, "
                "address), ' ') AS said FROM messages WHERE direction = 'in' "
                "AND case_id BETWEEN :first AND :last GROUP BY case_id) AS words "
                "WHERE contacts.id = cases.contact_id AND words.case_id = cases.id"
            ),
            {"first": first, "last": last},
        )

    @staticmethod
    def _insert(model, rows: list[dict]) -> list[int]:
        if not rows:
            return []
        statement = insert(model).returning(model.id, sort_by_parameter_order=True)
        return list(db.session.scalars(statement, rows))

    def _add_contacts(self) -> list[dict]:
        created_at = datetime.combine(
            self.start, datetime.min.time(), tzinfo=self.calendar.zone
        ) - timedelta(days=1)
        people = []
        for first in FIRST_NAMES:
            for last in LAST_NAMES:
                if self.random.random() < 0.6:
                    people.append({"name": f"{first} {last}", "serial": len(people)})
        rows = [
            {
                "name": person["name"],
                "language": "nb" if self.random.random() < 0.25 else "nn",
                "created_at": created_at,
            }
            for person in people
        ]
        ids = self._insert(Contact, rows)
        identities = []
        for person, row, contact_id in zip(people, rows, ids, strict=True):
            slug = person["name"].lower().replace(" ", ".")
            for ch, sub in (("æ", "ae"), ("ø", "o"), ("å", "aa")):
                slug = slug.replace(ch, sub)
            person.update(
                id=contact_id,
                language=row["language"],
                email=f"{slug}{person['serial']}@example.com",
                phone=f"+479{7_000_000 + person['serial'] * 37:07d}",
                messenger=f"demo-psid-a{person['serial']}",
            )
            identities += [
                {"contact_id": contact_id, "kind": "email", "value": person["email"]},
                {"contact_id": contact_id, "kind": "phone", "value": person["phone"]},
                {"contact_id": contact_id, "kind": "messenger", "value": person["messenger"]},
            ]
        db.session.execute(
            insert(ContactIdentity),
            [identity | {"kind": _identity_kind(identity["kind"])} for identity in identities],
        )
        return people

    def _case_row(self, case: dict) -> dict:
        language = case["citizen"]["language"]
        staff = self.loader.staff[case["department"].slug]
        case["assignee"] = self.random.choice(staff)
        return {
            "reference": case["reference"],
            "channel": case["channel"],
            "subject": case["topic"].subject[language],
            "status": CaseStatus.CLOSED if case["closed_at"] else CaseStatus.WAITING,
            "department_id": case["department"].id,
            "assignee_id": case["assignee"].id,
            "contact_id": case["citizen"]["id"],
            "language": language,
            "created_at": case["received_at"],
            "last_message_at": case["turns"][-1]["answered_at"],
            "closed_at": case["closed_at"],
        }

    def _add_handovers(self, cases: list[dict]) -> None:
        rows = []
        for case in cases:
            if case["handover"] is None:
                continue
            proposed_at, decided_at = case["handover"]
            accept_by = self.calendar.add_working_days(
                self.calendar.local_date(proposed_at), self.loader.settings.handover_days
            ).closes_at
            rows.append(
                {
                    "case_id": case["id"],
                    "from_department_id": self.frontline.id,
                    "to_department_id": case["department"].id,
                    "proposed_by_id": self.random.choice(self.loader.staff[self.frontline.slug]).id,
                    "note": HANDOVER_NOTE,
                    "status": HandoverStatus.ACCEPTED,
                    "proposed_at": proposed_at,
                    "accept_by": accept_by,
                    "decided_at": decided_at,
                    "decided_by_id": case["assignee"].id,
                    "decision_seconds": self._seconds(proposed_at, decided_at),
                }
            )
        if rows:
            db.session.execute(insert(Handover), rows)

    def _add_messages_and_turns(self, cases: list[dict]) -> None:
        inbound, outbound = [], []
        for case in cases:
            for number, turn in enumerate(case["turns"]):
                inbound.append(self._inbound(case, turn, number))
                outbound.append(self._outbound(case, turn))
        in_ids = self._insert(Message, inbound)
        out_ids = self._insert(Message, outbound)
        rows = []
        index = 0
        for case in cases:
            for turn in case["turns"]:
                rows.append(
                    {
                        "case_id": case["id"],
                        "channel": case["channel"],
                        "department_id": case["department"].id,
                        "origin": TurnOrigin.CITIZEN,
                        "opened_by_id": in_ids[index],
                        "received_at": turn["received_at"],
                        "target_at": turn["target_at"],
                        "due_at": turn["due_at"],
                        "answered_at": turn["answered_at"],
                        "answered_by_id": out_ids[index],
                        "answer_kind": OutKind.REPLY,
                        "met": turn["met"],
                        "promised_seconds": turn["promised_seconds"],
                        "answer_seconds": turn["answer_seconds"],
                    }
                )
                index += 1
        db.session.execute(insert(Turn), rows)

    def _inbound(self, case: dict, turn: dict, number: int) -> dict:
        self.loader.serial += 1
        serial = self.loader.serial
        citizen, channel, topic = case["citizen"], case["channel"], case["topic"]
        language = citizen["language"]
        subject = topic.subject[language]
        text = citizen_text(topic, language, self.random, self.loader._slots())
        if channel == "callback":
            text = CALLBACK[language].format(subject=subject.lower())
        if number:
            subject = f"Re: {subject} [Sak {case['reference']}]"
        row = {
            "case_id": case["id"],
            "direction": Direction.IN,
            "kind": None,
            "channel": channel,
            "account": {
                "email": "postmottak",
                "facebook": "alverkommune",
                "sms": "+4756375000",
                "callback": "nettside",
            }.get(channel, "manuell"),
            "external_id": f"demo-archive-{serial}",
            "rfc_message_id": None,
            "address": None,
            "subject": subject if channel in ("email", "letter", "phone") else "",
            "text": text,
            "metadata_json": {},
            "created_at": turn["received_at"],
        }
        if channel == "email":
            message_id = f"<demo-archive-{serial}@example.com>"
            row.update(
                external_id=message_id,
                rfc_message_id=message_id,
                address=citizen["email"],
                metadata_json={"message_id": message_id},
            )
        elif channel == "facebook":
            row["address"] = citizen["messenger"]
        else:
            row["address"] = citizen["phone"]
        return row

    def _outbound(self, case: dict, turn: dict) -> dict:
        channel = case["channel"]
        citizen = case["citizen"]
        if channel in ("phone", "callback"):
            channel, delivery, address = "phone", "spoken", None
        elif channel == "letter":
            delivery, address = "letter_sent", None
        else:
            delivery = "sent"
            address = citizen["messenger"] if channel == "facebook" else citizen["email"]
            if channel == "sms":
                address = citizen["phone"]
        return {
            "case_id": case["id"],
            "direction": Direction.OUT,
            "kind": OutKind.REPLY,
            "channel": channel,
            "account": "",
            "external_id": None,
            "rfc_message_id": None,
            "address": address,
            "author_id": case["assignee"].id,
            "subject": "",
            "text": case["topic"].reply[citizen["language"]],
            "metadata_json": {"delivery": delivery},
            "created_at": turn["answered_at"],
        }

    def _add_day_counts(self, cases: list[dict]) -> None:
        sums: dict[tuple, list[int]] = {}

        def add(moment: datetime, case: dict, counts: dict[str, int]) -> None:
            key = (self.calendar.local_date(moment), case["channel"], case["department"].id)
            total = sums.setdefault(key, [0] * len(FIELDS))
            for position, name in enumerate(FIELDS):
                total[position] += counts.get(name, 0)

        for case in cases:
            add(case["received_at"], case, {"cases": 1})
            for turn in case["turns"]:
                add(
                    turn["received_at"],
                    case,
                    {
                        "turns": 1,
                        "answered": 1,
                        "by_target": int(turn["answered_at"] <= turn["target_at"]),
                        "by_due": int(turn["met"]),
                        "quick": int(turn["answer_seconds"] <= QUICK * turn["promised_seconds"]),
                    },
                )
        if sums:
            db.session.execute(
                insert(TurnDayChange),
                [
                    {"day": day, "channel": channel, "department_id": department_id}
                    | dict(zip(FIELDS, values, strict=True))
                    for (day, channel, department_id), values in sorted(sums.items())
                ],
            )


def _identity_kind(value: str):
    from channels.base import IdentityKind

    return IdentityKind(value)
