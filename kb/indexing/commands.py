"""The index commands: `kb reindex`, `kb index-status`, `kb index-sync`."""

import sys

import click
from flask import Flask
from flask.cli import with_appcontext


@click.command("reindex")
@click.option("--all-servers", is_flag=True,
              help="Also have every other server rebuild its index (after restoring a "
                   "backup, or writing rows around the change log).")
@with_appcontext
def reindex_command(all_servers: bool) -> None:
    """Rebuild the search index from the database into a fresh directory and
    swap it in when complete (searches keep working meanwhile)."""
    from kb.changelog import state
    from kb.extensions import db
    from kb.indexing import rebuild

    if all_servers:
        state.request_rebuild(db.session)
        db.session.commit()
        click.echo("Every server rebuilds its index at its next check (within seconds).")
    count = rebuild(progress=True)
    click.echo(f"The search index holds {count} experiences.")


@click.command("index-status")
@with_appcontext
def index_status_command() -> None:
    """Rows in the database, documents in the index, changes waiting, and what /healthz
    would say; exit 1 when the index does not agree with the database or is unhealthy."""
    from kb.indexing import status
    from kb.operations import health

    info = status()
    report = health.report()
    log = report.get("change_log", {})
    click.echo(f"Experiences in the database: {info['rows']}")
    click.echo(f"Documents in the index:      {info['documents']}")
    click.echo(f"Changes waiting:             {info['queued']}")
    if log.get("oldest_waiting_at"):
        click.echo(f"Oldest waiting change:       {log['oldest_waiting_at']} "
                   f"({log['lag_seconds']:.0f} s ago)")
    click.echo(f"Generation in use:           {report.get('index', {}).get('generation')}")
    if info["missing"] or info["extra"]:
        click.echo(f"Missing from the index: {info['missing']}; "
                   f"in the index but not the database: {info['extra']}")
    for problem in report["problems"]:
        click.echo(f"Problem: {problem}")
    if info["drift"] or report["problems"]:
        click.echo("The index does not agree with the database: run `kb index-sync`, "
                   "or `kb reindex`.", err=True)
        sys.exit(1)
    click.echo("The index agrees with the database.")


@click.command("index-sync")
@with_appcontext
def index_sync_command() -> None:
    """Apply the waiting changes to the index now (rebuilding it first if it is wrong)."""
    from sqlalchemy.orm import Session

    from kb.extensions import db
    from kb.indexing import drain, merge_segments, rebuild, store, validity

    with Session(db.engine) as session:
        verdict = validity.judge(session, store())
    if verdict.wrong:
        click.echo("Rebuilding the index: " + "; ".join(verdict.wrong) + ".")
        rebuild(progress=True)
    applied = drain(wait=60)
    merge_segments()
    click.echo(f"Applied {applied} queued changes.")


def register(app: Flask) -> None:
    for command in (reindex_command, index_status_command, index_sync_command):
        app.cli.add_command(command)
