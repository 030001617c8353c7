"""Members' accounts: registration, sessions, passwords, invites, profile, privacy,
verified organisations and throttling."""

from kb.accounts.invites import (  # noqa: F401
    create as create_invite_code,
)
from kb.accounts.invites import (  # noqa: F401
    newest as newest_invite_codes,
)
from kb.accounts.members import (  # noqa: F401
    CONFIRMATION_MAIL,
    REGISTER_ATTEMPT_MAIL,
    REGISTERED_HERE_HOURS,
    AccountError,
    authenticate,
    confirm,
    confirmation,
    confirmation_for,
    create_account,
    end_sessions,
    find_by_email,
    get_member,
    load_session,
    mark_confirmed,
    member_for_link,
    password_method,
    register,
    registered_with,
    require_acceptable_password,
    resend_confirmation,
    send_confirmation,
    set_password,
)
from kb.accounts.organisations import (  # noqa: F401
    WEBMAIL_DOMAINS,
    known_organisation,
)
from kb.accounts.organisations import (  # noqa: F401
    confirm_by_leader as confirm_organisation_by_leader,
)
from kb.accounts.organisations import (  # noqa: F401
    confirm_by_moderator as confirm_organisation,
)
from kb.accounts.organisations import (  # noqa: F401
    for_experience as organisation_for_experience,
)
from kb.accounts.organisations import (  # noqa: F401
    get as get_organisation,
)
from kb.accounts.organisations import (  # noqa: F401
    is_verified as organisation_verified,
)
from kb.accounts.organisations import (  # noqa: F401
    join_by_domain as join_organisation_by_domain,
)
from kb.accounts.organisations import (  # noqa: F401
    listed as listed_organisations,
)
from kb.accounts.organisations import (  # noqa: F401
    revoke as revoke_organisation,
)
from kb.accounts.organisations import (  # noqa: F401
    set_domain as set_organisation_domain,
)
from kb.accounts.organisations import (  # noqa: F401
    status as organisation_status,
)
from kb.accounts.organisations import (  # noqa: F401
    verification as organisation_verification,
)
from kb.accounts.throttling import (  # noqa: F401
    delete_expired as delete_expired_counters,
)
