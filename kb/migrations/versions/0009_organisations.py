"""experiences remember the author's organisation, so figures count organisations

Revision ID: 0009_organisations
Revises: 0008_accounts_mail
"""
from alembic import op
import sqlalchemy as sa


revision = "0009_organisations"
down_revision = "0008_accounts_mail"
branch_labels = None
depends_on = None

FK = "fk_experience_organisation_id_organisation"
INDEX = "ix_experience_organisation_id"


def upgrade():
    # On SQLite the batch copies the table (a reference cannot be added in place).
    with op.batch_alter_table("experience") as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(FK, "organisation", ["organisation_id"], ["id"],
                                    ondelete="SET NULL")
        batch_op.create_index(INDEX, ["organisation_id"])
    # What is known of experiences written before: the author's organisation today.
    op.execute(
        "UPDATE experience SET organisation_id = (SELECT user_account.organisation_id "
        "FROM user_account WHERE user_account.id = experience.author_id) "
        "WHERE author_id IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table("experience") as batch_op:
        batch_op.drop_index(INDEX)
        batch_op.drop_constraint(FK, type_="foreignkey")
        batch_op.drop_column("organisation_id")
