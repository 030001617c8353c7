"""search index change queue

Revision ID: 0002_search_queue
Revises: 0001_initial
"""
from alembic import op
import sqlalchemy as sa


revision = "0002_search_queue"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    # PostgreSQL: the writing transaction's id, so drains can apply rows in the
    # order their transactions became final (ids can commit out of order).
    txid_default = sa.text("(pg_current_xact_id()::text::bigint)") if postgres else None
    op.create_table(
        "search_queue",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("txid", sa.BigInteger(), server_default=txid_default, nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_queue")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_search_queue_txid_id", "search_queue", ["txid", "id"])


def downgrade():
    op.drop_index("ix_search_queue_txid_id", table_name="search_queue")
    op.drop_table("search_queue")
