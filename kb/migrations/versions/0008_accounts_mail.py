"""accounts people can trust: confirmed addresses, sessions that end, the mail outbox,
mail settings per notification kind

Revision ID: 0008_accounts_mail
Revises: 0007_networks
"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = "0008_accounts_mail"
down_revision = "0007_networks"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_confirmed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("session_token", sa.String(length=64), nullable=True))

    # Members from before confirmation existed keep everything they had: their address
    # counts as confirmed. Each gets a session token of their own (every earlier
    # session cookie, which carries none, now needs a new login).
    users = sa.table("user_account", sa.column("id", sa.Integer),
                     sa.column("created_at", sa.DateTime),
                     sa.column("email_confirmed_at", sa.DateTime),
                     sa.column("session_token", sa.String))
    connection = op.get_bind()
    connection.execute(users.update().values(email_confirmed_at=users.c.created_at))
    ids = [row.id for row in connection.execute(sa.select(users.c.id))]
    if ids:
        connection.execute(
            users.update().where(users.c.id == sa.bindparam("uid"))
            .values(session_token=sa.bindparam("token")),
            [{"uid": i, "token": secrets.token_urlsafe(24)} for i in ids])
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column("session_token", existing_type=sa.String(length=64),
                              nullable=False)

    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("headers", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claim", sa.String(length=32), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_mail_outbox_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    op.create_index("ix_mail_outbox_status_due", "mail_outbox", ["status", "next_attempt_at"])
    op.create_index(op.f("ix_mail_outbox_user_id"), "mail_outbox", ["user_id"])

    op.create_table(
        "mail_preference",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("frequency", sa.String(length=10), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_mail_preference_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("pk_mail_preference")),
    )

    op.create_table(
        "notification_mail",
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("via", sa.String(length=10), nullable=False),
        sa.Column("mailed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["notification_id"], ["notification.id"],
                                name=op.f("fk_notification_mail_notification_id_notification"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_notification_mail_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("notification_id", name=op.f("pk_notification_mail")),
    )
    op.create_index(op.f("ix_notification_mail_user_id"), "notification_mail", ["user_id"])


def downgrade():
    op.drop_index(op.f("ix_notification_mail_user_id"), table_name="notification_mail")
    op.drop_table("notification_mail")
    op.drop_table("mail_preference")
    op.drop_index(op.f("ix_mail_outbox_user_id"), table_name="mail_outbox")
    op.drop_index("ix_mail_outbox_status_due", table_name="mail_outbox")
    op.drop_table("mail_outbox")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("session_token")
        batch_op.drop_column("email_confirmed_at")
