"""Moderation: the pending queue, flags, decisions, proposed systems and the
audit log."""

from kb.moderation.actions import (  # noqa: F401
    AUTO_HIDDEN_NOTE,
    FLAGS_THAT_HIDE,
    ModerationError,
    any_experience,
    approve_system,
    decide,
    flagged_experiences,
    initial_state,
    members,
    merge_system,
    open_flags,
    pending_counts,
    pending_experiences,
    raise_flag,
    release_unconfirmed,
    set_active,
    set_role,
)
from kb.moderation.audit import (  # noqa: F401
    record as audit_log,
)
