"""an experience that switched from another system may say how satisfied the organisation
was with that system when it left it (1-5): the "before" of a switch journey

Revision ID: 0016_switch_journeys
Revises: 0015_survey_review
"""
from alembic import op
import sqlalchemy as sa


revision = "0016_switch_journeys"
down_revision = "0015_survey_review"
branch_labels = None
depends_on = None

RANGE = "ck_experience_previous_satisfaction_range"


def upgrade():
    # On SQLite the batch copies the table (a CHECK constraint cannot be added in place).
    with op.batch_alter_table("experience") as batch_op:
        batch_op.add_column(sa.Column("previous_satisfaction", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f(RANGE), "previous_satisfaction IS NULL OR "
                   "(previous_satisfaction >= 1 AND previous_satisfaction <= 5)")


def downgrade():
    with op.batch_alter_table("experience") as batch_op:
        batch_op.drop_constraint(op.f(RANGE), type_="check")
        batch_op.drop_column("previous_satisfaction")
