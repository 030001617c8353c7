"""Every form of kb, on one Swedish base (kb.forms.base), grouped by what it is for.

Forms belong to the web layer: views build them from the request, validate, and
hand plain values to the domain.
"""

from kb.forms.accounts import (
    ActionForm,
    DeleteAccountForm,
    EmailChangeForm,
    ForgotPasswordForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    mail_settings_form,
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
    "ActionForm", "AuditFilterForm", "CloseNetworkForm", "CommentForm", "DeleteAccountForm",
    "EmailChangeForm", "experience_form", "ExperienceForm", "FlagForm", "ForgotPasswordForm",
    "HideCommentForm", "InviteForm", "InviteLinkForm", "LoginForm", "mail_settings_form",
    "MeetingAnswerForm", "MeetingForm", "MeetingNotesForm", "MergeForm", "NetworkAnswerForm",
    "NetworkForm", "NetworkQuestionForm", "PasswordChangeForm", "ProfileForm",
    "ProposeSystemForm", "ReasonForm", "RegisterForm", "ResetPasswordForm", "RoleForm",
    "SwedishForm", "SwedishMeta", "SwedishQueryForm",
]
