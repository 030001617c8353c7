"""Telling a network's members (or its leaders) of something, never the one who did it."""

from sqlalchemy import select

from kb import community
from kb.extensions import db
from kb.models import Network, Notification, User


def _world(factory):
    lena, olle, stina, ivar, nils = (factory.user(email=f"{name}@kommun.se")
                                     for name in ("lena", "olle", "stina", "ivar", "nils"))
    network = factory.network(members=[(lena, "active", "leader"), (olle, "active", "leader"),
                                       (stina, "active", "member"), (ivar, "left", "member"),
                                       (nils, "requested", "member")])
    return network, lena, olle, stina


def _told(kind):
    return sorted(db.session.scalars(select(User.email).join(
        Notification, Notification.user_id == User.id).where(Notification.kind == kind)))


def test_every_active_member_but_the_actor_is_told(app, factory):
    network_id, lena, _olle, _stina = _world(factory)
    with app.app_context():
        network = db.session.get(Network, network_id)
        told = community.notify_members(network, community.MEETING,
                                        except_user=db.session.get(User, lena))
        db.session.commit()
        assert told == 2
        assert _told(community.MEETING) == ["olle@kommun.se", "stina@kommun.se"]
        assert {n.network_id for n in db.session.scalars(select(Notification))} == {network_id}


def test_leaders_only_tells_the_leaders(app, factory):
    network_id, _lena, _olle, stina = _world(factory)
    with app.app_context():
        network = db.session.get(Network, network_id)
        community.notify_members(network, community.JOIN_REQUEST, leaders_only=True,
                                 except_user=db.session.get(User, stina))
        community.notify_members(network, community.JOINED, leaders_only=True)
        db.session.commit()
        assert _told(community.JOIN_REQUEST) == ["lena@kommun.se", "olle@kommun.se"]
        assert _told(community.JOINED) == ["lena@kommun.se", "olle@kommun.se"]
