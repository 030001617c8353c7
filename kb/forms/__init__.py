"""Every form of kb, on one Swedish base (kb.forms.base), grouped by what it is for.

Forms belong to the web layer: views build them from the request, validate, and
hand plain values to the domain.
"""

from kb.forms.accounts import (
    DeleteAccountForm,
    EmailChangeForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    RegisterForm,
)
from kb.forms.admin import AuditFilterForm, InviteForm, MergeForm, ReasonForm, RoleForm
from kb.forms.base import SwedishForm, SwedishMeta, SwedishQueryForm
from kb.forms.community import CommentForm, FlagForm, HideCommentForm, ProposeSystemForm
from kb.forms.experiences import ExperienceForm, experience_form
from kb.forms.networks import (
    CloseNetworkForm,
    InviteLinkForm,
    MeetingAnswerForm,
    MeetingForm,
    MeetingNotesForm,
    NetworkAnswerForm,
    NetworkForm,
    NetworkQuestionForm,
)

__all__ = [
    "AuditFilterForm", "CloseNetworkForm", "CommentForm", "InviteLinkForm", "MeetingAnswerForm",
    "MeetingForm", "MeetingNotesForm", "NetworkAnswerForm", "NetworkForm",
    "NetworkQuestionForm", "DeleteAccountForm", "EmailChangeForm", "ExperienceForm",
    "FlagForm", "HideCommentForm", "InviteForm", "LoginForm", "MergeForm", "PasswordChangeForm",
    "ProfileForm", "ProposeSystemForm", "ReasonForm", "RegisterForm", "RoleForm", "SwedishForm",
    "SwedishMeta", "SwedishQueryForm", "experience_form",
]
