"""Housekeeping each web process does on its timer (kb.operations.background): the
change log pruned to what its followers still need. (Expired throttling counters are
the accounts feature's: kb.accounts.delete_expired_counters, on the same timer.)"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from kb.changelog import pruning
from kb.extensions import db

log = logging.getLogger(__name__)


def prune(config) -> pruning.Pruned:
    with Session(db.engine) as session:
        result = pruning.prune(session, float(config["CHANGE_LOG_FORGET_AFTER_SECONDS"]))
    if result.forgotten:
        log.warning("Forgot change-log followers not heard from in time: %s",
                    ", ".join(result.forgotten))
    return result
