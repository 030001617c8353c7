"""The index commands: `kb reindex`, `kb index-status`, `kb index-sync`."""

import sys

import click
from flask import Flask
from flask.cli import with_appcontext


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the database into a fresh directory and
    swap it in when complete (searches keep working meanwhile)."""
    from kb.indexing import rebuild

    count = rebuild(progress=True)
    click.echo(f"The search index holds {count} experiences.")


@click.command("index-status")
@with_appcontext
def index_status_command() -> None:
    """Rows in the database, documents in the index, changes waiting; exit 1 on drift."""
    from kb.indexing import status

    info = status()
    click.echo(f"Experiences in the database: {info['rows']}")
    click.echo(f"Documents in the index:      {info['documents']}")
    click.echo(f"Changes waiting:             {info['queued']}")
    if info["missing"] or info["extra"]:
        click.echo(f"Missing from the index: {info['missing']}; "
                   f"in the index but not the database: {info['extra']}")
    if info["drift"]:
        click.echo("The index does not agree with the database: run `kb index-sync`, "
                   "or `kb reindex`.", err=True)
        sys.exit(1)
    click.echo("The index agrees with the database.")


@click.command("index-sync")
@with_appcontext
def index_sync_command() -> None:
    """Apply the waiting changes to the index now."""
    from kb.indexing import drain, merge_segments

    applied = drain(wait=60)
    merge_segments()
    click.echo(f"Applied {applied} queued changes.")


def register(app: Flask) -> None:
    for command in (reindex_command, index_status_command, index_sync_command):
        app.cli.add_command(command)
