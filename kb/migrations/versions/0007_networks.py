"""networks, their members, meetings and questions; experiences shared with networks

Revision ID: 0007_networks
Revises: 0006_change_log


"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_networks'
down_revision = '0006_change_log'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('network',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('region', sa.String(length=60), nullable=False),
    sa.Column('access', sa.String(length=10), nullable=False),
    sa.Column('auto_approve', sa.Boolean(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_reason', sa.Text(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_network_created_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network')),
    sa.UniqueConstraint('slug', name=op.f('uq_network_slug'))
    )
    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=100), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('meeting_url', sa.String(length=500), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=False),
    sa.Column('topics', sa.String(length=300), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_meeting_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_meeting_network_id_network'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting')),
    sa.UniqueConstraint('uid', name=op.f('uq_meeting_uid'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_network_starts', ['network_id', 'starts_at'], unique=False)

    op.create_table('network_invite',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_by_id', sa.Integer(), nullable=True),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_network_invite_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_network_invite_network_id_network'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['used_by_id'], ['user_account.id'], name=op.f('fk_network_invite_used_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_invite')),
    sa.UniqueConstraint('token', name=op.f('uq_network_invite_token'))
    )
    with op.batch_alter_table('network_invite', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_invite_network_id'), ['network_id'], unique=False)

    op.create_table('network_membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('calendar_token', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('joined_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_network_membership_network_id_network'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_network_membership_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_membership')),
    sa.UniqueConstraint('calendar_token', name=op.f('uq_network_membership_calendar_token')),
    sa.UniqueConstraint('network_id', 'user_id', name='uq_network_membership_member')
    )
    with op.batch_alter_table('network_membership', schema=None) as batch_op:
        batch_op.create_index('ix_network_membership_network_status', ['network_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_membership_user_id'), ['user_id'], unique=False)

    op.create_table('network_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('helped', sa.Boolean(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_network_question_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_network_question_network_id_network'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['network_question.id'], name=op.f('fk_network_question_parent_id_network_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_question'))
    )
    with op.batch_alter_table('network_question', schema=None) as batch_op:
        batch_op.create_index('ix_network_question_network_updated', ['network_id', 'updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_question_parent_id'), ['parent_id'], unique=False)

    op.create_table('experience_network',
    sa.Column('experience_id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['experience_id'], ['experience.id'], name=op.f('fk_experience_network_experience_id_experience'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_experience_network_network_id_network'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('experience_id', 'network_id', name=op.f('pk_experience_network'))
    )
    with op.batch_alter_table('experience_network', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_experience_network_network_id'), ['network_id'], unique=False)

    op.create_table('meeting_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('experience_id', sa.Integer(), nullable=True),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['experience_id'], ['experience.id'], name=op.f('fk_meeting_item_experience_id_experience'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_item_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['network_question.id'], name=op.f('fk_meeting_item_question_id_network_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_item'))
    )
    with op.batch_alter_table('meeting_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_item_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meeting_response',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=10), nullable=False),
    sa.Column('attendance', sa.String(length=10), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_response_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_meeting_response_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'user_id', name=op.f('pk_meeting_response'))
    )
    op.create_table('meeting_system',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('system_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_system_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['system_id'], ['payroll_system.id'], name=op.f('fk_meeting_system_system_id_payroll_system'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'system_id', name=op.f('pk_meeting_system'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('network_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('question_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_notification_network_id_network'), 'network', ['network_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_notification_question_id_network_question'), 'network_question', ['question_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_notification_meeting_id_meeting'), 'meeting', ['meeting_id'], ['id'], ondelete='CASCADE')



def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notification_meeting_id_meeting'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_notification_question_id_network_question'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_notification_network_id_network'), type_='foreignkey')
        batch_op.drop_column('question_id')
        batch_op.drop_column('meeting_id')
        batch_op.drop_column('network_id')

    op.drop_table('meeting_system')
    op.drop_table('meeting_response')
    with op.batch_alter_table('meeting_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_item_meeting_id'))

    op.drop_table('meeting_item')
    with op.batch_alter_table('experience_network', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_experience_network_network_id'))

    op.drop_table('experience_network')
    with op.batch_alter_table('network_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_question_parent_id'))
        batch_op.drop_index('ix_network_question_network_updated')

    op.drop_table('network_question')
    with op.batch_alter_table('network_membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_membership_user_id'))
        batch_op.drop_index('ix_network_membership_network_status')

    op.drop_table('network_membership')
    with op.batch_alter_table('network_invite', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_invite_network_id'))

    op.drop_table('network_invite')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_network_starts')

    op.drop_table('meeting')
    op.drop_table('network')
