"""Experiences: records, drafts, freshness, listing and the search page's
parameters."""

from kb.experiences.drafts import (  # noqa: F401
    KEEP_DAYS,
    PARKED_DAYS,
)
from kb.experiences.freshness import (  # noqa: F401
    LEAVE_OUT_AFTER_MONTHS,
    SNOOZE_SESSION_KEY,
    confirm,
    due_for_confirmation,
    fresh_clause,
    is_outdated,
    needs_confirmation,
    record_update,
    satisfaction_changes,
)
from kb.experiences.listing import (  # noqa: F401
    newest_experiences,
    own_experiences,
    system_experiences,
    systems_with_counts,
)
from kb.experiences.records import (  # noqa: F401
    EDITABLE_FIELDS,
    existing,
    own,
    readable,
    record,
    remove,
    shareable_networks,
    update,
)
from kb.experiences.search_params import (  # noqa: F401
    SearchParams,
)
from kb.experiences.searching import (  # noqa: F401
    search,
)
