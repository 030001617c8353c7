"""the search queue becomes the change log that every projection follows

Revision ID: 0006_change_log
Revises: 0005_list_index
"""
from alembic import op
import sqlalchemy as sa


revision = "0006_change_log"
down_revision = "0005_list_index"
branch_labels = None
depends_on = None


def _create(name: str, postgres: bool) -> None:
    txid_default = sa.text("(pg_current_xact_id()::text::bigint)") if postgres else None
    op.create_table(
        name,
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("txid", sa.BigInteger(), server_default=txid_default, nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sqlite_autoincrement=True,
    )
    op.create_index(f"ix_{name}_txid_id", name, ["txid", "id"])


def _move(source: str, target: str, postgres: bool) -> None:
    # Ids are kept: every follower's cursor stays valid.
    op.execute(f"INSERT INTO {target} (id, txid, kind, object_id, created_at) "
               f"SELECT id, txid, kind, object_id, created_at FROM {source}")
    if postgres:
        op.execute(f"SELECT setval(pg_get_serial_sequence('{target}', 'id'), "
                   f"COALESCE((SELECT MAX(id) FROM {target}), 0) + 1, false)")
    else:
        # Not even ids of rows deleted at the top are handed out again.
        op.execute(f"DELETE FROM sqlite_sequence WHERE name = '{target}'")
        op.execute(f"INSERT INTO sqlite_sequence (name, seq) "
                   f"SELECT '{target}', seq FROM sqlite_sequence WHERE name = '{source}'")
    op.drop_index(f"ix_{source}_txid_id", table_name=source)
    op.drop_table(source)


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    _create("change_log", postgres)
    _move("search_queue", "change_log", postgres)


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    _create("search_queue", postgres)
    _move("change_log", "search_queue", postgres)
