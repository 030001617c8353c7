"""organisations are verified, not typed: an organisation's e-mail domain, and how each
member's link to their organisation was verified (by domain, leader or moderator)

Revision ID: 0014_verified_organisations
Revises: 0013_survey_rows
"""
from alembic import op
import sqlalchemy as sa


revision = "0014_verified_organisations"
down_revision = "0013_survey_rows"
branch_labels = None
depends_on = None

DOMAIN_UNIQUE = "uq_organisation_email_domain"
VERIFIER_FK = "fk_user_account_organisation_verified_by_id_user_account"


def upgrade():
    # On SQLite the batch copies the tables (a unique constraint and a reference cannot
    # be added in place there). No organisation has a domain yet, and no member's link
    # is verified: what members typed before proves nothing.
    with op.batch_alter_table("organisation") as batch_op:
        batch_op.add_column(sa.Column("email_domain", sa.String(length=253), nullable=True))
        batch_op.create_unique_constraint(DOMAIN_UNIQUE, ["email_domain"])
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.add_column(sa.Column("organisation_verified_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("organisation_verified_by", sa.String(length=10),
                                      nullable=True))
        batch_op.add_column(sa.Column("organisation_verified_by_id", sa.Integer(),
                                      nullable=True))
        batch_op.create_foreign_key(VERIFIER_FK, "user_account",
                                    ["organisation_verified_by_id"], ["id"],
                                    ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.drop_constraint(VERIFIER_FK, type_="foreignkey")
        batch_op.drop_column("organisation_verified_by_id")
        batch_op.drop_column("organisation_verified_by")
        batch_op.drop_column("organisation_verified_at")
    with op.batch_alter_table("organisation") as batch_op:
        batch_op.drop_constraint(DOMAIN_UNIQUE, type_="unique")
        batch_op.drop_column("email_domain")
