"""What an experience looks like to the search index: the projection of one row."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from kb.core.vocab import CAPABILITIES, CONTEXT_FIELDS, SUB_RATINGS
from kb.models import Experience, PayrollSystem, experience_network
from kb.models.experiences import TEXT_FIELDS

BATCH = 1000

COLUMNS = (
    "id", "author_id", "system_id", "switched_from_id", "considering_switch_to_id",
    "sector", "size_band", "reviewer_role", "usage_status", "satisfaction",
    "visibility", "moderation_state", "created_at", "helpful_count", "confirmed_at",
    "contract_end_year", "contract_audience", *TEXT_FIELDS,
)
# The structured answers (kb.search.judgements): the capability levels, the ratings.
CAPABILITY_COLUMNS = tuple(f"cap_{key}" for key in CAPABILITIES)
RATING_COLUMNS = tuple(f"rating_{key}" for key in SUB_RATINGS)
ANSWER_COLUMNS = (*CAPABILITY_COLUMNS, *RATING_COLUMNS)


def system_texts(session: Session) -> dict[int, tuple[str, str]]:
    """Per system: (name, aliases, vendor and slug) and its name alone."""
    rows = session.execute(
        select(PayrollSystem.id, PayrollSystem.name, PayrollSystem.aliases,
               PayrollSystem.vendor, PayrollSystem.slug)
    )
    return {
        r.id: (" ".join([r.name, r.aliases or "", r.vendor or "", r.slug.replace("-", " ")]),
               r.name)
        for r in rows
    }


def document(row, systems: dict[int, tuple[str, str]]) -> dict:
    """The index document of one experience row (a row of COLUMNS)."""
    body = "\n".join(getattr(row, name) or "" for name in TEXT_FIELDS[1:])
    others = " ".join(
        systems.get(i, ("", ""))[1] for i in (row.switched_from_id, row.considering_switch_to_id)
        if i
    )
    return {
        "id": str(row.id),
        "title": row.title or "",
        "body": body,
        "parts": f"{row.title or ''}\n{body}",
        "system_names": systems.get(row.system_id, ("", ""))[0],
        "other_systems": others,
        "system_id": str(row.system_id),
        "switched_from_id": str(row.switched_from_id) if row.switched_from_id else None,
        "contract_end": contract_end(row),
        **{field.column: getattr(row, field.column) or "" for field in CONTEXT_FIELDS},
        "visibility": row.visibility,
        "state": row.moderation_state,
        "author_id": str(row.author_id or 0),
        "networks": row.network_ids or "",
        "satisfaction": row.satisfaction,
        "created": row.created_at,
        "helpful": row.helpful_count or 0,
        "confirmed": row.confirmed_at or row.created_at,
        **{name: getattr(row, name) or "unknown" for name in CAPABILITY_COLUMNS},
        **{name: getattr(row, name) or 0 for name in RATING_COLUMNS},
    }


def contract_end(row) -> str | None:
    """The year the contract ends as the index carries it: only where its facts are read
    by whoever reads the experience (contract audience "same", kb.access.procurement),
    so a filter tells nobody what they may not see; a year alone names no one, so an
    anonymous experience's is carried too. None: absent from the index."""
    if row.contract_end_year is None or (row.contract_audience or "same") != "same":
        return None
    return str(row.contract_end_year)


def rows(session: Session, ids: Iterable[int] | None = None, low: int = 0,
         high: int | None = None) -> Iterator:
    """Experience rows in id order, a batch at a time: these ids, or all with
    low < id <= high."""
    shared_with = (
        select(func.aggregate_strings(cast(experience_network.c.network_id, String), " "))
        .where(experience_network.c.experience_id == Experience.id)
        .scalar_subquery().label("network_ids")
    )
    columns = [*(getattr(Experience, name) for name in (*COLUMNS, *ANSWER_COLUMNS)),
               shared_with]
    if ids is not None:
        ids = sorted(ids)
        for start in range(0, len(ids), BATCH):
            chunk = ids[start:start + BATCH]
            yield from session.execute(
                select(*columns).where(Experience.id.in_(chunk)).order_by(Experience.id)
            )
        return
    last = low
    while True:
        query = select(*columns).where(Experience.id > last)
        if high is not None:
            query = query.where(Experience.id <= high)
        batch = session.execute(query.order_by(Experience.id).limit(BATCH)).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].id
