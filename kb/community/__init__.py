"""Members helping each other: comments, helpful votes, follows and notifications."""

from kb.community.forms import (  # noqa: F401
    FlagForm,
    ProposeSystemForm,
)
from kb.community.mail_settings import (  # noqa: F401
    FREQUENCIES as MAIL_FREQUENCIES,
)
from kb.community.mail_settings import (  # noqa: F401
    frequencies as mail_frequencies,
)
from kb.community.mail_settings import (  # noqa: F401
    kinds as mail_kinds,
)
from kb.community.mail_settings import (  # noqa: F401
    read_unsubscribe,
    unsubscribe,
)
from kb.community.mail_settings import (  # noqa: F401
    save as save_mail_settings,
)
from kb.community.notifications import (  # noqa: F401
    JOIN_REQUEST,
    JOINED,
    MEETING,
    MEETING_CANCELLED,
    MEETING_CHANGED,
    NETWORK_ANSWER,
    NETWORK_QUESTION,
    SURVEY_APPROVED,
    SURVEY_DECLINED,
    notify,
    notify_about_comment,
    notify_followers,
    notify_members,
)
from kb.community.reactions import (  # noqa: F401
    NEWS_DAYS,
    NOT_PUBLISHED,
    OWN_VOTE,
    SORTS,
    UNCONFIRMED_VOTE,
    FollowedNews,
    ListOptions,
    can_vote,
    followed_news,
    followed_systems,
    has_voted,
    is_following,
    order_and_filter,
    set_following,
    set_helpful,
)
