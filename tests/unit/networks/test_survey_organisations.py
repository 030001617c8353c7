"""Which organisation a survey row stands for: one kb knows for certain (an e-mail
domain, or members whose link is verified) or one only sheets have named – never the
row an unverified member typed into their profile, which speaks for nobody else."""

from types import SimpleNamespace

from kb.extensions import db
from kb.models import Experience, Network, Organisation, SurveyImport, User, utcnow
from kb.networks.survey.importing import _Written


def organisation_of_row(app, leader_id, network_id, import_id, name):
    """The organisation a sheet row naming `name` is linked to (None: a new one)."""
    with app.app_context():
        written = _Written(db.session.get(User, leader_id), db.session.get(Network, network_id),
                           "networks", db.session.get(SurveyImport, import_id), utcnow())
        experience = Experience()
        row = SimpleNamespace(organisation=name, sector="kommun", size_band="1000-4999")
        written.organisation(experience, row)
        if experience.organisation is not None:
            return None if experience.organisation.id is None else experience.organisation.id
        return experience.organisation_id


def setting(factory):
    leader = factory.user(email="ledare@boras.se")
    network = factory.network(slug="vast", name="Lönechefer i väst", members={leader: "leader"})
    upload = factory.survey_import(network, leader)
    return leader, network, upload


def test_a_row_never_stands_for_what_an_unverified_member_typed(app, factory):
    leader, network, upload = setting(factory)
    typed = factory.organisation("Unikaby kommun")
    factory.user(email="greta@gmail.com", organisation_id=typed)
    assert organisation_of_row(app, leader, network, upload, "Unikaby kommun") is None


def test_a_row_stands_for_an_organisation_kb_knows_for_certain(app, factory):
    leader, network, upload = setting(factory)
    typed = factory.organisation("Kungälvs kommun")
    factory.user(email="nils@gmail.com", organisation_id=typed)
    known = factory.organisation("Kungälvs kommun")
    with app.app_context():
        db.session.get(Organisation, known).email_domain = "kungalv.se"
        db.session.commit()
    assert organisation_of_row(app, leader, network, upload, "KUNGÄLVS KOMMUN") == known


def test_a_row_stands_for_an_organisation_a_verified_member_works_at(app, factory):
    leader, network, upload = setting(factory)
    verified = factory.organisation("Mölndals stad")
    factory.user(email="anna@molndal.se", organisation_id=verified,
                 organisation_verified_at=utcnow(), organisation_verified_by="moderator")
    assert organisation_of_row(app, leader, network, upload, "Mölndals stad") == verified


def test_a_row_stands_for_an_organisation_only_sheets_have_named(app, factory):
    leader, network, upload = setting(factory)
    named_by_a_sheet = factory.organisation("Alingsås kommun")
    assert organisation_of_row(app, leader, network, upload, "Alingsås kommun") == \
        named_by_a_sheet
