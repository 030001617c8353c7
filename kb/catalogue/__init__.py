"""The catalogue of payroll systems: systems, comparison, the decision report and
exports."""

from kb.catalogue.comparison import (  # noqa: F401
    MAX_SYSTEMS,
    MIN_SYSTEMS,
    chosen_systems,
)
from kb.catalogue.exports import (  # noqa: F401
    FORMULA_STARTS,
)
from kb.catalogue.switches import (  # noqa: F401
    PER_PAGE as SWITCHES_PER_PAGE,
)
from kb.catalogue.switches import (  # noqa: F401
    JourneyView,
    SwitchPage,
    SwitchQuery,
    UnknownSystem,
    go_live_text,
    journey_of,
    journeys_of,
    read_query,
    satisfaction_text,
    switch_args,
    switch_page,
)
from kb.catalogue.systems import (  # noqa: F401
    PENDING,
    free_slug,
    listed_systems,
    propose_system,
    proposed_systems,
    selectable_systems,
    system_by_id,
    system_by_slug,
    system_names,
    visible_system,
)
