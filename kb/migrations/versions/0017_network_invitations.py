"""invitations by e-mail: a network invite may be mailed to one address (with the name
the leader pasted) and replaced by a new one when it is sent again

Revision ID: 0017_network_invitations
Revises: 0016_switch_journeys
"""
from alembic import op
import sqlalchemy as sa


revision = "0017_network_invitations"
down_revision = "0016_switch_journeys"
branch_labels = None
depends_on = None

REPLACED_FK = "fk_network_invite_replaced_by_id_network_invite"
EMAIL_INDEX = "ix_network_invite_network_email"


def upgrade():
    # On SQLite the batch copies the table (a reference cannot be added in place there).
    with op.batch_alter_table("network_invite") as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("name", sa.String(length=120), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("replaced_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(REPLACED_FK, "network_invite", ["replaced_by_id"], ["id"],
                                    ondelete="SET NULL")
        batch_op.create_index(EMAIL_INDEX, ["network_id", "email"])


def downgrade():
    with op.batch_alter_table("network_invite") as batch_op:
        batch_op.drop_index(EMAIL_INDEX)
        batch_op.drop_constraint(REPLACED_FK, type_="foreignkey")
        batch_op.drop_column("replaced_by_id")
        batch_op.drop_column("name")
        batch_op.drop_column("email")
