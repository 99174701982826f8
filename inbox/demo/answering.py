"""Answering as the demo's staff would."""

from __future__ import annotations

from inbox.cases.answer_ways import AnswerWay, Route, default_way
from inbox.cases.replies import mark_letter_sent, reply
from inbox.clock import now
from inbox.models import Case, User


def answer_as_staff(case: Case, author: User, text: str, **kind) -> None:
    """Answer as staff would: on the case's channel; by phone when it cannot carry one (a
    phone or callback case, a Meta conversation past its window); a letter case by a letter
    posted at once."""
    if case.channel == "letter":
        letter = reply(case, author, text, way=AnswerWay(Route.LETTER), **kind)
        mark_letter_sent(case, letter, author)
        return
    way = default_way(case, now()) or AnswerWay(Route.SPOKEN)
    reply(case, author, text, way=way, **kind)
