"""Asking a network: a member asks, members answer, the asker marks the answer that helped.

Questions are read by the network's members (and moderators) only, and searched with
kb's own Swedish search – inflections, compound parts, phrases – without entering the
main index, where every other search would have to keep them out: per network, a small
index in memory (kb.search.memory_index, kb's schema and analyzers) holds its questions
with their answers, and kb.search.run searches it under a Reach of that network alone.
Each process keeps one such index per network, built again when the network's
questions change (their number, newest id or last change moves).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from kb import community
from kb.access import networks as access
from kb.access.policy import Audience
from kb.access.reach import NETWORKS, Reach
from kb.core.errors import Forbidden, NotFound
from kb.core.lru import LeastRecentlyUsed
from kb.core.vocab import ModerationState
from kb.extensions import db, network_search
from kb.models import Network, NetworkQuestion, User, utcnow
from kb.networks import memberships as networks
from kb.search import (
    Criteria,
    Highlighted,
    first_word_with_stem,
    highlight_all,
    memory_index,
    run,
    snippet,
)

PER_PAGE = 20
# Networks whose question index a process keeps.
MAX_NETWORKS = 64


# Reading ------------------------------------------------------------------------------

def question_in(network: Network, question_id: int) -> NetworkQuestion:
    question = db.session.get(NetworkQuestion, question_id)
    if question is None or question.network_id != network.id or question.parent_id is not None:
        raise NotFound("Frågan finns inte.")
    return question


def newest(network: Network, page: int = 1):
    query = (select(NetworkQuestion)
             .options(joinedload(NetworkQuestion.author), selectinload(NetworkQuestion.answers))
             .where(NetworkQuestion.network_id == network.id,
                    NetworkQuestion.parent_id.is_(None))
             .order_by(NetworkQuestion.created_at.desc(), NetworkQuestion.id.desc()))
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


@dataclass(frozen=True)
class Thread:
    """A question on a member's start page: how many answers it has, when the latest
    came, and whether one of them helped the asker."""

    question: NetworkQuestion
    answers: int
    latest: datetime | None
    helped: bool


def _threads_in(audience: Audience):
    """Questions of the member's own networks (kb.access: members read a network's
    questions) with their answers counted in the same query."""
    answer = aliased(NetworkQuestion)
    counts = (select(answer.parent_id.label("question_id"), func.count().label("n"),
                     func.max(answer.created_at).label("latest"),
                     func.max(case((answer.helped, 1), else_=0)).label("helped"))
              .where(answer.parent_id.is_not(None)).group_by(answer.parent_id).subquery())
    query = (select(NetworkQuestion, counts.c.n, counts.c.latest, counts.c.helped)
             .options(joinedload(NetworkQuestion.network))
             .outerjoin(counts, counts.c.question_id == NetworkQuestion.id)
             .where(NetworkQuestion.parent_id.is_(None),
                    NetworkQuestion.network_id.in_(sorted(audience.network_ids))))
    return query, counts


def _as_threads(rows) -> list[Thread]:
    return [Thread(question, n or 0, latest, bool(helped))
            for question, n, latest, helped in rows]


def answered_for(audience: Audience, limit: int = 5) -> list[Thread]:
    """The member's own questions in her networks that got answers, the latest answer
    first: one query."""
    if not audience.is_member or not audience.network_ids:
        return []
    query, counts = _threads_in(audience)
    query = (query.where(NetworkQuestion.author_id == audience.member_id, counts.c.n > 0)
             .order_by(counts.c.latest.desc(), NetworkQuestion.id.desc()).limit(limit))
    return _as_threads(db.session.execute(query))


def open_for(audience: Audience, limit: int = 5) -> list[Thread]:
    """Questions others asked in the member's networks that nobody has answered yet,
    newest first: one query."""
    if not audience.is_member or not audience.network_ids:
        return []
    query, counts = _threads_in(audience)
    query = (query.where(counts.c.n.is_(None),
                         or_(NetworkQuestion.author_id.is_(None),
                             NetworkQuestion.author_id != audience.member_id))
             .order_by(NetworkQuestion.created_at.desc(), NetworkQuestion.id.desc())
             .limit(limit))
    return _as_threads(db.session.execute(query))


def author_label(post: NetworkQuestion) -> str:
    return post.author.display_name if post.author is not None else "Tidigare medlem"


# Writing ------------------------------------------------------------------------------

def ask(network: Network, audience: Audience, user: User, title: str,
        body: str = "") -> NetworkQuestion:
    access.require_member(audience, network)
    networks.require_open(network)
    question = NetworkQuestion(network_id=network.id, author_id=user.id, title=title.strip(),
                               body=(body or "").strip(), created_at=utcnow())
    question.network = network
    db.session.add(question)
    db.session.flush()
    community.notify_members(network, community.NETWORK_QUESTION, question=question,
                             except_user=user)
    db.session.commit()
    return question


def answer(question: NetworkQuestion, audience: Audience, user: User,
           body: str) -> NetworkQuestion:
    access.require_member(audience, question.network)
    networks.require_open(question.network)
    reply = NetworkQuestion(network_id=question.network_id, author_id=user.id,
                            parent_id=question.id, body=body.strip(), created_at=utcnow())
    db.session.add(reply)
    question.updated_at = utcnow()  # the thread's text changed: its index is rebuilt
    db.session.flush()
    community.notify(question.author_id, community.NETWORK_ANSWER, question=question,
                     actor_id=user.id)
    db.session.commit()
    return reply


def mark_helped(question: NetworkQuestion, audience: Audience, answer_id: int) -> bool:
    """The asker marks the answer that helped (one per question), or takes it back.
    Returns whether it is marked now."""
    if not access.may_mark_helped(audience, question):
        raise Forbidden("Bara den som frågade kan markera svaret som hjälpte.")
    reply = next((a for a in question.answers if a.id == answer_id), None)
    if reply is None:
        raise NotFound("Svaret finns inte.")
    marked = not reply.helped
    for other in question.answers:
        other.helped = False
    reply.helped = marked
    question.updated_at = utcnow()
    db.session.commit()
    return marked


# Searching ----------------------------------------------------------------------------

@dataclass
class Hit:
    """A question found, with its title and a snippet, each with the words that matched
    (pages mark them: kb.web.templating.marked)."""

    question: NetworkQuestion
    title: Highlighted
    snippet: Highlighted


@dataclass
class Found:
    hits: list[Hit]
    total: int
    page: int
    pages: int
    suggestion: str | None = None


class QuestionIndexes:
    """The in-memory index of each network's questions in this process, by version."""

    def __init__(self, max_networks: int = MAX_NETWORKS):
        self._indexes = LeastRecentlyUsed(entries=max_networks)
        self._lock = threading.Lock()

    def get(self, network_id: int, version: tuple, build):
        with self._lock:
            found = self._indexes.get(network_id)
        if found is not None and found[0] == version:
            return found[1]
        index = build()
        with self._lock:
            self._indexes.put(network_id, (version, index))
        return index


def _version(network_id: int) -> tuple:
    return tuple(db.session.execute(
        select(func.count(), func.max(NetworkQuestion.id), func.max(NetworkQuestion.updated_at))
        .where(NetworkQuestion.network_id == network_id)).one())


def _threads(network_id: int) -> list[NetworkQuestion]:
    return list(db.session.scalars(
        select(NetworkQuestion).options(selectinload(NetworkQuestion.answers))
        .where(NetworkQuestion.network_id == network_id, NetworkQuestion.parent_id.is_(None))
        .order_by(NetworkQuestion.id)))


def _texts(question: NetworkQuestion) -> list[str]:
    return [question.title, question.body, *(a.body for a in question.answers)]


def document(question: NetworkQuestion) -> dict:
    """A question with its answers as a document of kb's schema, shared with its network
    alone."""
    body = "\n".join(text for text in _texts(question)[1:] if text)
    return {
        "id": str(question.id),
        "title": question.title,
        "body": body,
        "parts": f"{question.title}\n{body}",
        "visibility": NETWORKS,
        "state": ModerationState.PUBLISHED.value,
        "networks": str(question.network_id),
        "author_id": str(question.author_id or 0),
        "created": question.created_at,
        "confirmed": question.updated_at,
        "helpful": len(question.answers),
    }


def _index(network: Network):
    return network_search.current.get(
        network.id, _version(network.id),
        lambda: memory_index(document(q) for q in _threads(network.id)))


def search(network: Network, audience: Audience, q: str, page: int = 1) -> Found:
    """The network's questions matching `q` (kb's Swedish search), best first."""
    access.require_reader(audience, network)
    criteria = Criteria(text=q, page=page)
    reach = Reach(networks=frozenset({network.id}))

    def surface_word(question_id: int, key: str) -> str | None:
        question = db.session.get(NetworkQuestion, question_id)
        if question is None or question.network_id != network.id:
            return None
        return first_word_with_stem(_texts(question), key)

    with _index(network).searcher() as searcher:
        found = run(searcher, criteria, reach, {}, surface_word)
    questions = {}
    if found.ids:
        questions = {question.id: question for question in db.session.scalars(
            select(NetworkQuestion).options(joinedload(NetworkQuestion.author),
                                            selectinload(NetworkQuestion.answers))
            .where(NetworkQuestion.id.in_(found.ids),
                   NetworkQuestion.network_id == network.id))}
    words = found.words
    hits = [Hit(questions[i], highlight_all(questions[i].title, words),
                snippet(_texts(questions[i])[1:], words))
            for i in found.ids if i in questions]
    return Found(hits, found.total, found.page, found.pages, found.suggestion)
