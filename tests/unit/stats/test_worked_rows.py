"""A segment's current answers are worked out once per copy of the figure snapshot (every
journey of a system page asks for them again) and kept read-only; the next copy, after
a write, works them out anew, and the reason themes carry over to it."""

import numpy as np
import pytest

from kb.access import policy
from kb.extensions import db
from kb.models import Experience
from kb.stats import Filters, aggregate, cache, journeys, snapshot


def _current(app):
    with app.app_context():
        return snapshot.current(cache.data_version())


def test_current_answers_are_kept_per_copy_and_follow_a_write(app, factory):
    author = factory.user()
    heroma, hogia = factory.system(), factory.system()
    first = factory.experience(author, heroma, satisfaction=2, switched_from_id=hogia,
                               switch_reason="Supporten var dålig.")
    reach = policy.counted(policy.VISITOR)
    copy = _current(app)
    every, rows, _shared = aggregate.current_answers(copy, reach, Filters())
    assert aggregate.current_answers(copy, reach, Filters())[1] is rows
    assert rows.sum() == 1
    with pytest.raises(ValueError):
        rows[0] = False  # nobody changes the kept copy by mistake
    themes = journeys.reason_themes(copy)

    factory.experience(factory.user(), heroma, satisfaction=5)
    with app.app_context():
        db.session.get(Experience, first).switch_reason = "Priset steg."
        db.session.commit()
    newer = _current(app)
    assert newer is not copy
    again = aggregate.current_answers(newer, reach, Filters())
    assert again[1].sum() == 2 and not np.array_equal(again[0], every)
    # The reason texts only grow: what was classified is handed on, and the new one is.
    assert newer.reason_labels is copy.reason_labels
    assert set(journeys.reason_themes(newer)) >= set(themes)
    code = newer.reason_codes["Priset steg."]
    assert journeys.reason_themes(newer)[code] == journeys.classify("Priset steg.")


def test_a_filtered_segment_is_kept_apart(app, factory):
    author = factory.user()
    heroma = factory.system()
    factory.experience(author, heroma, sector="kommun")
    factory.experience(factory.user(), heroma, sector="region")
    reach = policy.counted(policy.VISITOR)
    copy = _current(app)
    everyone = aggregate.current_answers(copy, reach, Filters())[1]
    regions = aggregate.current_answers(copy, reach, Filters(sector="region"))[1]
    assert everyone.sum() == 2 and regions.sum() == 1
