"""The one factory of rows, for tests that are not about the forms: members and their
organisations, systems, experiences (shared with networks too), networks with their
memberships, meetings, invites and questions, survey uploads; and the two worlds
several test folders count on (`figures_world`, `market_segment`)."""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import count

from kb.extensions import db
from tests.support.apps import PASSWORD

MONTH = timedelta(days=30.5)


@dataclass
class FiguresWorld:
    """See Factory.figures_world."""

    heroma: int
    personec: int
    primula: int
    member: int
    moderator: int
    now: datetime


@dataclass
class MarketSegment:
    """See Factory.market_segment."""

    heroma: int
    personec: int
    primula: int
    member: int  # Karin, lönechef in Exempelby kommun (kommun, 1 000-4 999)
    colleague: int  # another member of Exempelby kommun


class Factory:
    """Creates rows directly, and returns their ids."""

    def __init__(self, app):
        self.app = app
        self._n = count(1)
        self._batch = False

    @contextmanager
    def batch(self):
        """Rows made inside are written in one transaction, committed at the end (one
        commit, so one round of what follows a commit – the index, the figures – rather
        than one per row); their ids are known at once all the same."""
        if self._batch:
            yield self
            return
        with self.app.app_context():
            self._batch = True
            try:
                yield self
                db.session.commit()
            finally:
                self._batch = False
                db.session.remove()

    @contextmanager
    def _writing(self):
        """The session to add rows to: the batch's, or a transaction of their own."""
        if self._batch:
            yield db.session
        else:
            with self.app.app_context():
                yield db.session
                db.session.commit()

    @staticmethod
    def _saved(session, row) -> int:
        session.add(row)
        session.flush()
        return row.id

    def _add(self, row) -> int:
        with self._writing() as session:
            row_id = self._saved(session, row)
        return row_id

    # ------------------------------------------------------------------ members

    def user(self, email=None, password=PASSWORD, site_role="member", confirmed=True, **fields):
        """A member whose address is confirmed (confirmed=False: one who has just
        registered and not yet followed the link)."""
        from kb.models import User, utcnow

        with self._writing() as session:
            n = next(self._n)
            user = User(
                email=(email or f"medlem{n}@example.se").lower(),
                display_name=fields.pop("display_name", f"Medlem {n}"),
                site_role=site_role,
                professional_role=fields.pop("professional_role", "lonechef"),
                email_confirmed_at=utcnow() if confirmed else None,
                **fields,
            )
            user.set_password(password, method=self.app.config["PASSWORD_HASH_METHOD"])
            user_id = self._saved(session, user)
        return user_id

    def organisation(self, name: str | None = None, sector: str = "kommun",
                     size_band: str = "1000-4999") -> int:
        from kb.models import Organisation

        name = name or f"Organisation {next(self._n)}"
        return self._add(Organisation(name=name, sector=sector, size_band=size_band))

    def member(self, email: str, name: str, org_name: str | None = None, **fields) -> int:
        """A member by name, in a new organisation of that name if one is given."""
        with self.batch():
            if org_name is not None:
                fields["organisation_id"] = self.organisation(org_name)
            return self.user(email=email, display_name=name, **fields)

    # ------------------------------------------------------------------ catalogue

    def system(self, slug=None, name=None, **fields):
        from kb.models import PayrollSystem

        with self._writing() as session:
            n = next(self._n)
            system = PayrollSystem(
                slug=slug or f"system-{n}",
                name=name or f"System {n}",
                vendor=fields.pop("vendor", "Leverantör AB"),
                **fields,
            )
            system_id = self._saved(session, system)
        return system_id

    # ------------------------------------------------------------------ experiences

    def experience(self, author_id, system_id, networks=(), **fields):
        """A published experience; with networks (ids), shared with those only."""
        values = {
            "sector": "kommun",
            "size_band": "1000-4999",
            "reviewer_role": "lonechef",
            "usage_status": "current",
            "satisfaction": 4,
            "title": "Stabil lönekörning men krånglig semesterberäkning",
            "pros": "Lönekörningen fungerar.",
            "cons": "Semesterberäkningen kräver handpåläggning.",
        }
        values.update(fields)
        return self._experience(author_id, system_id, networks, values)

    def network_experience(self, author_id, system_id, networks=(), **fields):
        """A short published experience with a recommendation, as the network tests
        write them; with networks (ids), shared with those only."""
        values = {"sector": "kommun", "size_band": "1000-4999", "reviewer_role": "lonechef",
                  "usage_status": "current", "satisfaction": 4, "recommend": 8,
                  "title": "Stabil lönekörning", "pros": "Lönekörningen fungerar."}
        values.update(fields)
        return self._experience(author_id, system_id, networks, values)

    def _experience(self, author_id, system_id, networks, values) -> int:
        from kb.models import Experience, Network

        if networks:
            values["visibility"] = "networks"
        with self._writing() as session:
            experience = Experience(author_id=author_id, system_id=system_id, **values)
            if networks:
                experience.networks = [session.get(Network, i) for i in networks]
            experience_id = self._saved(session, experience)
        return experience_id

    # ------------------------------------------------------------------ networks

    def network(self, slug: str | None = None, name: str | None = None, kind: str = "alla",
                access: str = "invite", members=(), **fields) -> int:
        """A network; `members` is a mapping or pairs of user id and role ("leader" or
        "member"), or triples of user id, status and role, all made members at once."""
        from kb.models import Network

        if slug is None or name is None:
            n = next(self._n)
            slug, name = slug or f"natverk-{n}", name or f"Nätverk {n}"
        with self.batch():
            network = self._add(Network(slug=slug, name=name, kind=kind, access=access,
                                        **fields))
            pairs = members.items() if isinstance(members, dict) else members
            for entry in pairs:
                if len(entry) == 3:
                    user_id, status, role = entry
                else:
                    (user_id, role), status = entry, "active"
                self.membership(network, user_id, role=role, status=status)
            return network

    def membership(self, network_id: int, user_id: int, role: str = "member",
                   status: str = "active") -> int:
        """A membership: active, or "requested", "left", ... (status)."""
        from kb.models import NetworkMembership

        return self._add(NetworkMembership(network_id=network_id, user_id=user_id, role=role,
                                           status=status))

    def invite(self, network_id: int, created_by_id: int, token: str | None = None,
               days: int = 7) -> str:
        """An invite link's token, valid for `days`."""
        from kb.models import NetworkInvite, utcnow

        token = token or f"inbjudan-{next(self._n)}"
        self._add(NetworkInvite(network_id=network_id, token=token, created_by_id=created_by_id,
                                expires_at=utcnow() + timedelta(days=days)))
        return token

    def meeting(self, network_id: int, title: str = "Mötet", in_days: int = 7, hours: int = 2,
                mode: str = "physical", address: str = "Stortorget 1", **fields) -> int:
        from kb.models import Meeting, utcnow

        starts = utcnow() + timedelta(days=in_days)
        uid = fields.pop("uid", None) or f"mote-{next(self._n)}@kb"
        return self._add(Meeting(network_id=network_id, uid=uid, title=title, starts_at=starts,
                                 ends_at=starts + timedelta(hours=hours), mode=mode,
                                 address=address, **fields))

    def network_question(self, network_id: int, author_id: int, title: str = "Hur gör ni?",
                         body: str = "", parent_id: int | None = None) -> int:
        """A question in a network (or, with parent_id, an answer to one)."""
        from kb.models import NetworkQuestion

        return self._add(NetworkQuestion(network_id=network_id, author_id=author_id,
                                         parent_id=parent_id, title=title, body=body))

    def survey_import(self, network_id: int, uploaded_by_id: int, content: bytes | None = None,
                      filename: str = "enkat.csv") -> int:
        """A survey sheet uploaded to a network and not yet confirmed (the row only: the
        pages' own upload is tests.support.sheets.upload)."""
        from kb.models import SurveyImport

        content = content or "Organisation;Lönesystem;Nöjdhet\r\nMalmö stad;Heroma;4\r\n".encode()
        return self._add(SurveyImport(network_id=network_id, uploaded_by_id=uploaded_by_id,
                                      filename=filename, content=content,
                                      sha256=hashlib.sha256(content).hexdigest()))

    # ------------------------------------------------------------------ worlds

    def figures_world(self) -> FiguresWorld:
        """Heroma: six public and one members-only published experience, one pending and
        one hidden (never counted); one Personec P user came from Heroma.

        n  sat rec usability agi         sector  age       visibility  switched from (reason)
        1  5   10  4         good        kommun  1 month   public      Personec (AGI fungerade inte)
        2  4   9   2         workaround  kommun  1 month   public      Personec (AGI fungerade inte)
        3  4   7   -         good        kommun  2 months  public
        4  2   3   3         missing     region  25 months public      (former user)
        5  3   -   5         unknown     region  23 months public
        6  5   10  1         good        kommun  1 month   members     Personec (Hemlig anledning)
        7  1   0   2         good        kommun  2 months  public
        """
        from kb.models import utcnow

        with self.batch():
            heroma = self.system(slug="heroma", name="Heroma", vendor="CGI")
            personec = self.system(slug="personec-p", name="Personec P", vendor="Visma")
            primula = self.system(slug="primula", name="Primula", vendor="Tietoevry")
            member = self.user(email="anna@kommun.se", display_name="Anna Andersson")
            moderator = self.user(email="moa@kb.se", site_role="moderator")
            now = utcnow()
            rows = [
                (5, 10, 4, "good", "kommun", 1, "public", personec, "AGI fungerade inte"),
                (4, 9, 2, "workaround", "kommun", 1, "public", personec, "AGI fungerade inte"),
                (4, 7, None, "good", "kommun", 2, "public", None, ""),
                (2, 3, 3, "missing", "region", 25, "public", None, ""),
                (3, None, 5, "unknown", "region", 23, "public", None, ""),
                (5, 10, 1, "good", "kommun", 1, "members", personec, "Hemlig anledning"),
                (1, 0, 2, "good", "kommun", 2, "public", None, ""),
            ]
            for n, (sat, rec, usability, agi, sector, months, visibility, came_from,
                    reason) in enumerate(rows, start=1):
                self.experience(
                    member, heroma, satisfaction=sat, recommend=rec, rating_usability=usability,
                    cap_agi=agi, sector=sector, created_at=now - months * MONTH,
                    visibility=visibility, switched_from_id=came_from, switch_reason=reason,
                    usage_status="former" if n == 4 else "current", title=f"Erfarenhet {n}",
                )
            for state in ("pending", "hidden"):
                self.experience(
                    member, heroma, satisfaction=1, recommend=0, rating_usability=1,
                    cap_agi="missing", moderation_state=state, switched_from_id=personec,
                    switch_reason="Väntande skäl",
                )
            self.experience(member, personec, satisfaction=3, switched_from_id=heroma,
                            switch_reason="För dyra licenser", sector="region", size_band="5000+")
            return FiguresWorld(heroma, personec, primula, member, moderator, now)

    def market_segment(self) -> MarketSegment:
        """Kommuner with 1 000-4 999 employees: eight run Heroma, two Personec P; three
        members of Exempelby kommun wrote of Heroma. Elsewhere: six private firms run
        Primula and two regions Personec P.

        Heroma, kommun 1000-4999 (each organisation once, by its newest confirmation):
          Exempelby: Karin 2 (confirmed 3 months ago), colleague 4 (1 month ago), a third
                     member 5 (6 months ago)  -> counts as 4
          seven other kommuner: 3, 4, 4, 5, 3, 4, 2 (two considering Personec P)
        """
        from kb.models import utcnow

        with self.batch():
            heroma = self.system(slug="heroma", name="Heroma", vendor="CGI")
            personec = self.system(slug="personec-p", name="Personec P", vendor="Visma")
            primula = self.system(slug="primula", name="Primula", vendor="Tietoevry")
            exempelby = self.organisation("Exempelby kommun")
            member = self.user(email="karin@exempelby.se", organisation_id=exempelby)
            colleague = self.user(email="olle@exempelby.se", organisation_id=exempelby)
            third = self.user(email="sven@exempelby.se", organisation_id=exempelby)
            now = utcnow()
            for author, satisfaction, months in ((member, 2, 3), (colleague, 4, 1), (third, 5, 6)):
                self.experience(author, heroma, organisation_id=exempelby,
                                satisfaction=satisfaction, recommend=2 * satisfaction,
                                created_at=now - months * MONTH, confirmed_at=now - months * MONTH)
            for n, satisfaction in enumerate((3, 4, 4, 5, 3, 4, 2)):
                other = self.organisation(f"Kommun {n}")
                self.experience(self.user(organisation_id=other), heroma, organisation_id=other,
                                satisfaction=satisfaction, recommend=2 * satisfaction,
                                considering_switch_to_id=personec if n < 2 else None,
                                go_live_months=6 + n, switched_from_id=personec if n < 3 else None,
                                switch_reason="Personec P klarade inte HÖK." if n < 3 else "")
            for n in range(2):
                other = self.organisation(f"Personeckommun {n}")
                self.experience(self.user(organisation_id=other), personec,
                                organisation_id=other, satisfaction=3)
            for n in range(6):
                firm = self.organisation(f"Företag {n}", sector="privat", size_band="50-249")
                self.experience(self.user(organisation_id=firm), primula, organisation_id=firm,
                                sector="privat", size_band="50-249", satisfaction=5)
            for n in range(2):
                region = self.organisation(f"Region {n}", sector="region", size_band="5000+")
                self.experience(self.user(organisation_id=region), personec,
                                organisation_id=region, sector="region", size_band="5000+",
                                satisfaction=1, usage_status="former")
            return MarketSegment(heroma, personec, primula, member, colleague)
