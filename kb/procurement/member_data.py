"""What procurement holds about one member, for the member's own data export
(kb.accounts.privacy): being open to procuring together, messages sent and received,
shared requirement lists. (The contract facts are columns of the member's experiences.)"""

from __future__ import annotations

from sqlalchemy import or_, select

from kb.extensions import db
from kb.models import ProcurementMessage, ProcurementOpening, ProcurementRequirement


def _iso(value):
    return value.isoformat() if value is not None else None


def member_data(user_id: int) -> dict:
    opening = db.session.scalars(select(ProcurementOpening).where(
        ProcurementOpening.user_id == user_id)).first()
    messages = db.session.scalars(select(ProcurementMessage).where(
        or_(ProcurementMessage.sender_id == user_id,
            ProcurementMessage.recipient_id == user_id)).order_by(ProcurementMessage.id))
    requirements = db.session.scalars(select(ProcurementRequirement).where(
        ProcurementRequirement.author_id == user_id).order_by(ProcurementRequirement.id))
    return {
        "open_to_joint_procurement": None if opening is None else {
            "experience_id": opening.experience_id, "year_from": opening.year_from,
            "year_to": opening.year_to, "region": opening.region,
            "show_organisation": opening.show_organisation,
        },
        "messages": [
            {"sent": m.sender_id == user_id, "body": m.body, "created_at": _iso(m.created_at),
             "reply": m.reply_body, "replied_at": _iso(m.replied_at)}
            for m in messages
        ],
        "requirement_lists": [
            {"title": r.title, "year": r.year, "items": r.items, "visibility": r.visibility,
             "document": r.document_name or None, "created_at": _iso(r.created_at)}
            for r in requirements
        ],
    }
