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

__all__ = [
    "ActionForm", "AuditFilterForm", "CommentForm", "DeleteAccountForm", "EmailChangeForm",
    "ExperienceForm", "FlagForm", "ForgotPasswordForm", "HideCommentForm", "InviteForm",
    "LoginForm", "MergeForm", "PasswordChangeForm", "ProfileForm", "ProposeSystemForm",
    "ReasonForm", "RegisterForm", "ResetPasswordForm", "RoleForm", "SwedishForm", "SwedishMeta",
    "SwedishQueryForm", "experience_form", "mail_settings_form",
]
