"""Who sees a payroll system (kb.access.catalogue): the catalogue everyone, a pending
proposal its proposer and moderators only – in Python and as SQL alike."""

import pytest
from sqlalchemy import select

from kb.access import catalogue
from kb.access.policy import VISITOR, Audience
from kb.extensions import db
from kb.models import PayrollSystem

PROPOSER, OTHER = Audience(member_id=1), Audience(member_id=2)
MODERATOR = Audience(member_id=3, moderator=True)


@pytest.mark.parametrize("audience, sees_proposal", [
    (VISITOR, False), (OTHER, False), (PROPOSER, True), (MODERATOR, True)])
def test_a_proposal_is_seen_by_its_proposer_and_moderators(app, factory, audience,
                                                          sees_proposal):
    proposer = factory.user()
    assert proposer == PROPOSER.member_id
    listed = factory.system(slug="heroma", name="Heroma")
    pending = factory.system(slug="lonix", name="Lönix", status="pending",
                             proposed_by_id=proposer)
    with app.app_context():
        systems = {s.id: s for s in db.session.scalars(select(PayrollSystem))}
        assert catalogue.may_see_system(audience, systems[listed])
        assert catalogue.may_see_system(audience, systems[pending]) is sees_proposal
        seen = set(db.session.scalars(select(PayrollSystem.id).where(
            catalogue.seen_clause(audience))))
        assert seen == ({listed, pending} if sees_proposal else {listed})
