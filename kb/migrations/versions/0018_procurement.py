"""procurement: the contract behind an answer (when it ends, how it was procured, who
reads it) with its history, members open to procuring together and their messages,
and shared requirement lists

Revision ID: 0018_procurement
Revises: 0017_network_invitations
"""
import sqlalchemy as sa
from alembic import op

revision = "0018_procurement"
down_revision = "0017_network_invitations"
branch_labels = None
depends_on = None

MONTH_CHECK = "ck_experience_contract_end_month_range"


def upgrade():
    # Added in place: the experience table is large, and a batch on SQLite would copy
    # it. The defaults of the texts are kept in the database for the rows written
    # before; the month's range is checked by the database where it can add a check in
    # place (PostgreSQL), and by the form everywhere.
    op.add_column("experience", sa.Column("contract_end_year", sa.Integer(), nullable=True))
    op.add_column("experience", sa.Column("contract_end_month", sa.Integer(), nullable=True))
    op.add_column("experience", sa.Column("contract_extension", sa.String(length=60),
                                          nullable=False, server_default=""))
    op.add_column("experience", sa.Column("procurement_route", sa.String(length=20),
                                          nullable=True))
    op.add_column("experience", sa.Column("procured_with", sa.String(length=300),
                                          nullable=False, server_default=""))
    op.add_column("experience", sa.Column("next_procurement_year", sa.Integer(),
                                          nullable=True))
    op.add_column("experience", sa.Column("contract_audience", sa.String(length=10),
                                          nullable=False, server_default="same"))
    if op.get_bind().dialect.name != "sqlite":
        op.create_check_constraint(
            op.f(MONTH_CHECK), "experience",
            "contract_end_month IS NULL OR (contract_end_month >= 1 AND "
            "contract_end_month <= 12)")

    op.create_table(
        "contract_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("experience_id", sa.Integer(), nullable=False),
        sa.Column("contract_end_year", sa.Integer(), nullable=True),
        sa.Column("contract_end_month", sa.Integer(), nullable=True),
        sa.Column("contract_extension", sa.String(length=60), nullable=False),
        sa.Column("procurement_route", sa.String(length=20), nullable=True),
        sa.Column("procured_with", sa.String(length=300), nullable=False),
        sa.Column("next_procurement_year", sa.Integer(), nullable=True),
        sa.Column("contract_audience", sa.String(length=10), nullable=False),
        sa.Column("stated_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("change", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(["experience_id"], ["experience.id"],
                                name=op.f("fk_contract_history_experience_id_experience"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_history")),
    )
    op.create_index(op.f("ix_contract_history_experience_id"), "contract_history",
                    ["experience_id"])

    op.create_table(
        "procurement_opening",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("experience_id", sa.Integer(), nullable=False),
        sa.Column("year_from", sa.Integer(), nullable=False),
        sa.Column("year_to", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=30), nullable=False),
        sa.Column("show_organisation", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("year_from <= year_to", name=op.f("ck_procurement_opening_window")),
        sa.ForeignKeyConstraint(["experience_id"], ["experience.id"],
                                name=op.f("fk_procurement_opening_experience_id_experience"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_procurement_opening_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procurement_opening")),
        sa.UniqueConstraint("user_id", name=op.f("uq_procurement_opening_user_id")),
    )
    op.create_index(op.f("ix_procurement_opening_experience_id"), "procurement_opening",
                    ["experience_id"])

    op.create_table(
        "procurement_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sender_summary", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("reply_body", sa.Text(), nullable=False),
        sa.Column("replied_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["recipient_id"], ["user_account.id"],
                                name=op.f("fk_procurement_message_recipient_id_user_account"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sender_id"], ["user_account.id"],
                                name=op.f("fk_procurement_message_sender_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procurement_message")),
    )
    for column in ("sender_id", "recipient_id", "created_at"):
        op.create_index(op.f(f"ix_procurement_message_{column}"), "procurement_message",
                        [column])

    op.create_table(
        "procurement_requirement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("sector", sa.String(length=20), nullable=False),
        sa.Column("size_band", sa.String(length=20), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        sa.Column("visibility", sa.String(length=10), nullable=False),
        sa.Column("document_key", sa.String(length=64), nullable=True),
        sa.Column("document_name", sa.String(length=150), nullable=False),
        sa.Column("document_type", sa.String(length=8), nullable=False),
        sa.Column("document_size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"],
                                name=op.f("fk_procurement_requirement_author_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procurement_requirement")),
    )
    op.create_index(op.f("ix_procurement_requirement_author_id"), "procurement_requirement",
                    ["author_id"])


def downgrade():
    op.drop_index(op.f("ix_procurement_requirement_author_id"),
                  table_name="procurement_requirement")
    op.drop_table("procurement_requirement")
    for column in ("created_at", "recipient_id", "sender_id"):
        op.drop_index(op.f(f"ix_procurement_message_{column}"), table_name="procurement_message")
    op.drop_table("procurement_message")
    op.drop_index(op.f("ix_procurement_opening_experience_id"), table_name="procurement_opening")
    op.drop_table("procurement_opening")
    op.drop_index(op.f("ix_contract_history_experience_id"), table_name="contract_history")
    op.drop_table("contract_history")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f(MONTH_CHECK), "experience", type_="check")
    with op.batch_alter_table("experience") as batch_op:
        for name in ("contract_audience", "next_procurement_year", "procured_with",
                     "procurement_route", "contract_extension", "contract_end_month",
                     "contract_end_year"):
            batch_op.drop_column(name)
