"""The nouns of kb as typed SQLAlchemy models, one module per area.

Import them from here (`from kb.models import Experience`): importing this package
registers every table with the metadata, which migrations and tests rely on.
"""

from kb.dates import utcnow
from kb.models.catalogue import PayrollSystem
from kb.models.community import Comment, Follow, HelpfulVote, Notification
from kb.models.experiences import Experience, SatisfactionHistory
from kb.models.mail import MailPreference, NotificationMail, OutboxMail
from kb.models.members import InviteCode, Organisation, User
from kb.models.moderation import AuditLog, Flag

__all__ = [
    "AuditLog", "Comment", "Experience", "Flag", "Follow", "HelpfulVote", "InviteCode",
    "MailPreference", "Notification", "NotificationMail", "Organisation", "OutboxMail",
    "PayrollSystem", "SatisfactionHistory", "User", "utcnow",
]
