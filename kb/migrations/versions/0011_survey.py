"""a network's own survey brought into kb: uploaded sheets, the organisations' answers,
and experiences that are survey answers

Revision ID: 0011_survey
Revises: 0010_followers
"""
from alembic import op
import sqlalchemy as sa


revision = "0011_survey"
down_revision = "0010_followers"
branch_labels = None
depends_on = None

FK = "fk_experience_survey_network_id_network"
INDEX = "ix_experience_survey_network_id"


def upgrade():
    op.create_table(
        "survey_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("mapping", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=True),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("visibility", sa.String(length=10), nullable=True),
        sa.Column("rows_created", sa.Integer(), nullable=False),
        sa.Column("rows_updated", sa.Integer(), nullable=False),
        sa.Column("rows_unchanged", sa.Integer(), nullable=False),
        sa.Column("rows_skipped", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["network_id"], ["network.id"], ondelete="CASCADE",
                                name=op.f("fk_survey_import_network_id_network")),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["user_account.id"], ondelete="SET NULL",
                                name=op.f("fk_survey_import_uploaded_by_id_user_account")),
        sa.ForeignKeyConstraint(["imported_by_id"], ["user_account.id"], ondelete="SET NULL",
                                name=op.f("fk_survey_import_imported_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_import")),
    )
    op.create_index(op.f("ix_survey_import_network_id"), "survey_import", ["network_id"])
    op.create_table(
        "survey_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("organisation_key", sa.String(length=200), nullable=False),
        sa.Column("organisation_name", sa.String(length=200), nullable=False),
        sa.Column("experience_id", sa.Integer(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("claimed_by_id", sa.Integer(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["network_id"], ["network.id"], ondelete="CASCADE",
                                name=op.f("fk_survey_answer_network_id_network")),
        sa.ForeignKeyConstraint(["experience_id"], ["experience.id"], ondelete="SET NULL",
                                name=op.f("fk_survey_answer_experience_id_experience")),
        sa.ForeignKeyConstraint(["import_id"], ["survey_import.id"], ondelete="SET NULL",
                                name=op.f("fk_survey_answer_import_id_survey_import")),
        sa.ForeignKeyConstraint(["claimed_by_id"], ["user_account.id"], ondelete="SET NULL",
                                name=op.f("fk_survey_answer_claimed_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_answer")),
        sa.UniqueConstraint("network_id", "organisation_key",
                            name="uq_survey_answer_organisation"),
    )
    op.create_index(op.f("ix_survey_answer_experience_id"), "survey_answer", ["experience_id"])
    # On SQLite the batch copies the table (a reference cannot be added in place).
    with op.batch_alter_table("experience") as batch_op:
        batch_op.add_column(sa.Column("survey_network_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(FK, "network", ["survey_network_id"], ["id"],
                                    ondelete="SET NULL")
        batch_op.create_index(INDEX, ["survey_network_id"])


def downgrade():
    with op.batch_alter_table("experience") as batch_op:
        batch_op.drop_index(INDEX)
        batch_op.drop_constraint(FK, type_="foreignkey")
        batch_op.drop_column("survey_network_id")
    op.drop_index(op.f("ix_survey_answer_experience_id"), table_name="survey_answer")
    op.drop_table("survey_answer")
    op.drop_index(op.f("ix_survey_import_network_id"), table_name="survey_import")
    op.drop_table("survey_import")
