"""Earlier answers: the closed cases most like this one, among those the user may see, and
the answer each was given.

PostgreSQL ranks by its full-text search (the case's ``norwegian`` search vector, any of the
first message's words, ``ts_rank``); SQLite by FTS5's BM25 over the messages, each word's
Snowball stem as a prefix; of equally good ones, the newest answers first (the likeliest still
to hold). Which cases qualify is :func:`inbox.cases.access.visible_cases`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Text, cast, exists, func, select, text
from sqlalchemy.dialects.postgresql import TSQUERY

from inbox.cases.access import NotVisible, case_to_see, visible_cases
from inbox.cases.signatures import signature_for
from inbox.cases.stemming import stem
from inbox.extensions import db
from inbox.models import Case, CaseStatus, Direction, Message, OutKind, User
from inbox.suggestions.examples import first_inbound

SHOWN = 3
# The longest words say most about a message ("byggjesøknad", not "eg" or "for"); words that
# are in almost every message make the full-text search rank nearly every case for nothing.
MOST_WORDS = 8
SHORTEST_WORD = 4
# FTS5 ranks every matching message; the best few hundred hold the best cases.
SQLITE_CANDIDATES = 500
SEARCH_CONFIGURATION = "norwegian"


@dataclass(frozen=True)
class EarlierAnswer:
    case: Case
    answered_at: datetime
    text: str


def earlier_answers(case: Case, user: User) -> list[EarlierAnswer]:
    """Up to three closed cases like ``case`` that ``user`` may see, with their answers."""
    first = first_inbound(case)
    words = _words(f"{first.subject} {first.text}" if first else case.subject)
    if not words:
        return []
    replied = exists().where(
        Message.case_id == Case.id,
        Message.direction == Direction.OUT,
        Message.kind == OutKind.REPLY,
    )
    query = visible_cases(user).where(
        Case.status == CaseStatus.CLOSED, Case.id != case.id, Case.joined_into_id.is_(None), replied
    )
    if db.engine.dialect.name == "postgresql":
        found = _ranked_postgresql(query, words)
    else:
        found = _ranked_sqlite(query, words)
    return [answer for answer in map(_last_answer, found) if answer is not None]


def answer_to_start_from(user: User, reference: str) -> str | None:
    """The answer given on closed case ``reference``, if ``user`` may see that case."""
    try:
        earlier = case_to_see(user, reference)
    except NotVisible:
        return None
    if earlier.status != CaseStatus.CLOSED:
        return None
    answer = _last_answer(earlier)
    return answer.text if answer else None


def _words(content: str) -> list[str]:
    cleaned = "".join(char if char.isalnum() else " " for char in content.lower())
    unique = {word for word in cleaned.split() if len(word) >= SHORTEST_WORD}
    return sorted(unique, key=lambda word: (-len(word), word))[:MOST_WORDS]


def _ranked_postgresql(query, words: list[str]) -> list[Case]:
    # plainto_tsquery stems the words and drops stop words, joined by & (all of them);
    # any of them will do here, and ts_rank puts the cases with more of them first.
    every = func.plainto_tsquery(SEARCH_CONFIGURATION, " ".join(words))
    any_of = cast(func.replace(cast(every, Text), "&", "|"), TSQUERY)
    rank = func.ts_rank(Case.search_vector, any_of)
    ranked = query.where(Case.search_vector.op("@@")(any_of)).order_by(rank.desc(), Case.id.desc())
    return list(db.session.scalars(ranked.limit(SHOWN)))


def _ranked_sqlite(query, words: list[str]) -> list[Case]:
    # In steps, each by a primary key: SQLite would otherwise join every matching message to
    # the access conditions before ranking.
    terms = " OR ".join('"' + stem(word).replace('"', '""') + '"*' for word in words)
    matches = db.session.execute(
        text(
            "SELECT rowid, bm25(messages_fts) AS score FROM messages_fts "
            "WHERE messages_fts MATCH :terms ORDER BY score LIMIT :candidates"
        ),
        {"terms": terms, "candidates": SQLITE_CANDIDATES},
    ).all()
    score = dict(matches)
    best: dict[int, float] = {}
    owners = select(Message.id, Message.case_id).where(Message.id.in_(list(score)))
    for message_id, case_id in db.session.execute(owners):
        best[case_id] = min(best.get(case_id, 0.0), score[message_id])  # BM25: lower is better
    found = db.session.scalars(query.where(Case.id.in_(list(best)))).all()
    found.sort(key=lambda case: (best[case.id], -case.id))
    return found[:SHOWN]


def _last_answer(case: Case) -> EarlierAnswer | None:
    reply = db.session.scalar(
        select(Message)
        .where(
            Message.case_id == case.id,
            Message.direction == Direction.OUT,
            Message.kind == OutKind.REPLY,
        )
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
    )
    if reply is None:
        return None
    return EarlierAnswer(case, reply.created_at, _without_signature(reply, case))


def _without_signature(reply: Message, case: Case) -> str:
    """The answer without its writer's signature: whoever starts from it signs it anew."""
    signature = signature_for(reply.author, case) if reply.author else ""
    if signature and reply.text.rstrip().endswith(signature):
        return reply.text.rstrip().removesuffix(signature).rstrip()
    return reply.text
