"""indexes for the statistics of system profiles and comparisons

Revision ID: 0004_stats_indexes
Revises: 0003_community
Create Date: 2026-11-27 02:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_stats_indexes'
down_revision = '0003_community'
branch_labels = None
depends_on = None

SUB_RATINGS = ("usability", "support", "stability", "reporting", "compliance",
               "integrations", "value", "implementation")
CAPABILITIES = ("agi", "semester", "kollektivavtal", "pension", "paxml", "sie", "bankid",
                "payslips", "selfservice")
SWITCH_FILTERS = ("moderation_state", "visibility", "sector", "size_band", "reviewer_role",
                  "created_at", "switch_reason")


def upgrade():
    op.create_index(
        "ix_experience_stats", "experience",
        ["system_id", "moderation_state", "visibility", "sector", "size_band", "reviewer_role",
         "created_at", "usage_status", "satisfaction", "recommend", "switched_from_id",
         *(f"rating_{key}" for key in SUB_RATINGS), *(f"cap_{key}" for key in CAPABILITIES)],
    )
    if op.get_bind().dialect.name == "sqlite":
        op.create_index(
            "ix_experience_switches_in", "experience",
            ["system_id", "switched_from_id", *SWITCH_FILTERS],
            sqlite_where=sa.text("switched_from_id IS NOT NULL"),
        )
        op.create_index(
            "ix_experience_switches_out", "experience",
            ["switched_from_id", "system_id", *SWITCH_FILTERS],
            sqlite_where=sa.text("switched_from_id IS NOT NULL"),
        )
    op.create_index("ix_experience_updated", "experience", ["updated_at"])


def downgrade():
    op.drop_index("ix_experience_updated", table_name="experience")
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index("ix_experience_switches_out", table_name="experience")
        op.drop_index("ix_experience_switches_in", table_name="experience")
    op.drop_index("ix_experience_stats", table_name="experience")
