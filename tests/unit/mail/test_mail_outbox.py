"""The outbox: mail is queued in the transaction that causes it, sent after commit off
the request thread, retried with growing pauses, claimed by exactly one process, and
shown by `kb mail-status`."""

from __future__ import annotations

import email
import smtplib
import threading
import time
from datetime import timedelta
from email import policy as email_policy

from flask_mailman.backends.base import BaseEmailBackend
from sqlalchemy import select, update

from kb import mail
from kb.extensions import db
from kb.models import OutboxMail, utcnow
from kb.operations import background
from tests.support.pages import outbox, register

# Messages "sent" by RecordingEmailBackend, and what FailingEmailBackend raises next.
SENT: list = []
SENT_LOCK = threading.Lock()
FAILURE: list[Exception] = []
# Whether a database transaction was open while each message was handed to the server.
IN_TRANSACTION: list[bool] = []


class RecordingEmailBackend(BaseEmailBackend):
    def send_messages(self, messages):
        with SENT_LOCK:
            IN_TRANSACTION.append(db.session().in_transaction())
            SENT.extend(messages)
        return len(messages)


class FailingEmailBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise FAILURE[0]


def _queue(app, n: int = 1, to: str = "lena@region.se") -> list[int]:
    with app.app_context():
        mails = [mail.queue("confirm", to, f"Bekräfta din e-postadress {i}", "confirm",
                            name="Lena", email=to, url="https://kb.example.se/x", hours=48)
                 for i in range(n)]
        db.session.commit()
        return [m.id for m in mails]


def _send(app):
    with app.app_context():
        return mail.send_due()


def test_mail_is_queued_with_the_change_and_rolled_back_with_it(app):
    with app.app_context():
        mail.queue("confirm", "lena@region.se", "Ämne", "confirm", name="Lena",
                   email="lena@region.se", url="https://kb.example.se/x", hours=48)
        db.session.rollback()
    assert outbox(app) == []
    _queue(app)
    assert [m.status for m in outbox(app)] == ["waiting"]


def test_without_a_server_mail_goes_to_one_eml_file_each_and_the_console(app, capsys,
                                                                        tmp_path):
    _queue(app, 2)
    report = _send(app)
    assert len(report.sent) == 2
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2
    message = email.message_from_bytes(files[0].read_bytes(), policy=email_policy.default)
    assert message["To"] == "lena@region.se"
    assert str(message["Subject"]).startswith("Bekräfta din e-postadress")
    assert message.get_body(("plain",)).get_content().startswith("Hej Lena!")
    assert "<a href=" in message.get_body(("html",)).get_content()
    assert "Mail to lena@region.se" in capsys.readouterr().err
    assert {m.status for m in outbox(app)} == {"sent"}


def test_a_failing_server_is_retried_with_growing_pauses_then_marked_failed(app_with, runner):
    app = app_with(MAIL_BACKEND=f"{__name__}.FailingEmailBackend",
                   MAIL_RETRY_SECONDS=60, MAIL_RETRY_MAX_SECONDS=600, MAIL_MAX_ATTEMPTS=3)
    FAILURE[:] = [smtplib.SMTPServerDisconnected("Connection unexpectedly closed")]
    [mail_id] = _queue(app)
    pauses = []
    for _attempt in range(3):
        with app.app_context():
            before = utcnow()
            mail.send_due()
            row = db.session.get(OutboxMail, mail_id)
            if row.status == "waiting":
                pauses.append((row.next_attempt_at - before).total_seconds())
                # Time passes: the retry is due.
                db.session.execute(update(OutboxMail).values(next_attempt_at=utcnow()))
                db.session.commit()
    [failed] = outbox(app)
    assert failed.status == "failed" and failed.attempts == 3
    assert 50 < pauses[0] < 70 and 100 < pauses[1] < 140  # 60 s, then doubled
    with app.app_context():
        assert "SMTPServerDisconnected" in db.session.get(OutboxMail, mail_id).last_error
    status = app.test_cli_runner().invoke(args=["mail-status"])
    assert status.exit_code == 1
    assert "failed: 1" in status.output and "lena@region.se" in status.output


def test_a_refused_recipient_fails_at_once(app_with):
    app = app_with(MAIL_BACKEND=f"{__name__}.FailingEmailBackend")
    FAILURE[:] = [smtplib.SMTPRecipientsRefused({"lena@region.se": (550, b"No such user")})]
    _queue(app)
    report = _send(app)
    assert len(report.failed) == 1
    assert outbox(app)[0].status == "failed"


def test_failed_mail_is_sent_again_on_request(app_with):
    failing = app_with(MAIL_BACKEND=f"{__name__}.FailingEmailBackend",
                       MAIL_MAX_ATTEMPTS=1)
    FAILURE[:] = [OSError("Connection refused")]
    _queue(failing)
    _send(failing)
    SENT.clear()
    working = app_with(MAIL_BACKEND=f"{__name__}.RecordingEmailBackend")
    result = working.test_cli_runner().invoke(args=["mail-send", "--retry-failed"])
    assert result.exit_code == 0, result.output
    assert "Sent 1" in result.output
    assert [m.to for m in SENT] == [["lena@region.se"]]
    assert working.test_cli_runner().invoke(args=["mail-status"]).exit_code == 0


def test_two_processes_never_send_the_same_mail(app_with):
    first, second = (app_with(MAIL_BACKEND=f"{__name__}.RecordingEmailBackend")
                     for _ in range(2))
    ids = _queue(first, 30)
    SENT.clear()
    start = threading.Barrier(2)

    def run(app):
        start.wait()
        _send(app)

    threads = [threading.Thread(target=run, args=(app,)) for app in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    sent_ids = sorted(m.extra_headers["Message-ID"] for m in SENT)
    assert len(sent_ids) == len(set(sent_ids)) == len(ids)
    assert {m.status for m in outbox(first)} == {"sent"}


def test_no_transaction_is_open_while_the_server_is_spoken_to(app_with):
    # On PostgreSQL an open transaction holds back every change-log follower (the
    # search index) for as long as a slow mail server takes.
    app = app_with(MAIL_BACKEND=f"{__name__}.RecordingEmailBackend")
    _queue(app, 3)
    IN_TRANSACTION.clear()
    assert len(_send(app).sent) == 3
    assert IN_TRANSACTION == [False, False, False]


def test_a_lapsed_lease_frees_a_mail_and_a_live_one_does_not(app_with):
    app = app_with(MAIL_BACKEND=f"{__name__}.RecordingEmailBackend")
    live, lapsed = _queue(app, 2)
    with app.app_context():
        now = utcnow()
        db.session.execute(update(OutboxMail).where(OutboxMail.id == live).values(
            status="sending", claim="another-process", lease_until=now + timedelta(minutes=5)))
        db.session.execute(update(OutboxMail).where(OutboxMail.id == lapsed).values(
            status="sending", claim="a-dead-process", lease_until=now - timedelta(seconds=1)))
        db.session.commit()
    report = _send(app)
    assert report.sent == [lapsed]


def test_sent_mail_is_forgotten_after_its_days(app):
    old, new = _queue(app, 2)
    _send(app)
    with app.app_context():
        db.session.execute(update(OutboxMail).where(OutboxMail.id == old)
                           .values(sent_at=utcnow() - timedelta(days=31)))
        db.session.commit()
        assert mail.cleanup() == 1
        assert db.session.scalars(select(OutboxMail.id)).all() == [new]


def test_a_commit_that_queued_mail_wakes_the_sender_at_once(app_with):
    # The mail job's own timer is an hour: only the wake-up can send within the test.
    app = app_with(MAIL_BACKEND=f"{__name__}.RecordingEmailBackend",
                   BACKGROUND_JOBS=True, MAIL_SEND_SECONDS=3600,
                   MAIL_DIGEST_CHECK_SECONDS=3600, INDEX_FOLLOW_SECONDS=3600)
    jobs = background.ticker(app)
    client = app.test_client()
    client.get("/")  # the first request starts the threads
    try:
        _wait_for(lambda: all(job.due for job in jobs.jobs))  # each ran once, at start
        SENT.clear()
        assert register(client).status_code == 302
        _wait_for(lambda: SENT)
        assert [m.to for m in SENT] == [["karin@kommun.se"]]
    finally:
        jobs.stop(wait=30)


def _wait_for(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.05)
