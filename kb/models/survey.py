"""A network's own survey brought into kb: the uploaded sheets and the answers they wrote.

A leader's upload is kept in the database from the moment it arrives (the bytes, not a
temporary file), so the mapping and the preview can be worked on over several requests
and nothing the leader submitted is lost. The file is read once, on arrival: its rows
are kept beside it (`sheet`, JSON), and every later step works from them. Each
organisation of a network has one SurveyAnswer: its identity across sheets, pointing at
the experience that holds its current answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.core.dates import utcnow
from kb.extensions import db

if TYPE_CHECKING:
    from kb.models.experiences import Experience
    from kb.models.members import User
    from kb.models.networks import Network


class SurveyImport(db.Model):
    """One uploaded sheet: the file, who brought it and when, how it is mapped, and what
    confirming it wrote."""

    __tablename__ = "survey_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"),
                                            index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    # The file as uploaded (up to 5 MB: loaded only when asked for).
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    # The rows read from it on arrival (kb.networks.survey.sheets.Sheet as JSON); empty
    # for an upload from before they were kept, until it is next opened.
    sheet: Mapped[str | None] = mapped_column(Text, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64))
    # The leader's mapping of columns, scale, defaults and unknown systems (JSON).
    mapping: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # A confirmation holds the upload from this moment while it writes, so that one of
    # several racing confirmations writes (kb.networks.survey.importing).
    confirming_since: Mapped[datetime | None] = mapped_column(DateTime)
    imported_at: Mapped[datetime | None] = mapped_column(DateTime)
    imported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    # Who the leader chose to share the answers with. The answers are written shared
    # with the network only, whatever the choice; "members" or "public" waits for a
    # moderator (review_state "pending") and widens them when approved.
    visibility: Mapped[str | None] = mapped_column(String(10))
    # None: no review needed (not confirmed, or for the network only); "pending",
    # "approved", "declined", or "superseded" (a later import took every answer over).
    review_state: Mapped[str | None] = mapped_column(String(10), index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The moderator's reason, shown to the network's leaders.
    review_note: Mapped[str | None] = mapped_column(Text)
    # What confirming wrote: answers new, changed, unchanged, and rows left out.
    rows_created: Mapped[int] = mapped_column(Integer, default=0)
    rows_updated: Mapped[int] = mapped_column(Integer, default=0)
    rows_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rows_skipped: Mapped[int] = mapped_column(Integer, default=0)

    network: Mapped[Network] = relationship()
    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])
    imported_by: Mapped[User | None] = relationship(foreign_keys=[imported_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    @property
    def is_imported(self) -> bool:
        return self.imported_at is not None


class SurveyAnswer(db.Model):
    """One organisation's answer in a network's survey, the same across every sheet."""

    __tablename__ = "survey_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"))
    # The organisation's name as the sheets write it, compared without case and punctuation.
    organisation_key: Mapped[str] = mapped_column(String(200))
    organisation_name: Mapped[str] = mapped_column(String(200))
    experience_id: Mapped[int | None] = mapped_column(
        ForeignKey("experience.id", ondelete="SET NULL"), index=True)
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_import.id", ondelete="SET NULL"))
    # A member of the organisation made the answer their own experience: later sheets
    # leave it alone.
    claimed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    experience: Mapped[Experience | None] = relationship()

    __table_args__ = (
        UniqueConstraint("network_id", "organisation_key", name="uq_survey_answer_organisation"),
    )

    @property
    def is_claimed(self) -> bool:
        return self.claimed_at is not None
