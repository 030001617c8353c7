"""A network's own survey brought into kb (see docs/survey.md).

A leader uploads a sheet (kb.survey.reading), kb guesses which column is which
(kb.survey.columns) and the leader corrects it (kb.survey.mapping); the preview
(kb.survey.preview) shows every row with what it becomes and what is wrong, and
confirming writes the rows as the network's survey answers (kb.survey.importing).
A member of a listed organisation can take its answer over (kb.survey.claiming).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select

from kb import networks
from kb.errors import Conflict, Invalid, NotFound
from kb.extensions import db
from kb.models import Network, SurveyImport, User
from kb.survey import preview as previews
from kb.survey.claiming import claim, claimable
from kb.survey.importing import VISIBILITIES, confirm, outcome
from kb.survey.mapping import Mapping
from kb.survey.matching import Catalogue
from kb.survey.reading import MAX_BYTES, MAX_ROWS, Sheet, SheetError, read

NOT_FOUND = "Uppladdningen finns inte."


@dataclass
class Opened:
    """An upload with its sheet, the leader's mapping and the preview under it."""

    upload: SurveyImport
    sheet: Sheet
    mapping: Mapping
    preview: previews.Preview


def upload(network: Network, leader: User, filename: str, content: bytes) -> SurveyImport:
    """Keep an uploaded sheet (after reading it once: a file that cannot be read is
    refused with the reason) with kb's guess of its columns."""
    networks.require_leader(network, leader)
    networks.require_open(network)
    try:
        sheet = read(content, filename)
    except SheetError as error:
        raise Invalid(str(error), field="file") from error
    if not sheet.rows:
        raise Invalid("Filen har en rubrikrad men inga rader med svar.", field="file")
    found = SurveyImport(network_id=network.id, uploaded_by_id=leader.id,
                         filename=(filename or "enkat")[:255], content=content,
                         sha256=hashlib.sha256(content).hexdigest(),
                         mapping=Mapping.guessed(sheet, network.kind).to_json())
    db.session.add(found)
    db.session.commit()
    return found


def opened(network: Network, leader: User, import_id: int,
           mapping: Mapping | None = None) -> Opened:
    """An upload of this network, read again, with its stored mapping (or `mapping`)."""
    networks.require_leader(network, leader)
    found = db.session.get(SurveyImport, import_id)
    if found is None or found.network_id != network.id:
        raise NotFound(NOT_FOUND)
    try:
        sheet = read(found.content, found.filename)
    except SheetError as error:  # read on arrival; only a lowered limit gets here
        raise Conflict(str(error)) from error
    mapping = mapping or Mapping.from_json(found.mapping, sheet, network.kind)
    return Opened(found, sheet, mapping, previews.build(sheet, mapping, network, found.sha256,
                                                        Catalogue()))


def remap(opened_upload: Opened, mapping: Mapping) -> Opened:
    """Keep the leader's corrected mapping and preview under it."""
    upload_row = opened_upload.upload
    upload_row.mapping = mapping.to_json()
    db.session.commit()
    return Opened(upload_row, opened_upload.sheet, mapping,
                  previews.build(opened_upload.sheet, mapping, upload_row.network,
                                 upload_row.sha256, Catalogue()))


def imports_of(network: Network, limit: int = 20) -> list[SurveyImport]:
    return list(db.session.scalars(
        select(SurveyImport).where(SurveyImport.network_id == network.id)
        .order_by(SurveyImport.created_at.desc(), SurveyImport.id.desc()).limit(limit)))


__all__ = ["MAX_BYTES", "MAX_ROWS", "VISIBILITIES", "Mapping", "Opened", "SheetError", "claim",
           "claimable", "outcome", "confirm", "imports_of", "opened", "remap", "upload"]
