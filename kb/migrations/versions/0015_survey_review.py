"""a survey import shared beyond its network waits for a moderator: its review state, who
decided, when and why; and a system a network's survey proposed names that network

Revision ID: 0015_survey_review
Revises: 0014_verified_organisations
"""
from alembic import op
import sqlalchemy as sa


revision = "0015_survey_review"
down_revision = "0014_verified_organisations"
branch_labels = None
depends_on = None

REVIEWER_FK = "fk_survey_import_reviewed_by_id_user_account"
REVIEW_INDEX = "ix_survey_import_review_state"
NETWORK_FK = "fk_payroll_system_proposed_network_id_network"


def upgrade():
    # On SQLite the batch copies the tables (a reference cannot be added in place there).
    with op.batch_alter_table("survey_import") as batch_op:
        batch_op.add_column(sa.Column("review_state", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("review_note", sa.Text(), nullable=True))
        batch_op.create_foreign_key(REVIEWER_FK, "user_account", ["reviewed_by_id"], ["id"],
                                    ondelete="SET NULL")
        batch_op.create_index(REVIEW_INDEX, ["review_state"])
    with op.batch_alter_table("payroll_system") as batch_op:
        batch_op.add_column(sa.Column("proposed_network_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(NETWORK_FK, "network", ["proposed_network_id"], ["id"],
                                    ondelete="SET NULL")
    # Imports shared beyond their network before this review existed go to the
    # moderators' queue: nothing changes until a moderator decides (declining takes
    # their answers back to the network).
    op.execute("UPDATE survey_import SET review_state = 'pending' "
               "WHERE imported_at IS NOT NULL AND visibility IN ('members', 'public')")


def downgrade():
    with op.batch_alter_table("payroll_system") as batch_op:
        batch_op.drop_constraint(NETWORK_FK, type_="foreignkey")
        batch_op.drop_column("proposed_network_id")
    with op.batch_alter_table("survey_import") as batch_op:
        batch_op.drop_index(REVIEW_INDEX)
        batch_op.drop_constraint(REVIEWER_FK, type_="foreignkey")
        batch_op.drop_column("review_note")
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("reviewed_by_id")
        batch_op.drop_column("review_state")
