"""Networks: membership, meetings, questions, the overview, exports and the
survey import."""

from kb.access.networks import (  # noqa: F401
    LEADERS_ONLY,
    MEMBERS_ONLY,
    is_leader,
    is_member,
    may_read,
    require_leader,
    require_member,
    require_reader,
)
from kb.access.networks import (  # noqa: F401
    membership_of as membership,
)
from kb.networks.invitations import (  # noqa: F401
    ADDRESSES_PER_FORM as INVITATION_ADDRESSES_PER_FORM,
)
from kb.networks.invitations import (  # noqa: F401
    MAILS_PER_DAY as INVITATION_MAILS_PER_DAY,
)
from kb.networks.invitations import (  # noqa: F401
    inviter_name,
)
from kb.networks.invitations import (  # noqa: F401
    usable as usable_invitation,
)
from kb.networks.meetings import (  # noqa: F401
    answers as meeting_answers,
)
from kb.networks.meetings import (  # noqa: F401
    local as local_time,
)
from kb.networks.meetings import (  # noqa: F401
    past as past_meetings,
)
from kb.networks.meetings import (  # noqa: F401
    upcoming as upcoming_meetings,
)
from kb.networks.meetings import (  # noqa: F401
    upcoming_for as upcoming_meetings_for,
)
from kb.networks.memberships import (  # noqa: F401
    CLOSED,
    EDITABLE,
    EVERY_ROLE,
    INVITE_VALID_DAYS,
    NOT_FOUND,
    Listed,
    accept_invite,
    appoint_leader,
    approve,
    by_slug,
    close,
    create_invite,
    decline,
    leader_ids,
    leave,
    listed,
    member_counts,
    member_ids,
    members,
    mine,
    open_invites,
    remove,
    reopen,
    request_to_join,
    requests,
    require_open,
    revoke_invite,
    start,
    update,
    usable_invite,
)
from kb.networks.overview import (  # noqa: F401
    overview as network_overview,
)
from kb.networks.questions import (  # noqa: F401
    Thread as QuestionThread,
)
from kb.networks.questions import (  # noqa: F401
    answered_for as answered_questions_for,
)
from kb.networks.questions import (  # noqa: F401
    author_label as question_author,
)
from kb.networks.questions import (  # noqa: F401
    newest as newest_questions,
)
from kb.networks.questions import (  # noqa: F401
    open_for as open_questions_for,
)
from kb.networks.questions import (  # noqa: F401
    search as search_questions,
)
from kb.networks.survey.importing import VISIBILITIES as SURVEY_AUDIENCES  # noqa: F401
from kb.networks.survey.review import STATES as SURVEY_REVIEW_STATES  # noqa: F401
from kb.networks.survey.review import approve as approve_import  # noqa: F401
from kb.networks.survey.review import decline as decline_import  # noqa: F401
from kb.networks.survey.review import for_review as import_for_review  # noqa: F401
from kb.networks.survey.review import owned as import_answers  # noqa: F401
from kb.networks.survey.review import owned_count as import_answer_count  # noqa: F401
from kb.networks.survey.review import pending_count as pending_import_count  # noqa: F401
from kb.networks.survey.review import pending_imports  # noqa: F401
from kb.networks.survey.review import proposed_systems as import_proposed_systems  # noqa: F401
