"""The contract behind an organisation's answer: when it ends, its options to extend,
how it was procured and with whom, the next planned procurement, and who reads it.

The facts are columns of the experience (CONTRACT_FIELDS), filled in the experience
form; every confirmation or update of the experience keeps the facts stated before
in ContractHistory (`keep_history`), as satisfaction is kept in SatisfactionHistory.
Who reads them is kb.access.procurement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from kb.access import procurement as access
from kb.access.policy import Audience
from kb.core import swedish, vocab
from kb.core.dates import stockholm, utcnow
from kb.extensions import db
from kb.models import ContractHistory, Experience

# The columns of the experience the form fills in, in the form's order.
CONTRACT_FIELDS = (
    "contract_end_year", "contract_end_month", "contract_extension", "procurement_route",
    "procured_with", "next_procurement_year", "contract_audience",
)
# The facts themselves (what the history keeps and compares).
FACTS = CONTRACT_FIELDS

# A contract's end: from END_YEARS_BACK years ago (a contract run past its end) to
# END_YEARS_AHEAD years ahead; the next procurement from last year on.
END_YEARS_BACK = 10
END_YEARS_AHEAD = 15
EXTENSION_MAX = 60
PROCURED_WITH_MAX = 300


def this_year(now: datetime | None = None) -> int:
    """The year in Sweden."""
    return stockholm(now or utcnow()).year


def end_years(now: datetime | None = None) -> tuple[int, int]:
    """The years a contract's end may be given in."""
    year = this_year(now)
    return year - END_YEARS_BACK, year + END_YEARS_AHEAD


def next_procurement_years(now: datetime | None = None) -> tuple[int, int]:
    year = this_year(now)
    return year - 1, year + END_YEARS_AHEAD


def check(values: dict, now: datetime | None = None) -> dict[str, str]:
    """Field -> Swedish message for what cannot be stored (the form shows them by their
    fields); empty when the facts are fine."""
    errors: dict[str, str] = {}
    year, month = values.get("contract_end_year"), values.get("contract_end_month")
    first, last = end_years(now)
    if year is not None and not first <= year <= last:
        errors["contract_end_year"] = f"Ange ett år mellan {first} och {last}."
    if month is not None:
        if not 1 <= month <= 12:
            errors["contract_end_month"] = "Ange en månad mellan 1 och 12."
        elif year is None:
            errors["contract_end_month"] = "Ange året avtalet löper ut, eller lämna månaden tom."
    planned = values.get("next_procurement_year")
    first, last = next_procurement_years(now)
    if planned is not None and not first <= planned <= last:
        errors["next_procurement_year"] = f"Ange ett år mellan {first} och {last}."
    route = values.get("procurement_route")
    if route and route not in vocab.PROCUREMENT_ROUTES:
        errors["procurement_route"] = "Välj ett av alternativen."
    if (values.get("procured_with") or "").strip() and route != "joint":
        errors["procured_with"] = ("Välj Samordnad upphandling ovan, eller lämna fältet tomt.")
    if (values.get("contract_audience") or "same") not in vocab.CONTRACT_AUDIENCES:
        errors["contract_audience"] = "Välj ett av alternativen."
    return errors


def normalised(values: dict) -> dict:
    """The facts as stored: texts stripped, no route as None, the audience "same" unless
    chosen."""
    facts = {name: values.get(name) for name in CONTRACT_FIELDS}
    for name in ("contract_extension", "procured_with"):
        facts[name] = (facts[name] or "").strip()
    facts["procurement_route"] = facts["procurement_route"] or None
    facts["contract_audience"] = facts["contract_audience"] or "same"
    return facts


def facts_of(experience: Experience) -> dict:
    return {name: getattr(experience, name) for name in FACTS}


def has_contract(facts: dict) -> bool:
    """Whether any fact is stated (the audience alone is not a fact)."""
    return any(facts.get(name) not in (None, "") for name in FACTS
               if name != "contract_audience")


def keep_history(experience: Experience, previous: dict, stated_at: datetime, change: str,
                 now: datetime | None = None) -> ContractHistory | None:
    """Keep the facts stated before a confirmation ("confirmed") or an update
    ("updated"): an update keeps them only when they changed; nothing is kept when
    nothing had been stated. Called before the caller commits."""
    if not has_contract(previous):
        return None
    if change == "updated" and previous == facts_of(experience):
        return None
    entry = ContractHistory(experience_id=experience.id, stated_at=stated_at,
                            recorded_at=now or utcnow(), change=change, **previous)
    db.session.add(entry)
    return entry


def history(experience: Experience) -> list[ContractHistory]:
    """The contract facts stated before, oldest first."""
    return list(db.session.scalars(
        select(ContractHistory).where(ContractHistory.experience_id == experience.id)
        .order_by(ContractHistory.stated_at, ContractHistory.id)))


@dataclass(frozen=True)
class ContractView:
    """The contract facts of one answer as one reader may see them (None: withheld or
    not stated)."""

    ends: str | None
    extension: str | None
    route: str | None
    procured_with: str | None
    next_procurement: int | None
    audience: str
    withheld: bool  # the month or partners are kept from others (anonymous answer)

    @property
    def empty(self) -> bool:
        return not (self.ends or self.extension or self.route or self.next_procurement)


def ends_text(year: int | None, month: int | None) -> str | None:
    """"mars 2027", or "2027"."""
    if year is None:
        return None
    if month:
        return f"{swedish.MONTHS[month - 1]} {year}"
    return str(year)


def view(audience: Audience, experience: Experience,
         entry: ContractHistory | None = None) -> ContractView | None:
    """What this reader sees of the answer's contract (or of an earlier `entry` of its
    history), or None when nothing is stated or the reader may not see it."""
    if not access.may_see_contract(audience, experience):
        return None
    source = entry or experience
    facts = {name: getattr(source, name) for name in FACTS}
    if not has_contract(facts):
        return None
    identifying = access.may_see_identifying_contract(audience, experience)
    month = facts["contract_end_month"] if identifying else None
    route = facts["procurement_route"]
    return ContractView(
        ends=ends_text(facts["contract_end_year"], month),
        extension=facts["contract_extension"] or None,
        route=vocab.label(vocab.PROCUREMENT_ROUTES, route) if route else None,
        procured_with=(facts["procured_with"] or None) if identifying else None,
        next_procurement=facts["next_procurement_year"],
        audience=vocab.label(vocab.CONTRACT_AUDIENCES, facts["contract_audience"]),
        withheld=experience.anonymous and identifying,
    )


def api_facts(audience: Audience, experience: Experience) -> dict | None:
    """The contract facts as the JSON API gives them to this reader (None: not shown)."""
    if not access.may_see_contract(audience, experience):
        return None
    facts = facts_of(experience)
    if not has_contract(facts):
        return None
    identifying = access.may_see_identifying_contract(audience, experience)
    return {
        "end_year": facts["contract_end_year"],
        "end_month": facts["contract_end_month"] if identifying else None,
        "extension": facts["contract_extension"] or None,
        "procurement_route": facts["procurement_route"],
        "procured_with": (facts["procured_with"] or None) if identifying else None,
        "next_procurement_year": facts["next_procurement_year"],
    }
