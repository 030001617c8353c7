"""followers of the change log, the state they check themselves against, and the
shared counters of throttled forms

Revision ID: 0010_followers
Revises: 0009_organisations
"""
from alembic import op
import sqlalchemy as sa


revision = "0010_followers"
down_revision = "0009_organisations"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "change_log_follower",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("cursor_txid", sa.BigInteger(), nullable=False),
        sa.Column("cursor_id", sa.BigInteger(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.Column("error_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_change_log_follower")),
    )
    op.create_table(
        "change_log_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("database_id", sa.String(length=32), nullable=False),
        sa.Column("rebuild_request", sa.Integer(), nullable=False),
        sa.Column("rebuild_requested_at", sa.DateTime(), nullable=True),
        sa.Column("pruned_txid", sa.BigInteger(), nullable=False),
        sa.Column("pruned_id", sa.BigInteger(), nullable=False),
        sa.Column("pruned_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log_state")),
    )
    op.create_table(
        "rate_limit_counter",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limit_counter")),
    )
    op.create_index(op.f("ix_rate_limit_counter_expires_at"), "rate_limit_counter",
                    ["expires_at"])


def downgrade():
    op.drop_index(op.f("ix_rate_limit_counter_expires_at"), table_name="rate_limit_counter")
    op.drop_table("rate_limit_counter")
    op.drop_table("change_log_state")
    op.drop_table("change_log_follower")
