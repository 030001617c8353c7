"""How long a login and a registration take for an address with an account and one
without, with production's password hash (scrypt). The two must not differ by the
cost of a hash, or the time tells who is a member.

    .venv/bin/python -m tests.support.timing.accounts_timing [--rounds 30]

Figures in docs/accounts.md.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from kb import create_app
from kb.database import upgrade_schema
from kb.extensions import db
from kb.models import User, utcnow

PASSWORD = "ett-långt-lösenord"
PROFILE = {"display_name": "Karin", "professional_role": "lonechef", "sector": "kommun",
           "size_band": "1000-4999", "accept_terms": "y", "password": PASSWORD,
           "password_again": PASSWORD}


def _app():
    base = tempfile.mkdtemp(prefix="kb-accounts-timing-")
    app = create_app({
        "TESTING": True, "SECRET_KEY": "timing", "SQLALCHEMY_DATABASE_URI":
        f"sqlite:///{base}/kb.sqlite3", "INDEX_DIR": f"{base}/index", "MAIL_DIR": f"{base}/mail",
        "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False, "BACKGROUND_JOBS": False,
        "PASSWORD_HASH_METHOD": "scrypt"})
    with app.app_context():
        upgrade_schema()
        user = User(email="lena@region.se", display_name="Lena", professional_role="lonechef",
                    email_confirmed_at=utcnow())
        user.set_password(PASSWORD, method="scrypt")
        db.session.add(user)
        db.session.commit()
    return app


def _milliseconds(send) -> float:
    started = time.perf_counter()
    send()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    rounds = parser.parse_args().rounds
    client = _app().test_client()

    def login(email):
        response = client.post("/auth/login", data={"email": email, "password": "fel"})
        assert response.status_code == 422

    def register(email):
        response = client.post("/auth/register", data={**PROFILE, "email": email})
        assert response.status_code == 302

    times = {"login, account": [], "login, no account": [], "register, new address": [],
             "register, address with an account": []}
    login("lena@region.se")  # warm up
    for n in range(rounds):  # interleaved, so a busy moment hits both alike
        times["login, account"].append(_milliseconds(lambda: login("lena@region.se")))
        times["login, no account"].append(_milliseconds(lambda: login("okand@region.se")))
        times["register, new address"].append(
            _milliseconds(lambda n=n: register(f"ny{n}@kommun.se")))
        times["register, address with an account"].append(
            _milliseconds(lambda: register("lena@region.se")))
    for name, values in times.items():
        print(f"{name:36} median {statistics.median(values):7.1f} ms")


if __name__ == "__main__":
    main()
