"""drafts of the experience form, kept on the server so nothing typed is lost

Revision ID: 0012_drafts
Revises: 0011_survey
"""
from alembic import op
import sqlalchemy as sa


revision = "0012_drafts"
down_revision = "0011_survey"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "experience_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("experience_id", sa.Integer(), nullable=True),
        sa.Column("token", sa.String(length=64), nullable=True),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["experience_id"], ["experience.id"],
                                name=op.f("fk_experience_draft_experience_id_experience"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_experience_draft_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experience_draft")),
        sa.UniqueConstraint("token", name=op.f("uq_experience_draft_token")),
    )
    op.create_index(op.f("ix_experience_draft_user_id"), "experience_draft", ["user_id"])
    op.create_index(op.f("ix_experience_draft_updated_at"), "experience_draft",
                    ["updated_at"])


def downgrade():
    op.drop_index(op.f("ix_experience_draft_updated_at"), table_name="experience_draft")
    op.drop_index(op.f("ix_experience_draft_user_id"), table_name="experience_draft")
    op.drop_table("experience_draft")
