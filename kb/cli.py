"""The `kb` command: Flask's own commands plus kb's.

The app registers these commands when it is created, so this module is imported by
every web process: the tools behind `kb seed-demo` and `kb bench` (kb.tools) are
imported inside their command functions only.
"""

import json

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import func, select

from kb.core import vocab


def _create_app():
    from kb import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main() -> None:
    """kb – lönesystem och erfarenheter."""


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create the schema, or migrate it to the newest revision."""
    from kb.database import upgrade_schema

    upgrade_schema()
    click.echo("The database schema is at the newest revision.")


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(list(vocab.SITE_ROLES)), default="member")
@click.option("--name", "display_name", default=None, help="Display name (default: from e-mail).")
@click.password_option(prompt="Password", help="Prompted for, never echoed.")
@with_appcontext
def create_user_command(email: str, role: str, display_name: str | None, password: str) -> None:
    """Create a member (or moderator or admin) account."""
    from kb.accounts import AccountError, create_account

    try:
        user = create_account(
            email=email,
            password=password,
            display_name=display_name or email.split("@")[0],
            site_role=role,
            confirmed=True,  # the operator vouches for the address
        )
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.email} ({user.site_role}).")


@click.command("seed-demo")
@click.option("--experiences", "count", type=click.IntRange(min=0), default=3000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--force", is_flag=True, help="Add demo data even if the database has experiences.")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) if there is data.")
@with_appcontext
def seed_demo_command(count: int, seed: int, force: bool, if_empty: bool) -> None:
    """Load the demo catalogue, COUNT deterministic synthetic experiences and the demo
    networks (with their members' own experiences, a meeting and a question)."""
    from kb.extensions import db
    from kb.models import Experience
    from kb.tools import demo

    existing = db.session.scalar(select(func.count()).select_from(Experience))
    if existing and not force:
        if if_empty:
            click.echo(f"The database has {existing} experiences; no demo data added.")
            return
        raise click.ClickException(
            f"The database already has {existing} experiences; use --force to add more."
        )
    result = demo.seed(count, seed=seed)
    click.echo(f"Demo data: {result.systems} systems, {result.experiences} experiences.")
    networks = demo.seed_networks()
    if networks.networks:
        click.echo(f"Demo networks: {networks.networks} networks, {networks.accounts} members "
                   f"from demo organisations, {networks.experiences} of their experiences.")
    _after_bulk_load()


def _after_bulk_load() -> None:
    """Bulk inserts bypass the change log: the load asked every server to rebuild its
    index (each does so in the background); this one's is rebuilt now."""
    from kb import indexing

    indexing.rebuild(progress=True)


@click.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace DESTINATION if it exists.")
@with_appcontext
def backup_command(destination: str, force: bool) -> None:
    """Copy the SQLite database to DESTINATION while kb keeps serving (PostgreSQL:
    use pg_dump). The search indexes need no backup."""
    from flask import current_app

    from kb.database.backup import BackupError, sqlite_backup

    try:
        size = sqlite_backup(current_app.config["SQLALCHEMY_DATABASE_URI"], destination,
                             overwrite=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up the database to {destination} ({size} bytes).")


@click.command("bench")
@click.option("--experiences", "count", type=click.IntRange(min=10), default=100_000,
              show_default=True, help="Demo experiences seeded into the throw-away instance.")
@click.option("--rounds", type=click.IntRange(min=1), default=5, show_default=True,
              help="Times each search query is timed.")
@click.option("--submits", type=click.IntRange(min=1), default=100, show_default=True,
              help="Submissions timed in process (over HTTP: 20, each edited twice).")
@click.option("--pg-url", default=None,
              help="A PostgreSQL database for the full-text baseline (in a schema of its "
                   "own, dropped afterwards), e.g. postgresql+psycopg://postgres@127.0.0.1/test.")
@click.option("--clients", default="25", show_default=True,
              help="Concurrent clients of each load run, comma-separated (e.g. 10,25,50).")
@click.option("--load-seconds", type=click.FloatRange(min=1), default=20.0, show_default=True,
              help="Seconds each load run is measured (after a short ramp).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--keep", is_flag=True, help="Keep the throw-away instance afterwards.")
def bench_command(count: int, rounds: int, submits: int, pg_url: str | None, clients: str,
                  load_seconds: float, as_json: bool, keep: bool) -> None:
    """Benchmark a throw-away instance with N demo experiences (never your data).

    \b
    Seeds N demo experiences into a temporary SQLite database, rebuilds the index,
    then measures:
    - in process: the search mix, system pages, comparisons, submissions, and the
      same 40 queries on SQLite FTS5 (exact words, prefixes) over the same rows,
      and on PostgreSQL full-text search with --pg-url;
    - over HTTP against gunicorn -c gunicorn.conf.py (the shipped settings, 2
      workers, CSRF on): the first requests after a restart, one client at a time,
      then for each --clients count the read mix (62 % search, 20 % system pages,
      10 % comparisons, 8 % experience pages) and the mix with 2 % edits by
      logged-in members (each edit: GET the experience's edit form, POST it with
      a changed text; real login and CSRF tokens), then the workers' memory.

    The load average is printed before and after: run it with nothing else on the
    machine. See docs/benchmarks.md.
    """
    from kb.tools.bench import run, table

    def echo(message: str) -> None:
        click.echo(message, err=True)

    try:
        concurrency = tuple(int(n) for n in clients.split(",") if n.strip())
    except ValueError:
        raise click.BadParameter("comma-separated numbers", param_hint="--clients") from None
    result = run(count, rounds, submits, echo=echo, keep=keep, pg_url=pg_url,
                 clients=concurrency, load_seconds=load_seconds)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2) if as_json else table(result))


@click.command("mail-status")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="How many waiting and failed mails to list.")
@with_appcontext
def mail_status_command(limit: int) -> None:
    """Mail waiting in the outbox, and mail that failed; exits 1 when some failed."""
    from kb import mail

    status = mail.status(limit)
    click.echo(", ".join(f"{state}: {n}" for state, n in status.counts.items()))
    for title, mails in (("Waiting", status.waiting), ("Failed", status.failed)):
        if not mails:
            continue
        click.echo(f"\n{title}:")
        for m in mails:
            when = m.next_attempt_at.isoformat(" ", "seconds") if m.status != "failed" else ""
            click.echo(f"  #{m.id} {m.kind} to {m.recipient}, {m.attempts} attempt(s)"
                       + (f", next {when} UTC" if when else "")
                       + (f"\n      last error: {m.last_error}" if m.last_error else ""))
    if status.counts["failed"]:
        raise SystemExit(1)


@click.command("mail-send")
@click.option("--retry-failed", is_flag=True, help="Put failed mail back in line first.")
@with_appcontext
def mail_send_command(retry_failed: bool) -> None:
    """Send the mail that is due now (what each web process does on its own)."""
    from kb import mail
    from kb.mail.sending import retry_failed as requeue

    if retry_failed:
        click.echo(f"{requeue()} failed mail(s) put back in line.")
    sent = retried = failed = 0
    while True:
        report = mail.send_due()
        sent, retried, failed = (sent + len(report.sent), retried + len(report.retried),
                                 failed + len(report.failed))
        if not report.sent or report.retried:
            break
    click.echo(f"Sent {sent}, to try again later {retried}, failed {failed}.")


def register(app: Flask) -> None:
    for command in (init_db_command, create_user_command, seed_demo_command, backup_command,
                    bench_command, mail_status_command, mail_send_command):
        app.cli.add_command(command)
