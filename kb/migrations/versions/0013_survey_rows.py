"""a survey upload's rows, read once on arrival and kept beside the file, and the
moment a confirmation took the upload (so that racing confirmations write once)

Revision ID: 0013_survey_rows
Revises: 0012_drafts
"""
from alembic import op
import sqlalchemy as sa


revision = "0013_survey_rows"
down_revision = "0012_drafts"
branch_labels = None
depends_on = None


def upgrade():
    # Nullable columns are added in place on SQLite and PostgreSQL alike; an upload from
    # before has no rows kept and is read once more when it is next opened.
    op.add_column("survey_import", sa.Column("sheet", sa.Text(), nullable=True))
    op.add_column("survey_import", sa.Column("confirming_since", sa.DateTime(), nullable=True))


def downgrade():
    # On SQLite the batch copies the table (a column cannot be dropped in place there
    # before SQLite 3.35).
    with op.batch_alter_table("survey_import") as batch_op:
        batch_op.drop_column("confirming_since")
        batch_op.drop_column("sheet")
