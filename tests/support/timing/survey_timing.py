"""How long a leader waits for the largest sheet kb accepts (5,000 rows): the upload,
the preview page, the confirmation, and the same sheet again (nothing to write).

    .venv/bin/python -m tests.support.timing.survey_timing [--rows 5000] [--organisations 20000]

`--organisations` is how many organisations kb knows already (every member has one).
Figures in docs/survey.md.
"""

from __future__ import annotations

import argparse
import io
import re
import tempfile
import time

from sqlalchemy import select

from kb import create_app
from kb.database import upgrade_schema
from kb.extensions import db
from kb.models import Organisation, PayrollSystem, SurveyImport, User, utcnow

HEADERS = ("Organisation;Sektor;Antal anställda;Lönesystem;Nöjdhet (1-10);"
           "Rekommendera (0-10);I bruk sedan;Funderar ni på att byta?;Kommentar")
SYSTEMS = ("Heroma (CGI)", "Visma Personec P", "personec", "Primula", "Hogia Lön", "Lönix")


def _sheet(rows: int) -> bytes:
    lines = [HEADERS] + [
        f"Organisation {n};Kommun;{100 + n};{SYSTEMS[n % len(SYSTEMS)]};{1 + n % 10};"
        f"{n % 11};{1990 + n % 30};{'Ja, till Heroma' if n % 7 == 0 else 'Nej'};"
        "Stabil lönekörning men krånglig semesterberäkning."
        for n in range(rows)]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def _app(organisations: int):
    base = tempfile.mkdtemp(prefix="kb-survey-timing-")
    app = create_app({
        "TESTING": True, "SECRET_KEY": "timing", "SQLALCHEMY_DATABASE_URI":
        f"sqlite:///{base}/kb.sqlite3", "INDEX_DIR": f"{base}/index", "MAIL_DIR": f"{base}/mail",
        "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False, "BACKGROUND_JOBS": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "SESSION_COOKIE_SECURE": False})
    with app.app_context():
        upgrade_schema()
        for slug, name, aliases in (("heroma", "Heroma", ""), ("primula", "Primula", ""),
                                    ("hogia-lon", "Hogia Lön", ""),
                                    ("personec-p", "Personec P", "Personec\nVisma Personec P")):
            db.session.add(PayrollSystem(slug=slug, name=name, vendor="", aliases=aliases))
        db.session.add_all(Organisation(name=f"Känd organisation {n}", sector="kommun",
                                        size_band="50-249") for n in range(organisations))
        leader = User(email="ledare@kb.se", display_name="Lena", professional_role="lonechef",
                      email_confirmed_at=utcnow())
        leader.set_password("ett-långt-lösenord", method="pbkdf2:sha256:1000")
        db.session.add(leader)
        db.session.commit()
    return app


def _seconds(send):
    started = time.perf_counter()
    result = send()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--organisations", type=int, default=20000)
    args = parser.parse_args()
    app = _app(args.organisations)
    client = app.test_client()
    client.post("/auth/login", data={"email": "ledare@kb.se", "password": "ett-långt-lösenord"})
    client.post("/networks/new", data={"name": "Nätverket", "kind": "lonechef",
                                       "access": "invite"})
    content = _sheet(args.rows)
    lönix = None
    for round_name in ("first import", "same sheet again"):
        took, response = _seconds(lambda: client.post(
            "/networks/natverket/import", data={"file": (io.BytesIO(content), "enkat.csv")},
            content_type="multipart/form-data"))
        assert response.status_code == 302, response.status_code
        review = response.headers["Location"]
        print(f"{round_name:18} upload          {took:6.2f} s ({len(content) // 1024} KB)")
        took, page = _seconds(lambda review=review: client.get(review))
        print(f"{round_name:18} preview page    {took:6.2f} s ({len(page.data) // 1024} KB)")
        if lönix is None:
            lönix = re.search(r'<label for="(system_[0-9a-f]+)">”Lönix”', page.text).group(1)
        mapping = {f"column_{name}": str(i) for i, name in enumerate(
            ("organisation", "sector", "size", "system", "satisfaction", "recommend",
             "in_use_since", "considering", "comment"))}
        mapping.update({"scale": "1-10", "role": "lonechef", "sector": "", "size": "",
                        lönix: "propose"})
        took, response = _seconds(lambda review=review, mapping=mapping: client.post(
            review, data=mapping))
        assert response.status_code == 302, response.status_code
        print(f"{round_name:18} mapping saved   {took:6.2f} s")
        token = re.search(r'name="token" type="hidden" value="([^"]+)"',
                          client.get(review).text).group(1)
        took, response = _seconds(lambda review=review, token=token: client.post(
            f"{review}/confirm", data={"visibility": "networks", "token": token}))
        assert response.status_code == 302, response.status_code
        print(f"{round_name:18} confirmation    {took:6.2f} s")
    with app.app_context():
        for done in db.session.scalars(select(SurveyImport).order_by(SurveyImport.id)):
            print(f"import {done.id}: {done.rows_created} new, {done.rows_updated} updated, "
                  f"{done.rows_unchanged} unchanged, {done.rows_skipped} not imported")


if __name__ == "__main__":
    main()
