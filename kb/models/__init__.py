"""The nouns of kb as typed SQLAlchemy models, one module per area.

Import them from here (`from kb.models import Experience`): importing this package
registers every table with the metadata, which migrations and tests rely on.
"""

from kb.core.dates import utcnow
from kb.models.catalogue import PayrollSystem
from kb.models.community import Comment, Follow, HelpfulVote, Notification
from kb.models.drafts import ExperienceDraft
from kb.models.experiences import Experience, SatisfactionHistory
from kb.models.mail import MailPreference, NotificationMail, OutboxMail
from kb.models.members import InviteCode, Organisation, User
from kb.models.moderation import AuditLog, Flag
from kb.models.networks import (
    Meeting,
    MeetingItem,
    MeetingResponse,
    Network,
    NetworkInvite,
    NetworkMembership,
    NetworkQuestion,
    experience_network,
    meeting_system,
)
from kb.models.procurement import (
    ContractHistory,
    ProcurementMessage,
    ProcurementOpening,
    ProcurementRequirement,
)
from kb.models.survey import SurveyAnswer, SurveyImport
from kb.models.throttling import RateLimitCounter

__all__ = [
    "AuditLog", "Comment", "ContractHistory", "Experience", "ExperienceDraft", "Flag", "Follow",
    "HelpfulVote",
    "InviteCode",
    "experience_network", "MailPreference", "Meeting", "meeting_system", "MeetingItem",
    "MeetingResponse", "Network", "NetworkInvite", "NetworkMembership", "NetworkQuestion",
    "Notification", "NotificationMail", "Organisation", "OutboxMail", "PayrollSystem",
    "ProcurementMessage", "ProcurementOpening", "ProcurementRequirement",
    "RateLimitCounter", "SatisfactionHistory", "SurveyAnswer", "SurveyImport", "User",
    "utcnow",
]
