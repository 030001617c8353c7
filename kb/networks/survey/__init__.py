"""A network's own survey brought into kb (see docs/survey.md).

A leader uploads a sheet (kb.survey.reading; .xlsx through kb.survey.workbook), kb
guesses which column is which (kb.survey.columns) and the leader corrects it
(kb.survey.mapping); the preview (kb.survey.preview) shows every row with what it
becomes and what is wrong, and confirming writes the rows as the network's survey
answers, shared with the network (kb.survey.importing). Sharing them beyond it waits
for a moderator (kb.survey.review). A network uploads and confirms a few sheets a day
(kb.survey.limits). A member of a listed organisation can take its answer over
(kb.survey.claiming).

The file is read once, on upload, and its rows kept with it (kb.survey.sheets): the
review page, the mapping and the confirmation work from the kept rows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select

from kb.core.errors import Conflict, Invalid, NotFound
from kb.extensions import db
from kb.models import Network, SurveyImport, User
from kb.networks import memberships as networks
from kb.networks.survey import limits
from kb.networks.survey import preview as previews
from kb.networks.survey.claiming import ClaimCheck, claim, claimable
from kb.networks.survey.claiming import check as claim_check
from kb.networks.survey.importing import NEEDS_CONFIRMED, VISIBILITIES, confirm, outcome
from kb.networks.survey.limits import (
    CONFIRMATIONS_PER_DAY,
    UPLOADS_PER_DAY,
    DailyLimit,
    uploads_left,
)
from kb.networks.survey.mapping import Mapping
from kb.networks.survey.matching import Catalogue
from kb.networks.survey.reading import read
from kb.networks.survey.review import REVIEWED
from kb.networks.survey.review import STATES as REVIEW_STATES
from kb.networks.survey.sheets import MAX_BYTES, MAX_ROWS, Sheet, SheetError

NOT_FOUND = "Uppladdningen finns inte."


@dataclass
class Opened:
    """An upload with its sheet, the leader's mapping and the preview under it."""

    upload: SurveyImport
    sheet: Sheet
    mapping: Mapping
    preview: previews.Preview


def upload(network: Network, leader: User, filename: str, content: bytes) -> SurveyImport:
    """Keep an uploaded sheet with the rows read from it and kb's guess of its columns
    (it is read here, once: a file that cannot be read is refused with the reason)."""
    networks.require_leader(network, leader)
    networks.require_open(network)
    limits.require_upload(network)
    try:
        sheet = read(content, filename)
    except SheetError as error:
        raise Invalid(str(error), field="file") from error
    if not sheet.rows:
        raise Invalid("Filen har en rubrikrad men inga rader med svar.", field="file")
    found = SurveyImport(network_id=network.id, uploaded_by_id=leader.id,
                         filename=(filename or "enkat")[:255], content=content,
                         sha256=hashlib.sha256(content).hexdigest(), sheet=sheet.to_json(),
                         mapping=Mapping.guessed(sheet, network.kind).to_json())
    db.session.add(found)
    db.session.commit()
    return found


def opened(network: Network, leader: User, import_id: int,
           mapping: Mapping | None = None) -> Opened:
    """An upload of this network with its kept rows and its stored mapping (or
    `mapping`)."""
    networks.require_leader(network, leader)
    found = db.session.get(SurveyImport, import_id)
    if found is None or found.network_id != network.id:
        raise NotFound(NOT_FOUND)
    sheet = Sheet.from_json(found.sheet) or _read_once(found)
    mapping = mapping or Mapping.from_json(found.mapping, sheet, network.kind)
    return Opened(found, sheet, mapping, previews.build(sheet, mapping, network, found.sha256,
                                                        Catalogue(network_id=network.id)))


def _read_once(found: SurveyImport) -> Sheet:
    """The rows of an upload from before rows were kept: read from its file this once,
    and kept from now on."""
    try:
        sheet = read(found.content, found.filename)
    except SheetError as error:  # read on arrival; only a lowered limit gets here
        raise Conflict(str(error)) from error
    found.sheet = sheet.to_json()
    db.session.commit()
    return sheet


def remap(opened_upload: Opened, mapping: Mapping) -> Opened:
    """Keep the leader's corrected mapping and preview under it (not while a moderator
    has the network closed)."""
    upload_row = opened_upload.upload
    networks.require_open(upload_row.network)
    upload_row.mapping = mapping.to_json()
    db.session.commit()
    return Opened(upload_row, opened_upload.sheet, mapping,
                  previews.build(opened_upload.sheet, mapping, upload_row.network,
                                 upload_row.sha256,
                                 Catalogue(network_id=upload_row.network_id)))


def imports_of(network: Network, limit: int = 20) -> list[SurveyImport]:
    return list(db.session.scalars(
        select(SurveyImport).where(SurveyImport.network_id == network.id)
        .order_by(SurveyImport.created_at.desc(), SurveyImport.id.desc()).limit(limit)))


__all__ = ["CONFIRMATIONS_PER_DAY", "MAX_BYTES", "MAX_ROWS", "NEEDS_CONFIRMED", "REVIEWED",
           "REVIEW_STATES", "UPLOADS_PER_DAY", "VISIBILITIES", "ClaimCheck", "DailyLimit",
           "Mapping", "Opened", "SheetError", "claim", "claim_check", "claimable", "outcome",
           "confirm", "imports_of", "opened", "remap", "upload", "uploads_left"]
