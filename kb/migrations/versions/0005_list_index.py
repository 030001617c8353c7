"""the system page's list walks an index that holds its filters; drop an unused index

Revision ID: 0005_list_index
Revises: 0004_stats_indexes
Create Date: 2026-11-27 06:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005_list_index'
down_revision = '0004_stats_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_experience_system_newest", "experience",
        ["system_id", "moderation_state", "created_at", "id", "visibility", "sector",
         "size_band", "reviewer_role"],
    )
    op.drop_index("ix_experience_system_state_created", table_name="experience")
    op.drop_index("ix_experience_updated", table_name="experience")


def downgrade():
    op.create_index("ix_experience_updated", "experience", ["updated_at"])
    op.create_index("ix_experience_system_state_created", "experience",
                    ["system_id", "moderation_state", "created_at"])
    op.drop_index("ix_experience_system_newest", table_name="experience")
