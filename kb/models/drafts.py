"""What a member has typed into the experience form and not yet saved."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kb.core.dates import utcnow
from kb.extensions import db


class ExperienceDraft(db.Model):
    """The experience form as last typed, field by field (JSON: name -> values).

    A member's draft of a new experience has no experience id, a draft of changes
    to one of theirs names it. A draft sent after the session ended belongs to no
    member yet: its token, kept in the sender's browser, lets them claim it after
    logging in (kb.drafts).
    """

    __tablename__ = "experience_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    experience_id: Mapped[int | None] = mapped_column(
        ForeignKey("experience.id", ondelete="CASCADE")
    )
    token: Mapped[str | None] = mapped_column(String(64), unique=True)
    fields: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow,
                                                 index=True)
