"""Procurement: the contract behind an organisation's answer, the procurement view of a
segment (contracts ending per year and system), procurement partners and their
messages, and shared requirement lists (docs/procurement.md)."""

from kb.procurement.contracts import (  # noqa: F401
    CONTRACT_FIELDS,
    ContractView,
    api_facts,
    end_years,
    facts_of,
    has_contract,
    history,
    keep_history,
    next_procurement_years,
    normalised,
    this_year,
    view,
)
from kb.procurement.contracts import (  # noqa: F401
    check as check_contract,
)
from kb.procurement.member_data import (  # noqa: F401
    member_data,
)
from kb.procurement.network_contracts import (  # noqa: F401
    network_contract_ends,
    network_contracts,
)
from kb.procurement.outlook import (  # noqa: F401
    YEARS,
    Count,
    Outlook,
    outlook,
)
from kb.procurement.requirements import (  # noqa: F401
    discard_documents,
    documents_of,
)
