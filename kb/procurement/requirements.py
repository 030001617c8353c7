"""Requirement lists shared from members' procurements: kb's Swedish capabilities
(vocab.CAPABILITIES) marked must ("ska") or should ("bör"), and optionally the
document itself (PDF, DOCX or XLSX, at most MAX_BYTES).

A document is checked by its content, not its name (a PDF starts with "%PDF-"; a
DOCX or XLSX is a zip archive holding word/document.xml or xl/workbook.xml), stored
under the instance folder by a random key (never by the name it came with), and
served as an attachment with a plain file name and nosniff (kb.procurement.views).
The folder is the setting PROCUREMENT_DIR, by default instance/procurement/.

Others compare their needs against a list, and against how each system fares on its
capabilities: the share of organisations that say a capability works well, from the
figures the reader may see (kb.stats, withheld below MIN_ANSWERS).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select

from kb import catalogue, moderation, stats
from kb.access import policy
from kb.access import procurement as access
from kb.access.policy import Audience
from kb.core import text, vocab
from kb.core.errors import Forbidden, Invalid, NotFound
from kb.extensions import db
from kb.models import ProcurementRequirement, User

MAX_BYTES = 5 * 1024 * 1024
TITLE_MAX = 150
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The part a zip archive must hold to be that kind of document.
_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
# Where documents are kept, under the instance folder (unless PROCUREMENT_DIR says).
FOLDER = "procurement"
TOO_LARGE = f"Dokumentet är större än {MAX_BYTES // (1024 * 1024)} MB."
WRONG_TYPE = "Ladda upp en PDF-, Word- (DOCX) eller Excelfil (XLSX)."
NOT_FOUND = "Kravlistan finns inte eller har tagits bort."
REASON_NEEDED = "Skriv varför kravlistan tas bort; det sparas i loggen."
REASON_MAX = 500
# How many systems a comparison shows at most (those with the most organisations).
COMPARED_SYSTEMS = 8


def items_of(requirement: ProcurementRequirement) -> dict[str, str]:
    """Capability -> "must" or "should", in the vocabulary's order."""
    try:
        stored = json.loads(requirement.items or "{}")
    except ValueError:
        stored = {}
    return {key: stored[key] for key in vocab.CAPABILITIES
            if stored.get(key) in vocab.REQUIREMENT_LEVELS}


def document_type(name: str, content: bytes) -> str:
    """"pdf", "docx" or "xlsx" when the name's ending and the content agree; Invalid
    otherwise."""
    ending = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ending not in DOCUMENT_TYPES:
        raise Invalid(WRONG_TYPE, field="document")
    if ending == "pdf":
        if not content.startswith(b"%PDF-"):
            raise Invalid("Filen är inte en PDF.", field="document")
        return ending
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise Invalid(f"Filen är inte en {ending.upper()}-fil.", field="document") from None
    if _MAIN_PART[ending] not in names:
        raise Invalid(f"Filen är inte en {ending.upper()}-fil.", field="document")
    return ending


def safe_name(name: str, kind: str) -> str:
    """A plain file name to offer the document under: ASCII letters, digits, - and _,
    the right ending; "kravlista" when nothing is left."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = unicodedata.normalize("NFKD", text.single_line(stem))
    stem = stem.encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")[:80] or "kravlista"
    return f"{stem}.{kind}"


def _folder() -> Path:
    """Where documents are kept: PROCUREMENT_DIR, by default instance/procurement/."""
    folder = Path(current_app.config.get("PROCUREMENT_DIR")
                  or Path(current_app.instance_path) / FOLDER)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def document_path(requirement: ProcurementRequirement) -> Path | None:
    key = requirement.document_key
    if not key or not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", key) \
            or requirement.document_type not in DOCUMENT_TYPES:
        return None
    path = _folder() / f"{key}.{requirement.document_type}"
    return path if path.is_file() else None


def share(author: User, values: dict, document: tuple[str, bytes] | None,
          ) -> ProcurementRequirement:
    """Share a requirement list: `values` has title, year, visibility and items
    (capability -> level); `document` is (file name, content) or None."""
    title = text.single_line(values.get("title") or "")
    if not title:
        raise Invalid("Ge kravlistan en rubrik.", field="title")
    items = {key: level for key, level in (values.get("items") or {}).items()
             if key in vocab.CAPABILITIES and level in vocab.REQUIREMENT_LEVELS}
    if not items and document is None:
        raise Invalid("Markera minst ett krav, eller ladda upp kravdokumentet.",
                      field="items")
    visibility = values.get("visibility") or "members"
    if visibility not in vocab.REQUIREMENT_VISIBILITIES:
        raise Invalid("Välj ett av alternativen.", field="visibility")
    organisation = author.organisation
    requirement = ProcurementRequirement(
        author_id=author.id, title=title[:TITLE_MAX], year=values.get("year"),
        sector=organisation.sector if organisation else "",
        size_band=organisation.size_band if organisation else "",
        items=json.dumps(items), visibility=visibility)
    written = None
    if document is not None:
        name, content = document
        if len(content) > MAX_BYTES:
            raise Invalid(TOO_LARGE, field="document")
        if not content:
            raise Invalid("Filen är tom.", field="document")
        kind = document_type(name, content)
        key = secrets.token_urlsafe(24)
        written = _folder() / f"{key}.{kind}"
        with open(written, "xb") as out:
            out.write(content)
        requirement.document_key, requirement.document_type = key, kind
        requirement.document_name = safe_name(name, kind)
        requirement.document_size = len(content)
    try:
        db.session.add(requirement)
        db.session.commit()
    except Exception:
        if written is not None:
            written.unlink(missing_ok=True)
        raise
    return requirement


def readable(audience: Audience, requirement_id: int) -> ProcurementRequirement:
    requirement = db.session.get(ProcurementRequirement, requirement_id)
    if requirement is None or not access.may_read_requirement(audience, requirement):
        raise NotFound(NOT_FOUND)
    return requirement


def listed(audience: Audience) -> list[ProcurementRequirement]:
    """The lists the audience may read, newest first."""
    query = select(ProcurementRequirement).where(
        ProcurementRequirement.visibility.in_(access.readable_requirement_visibilities(audience)))
    if audience.is_member:
        query = select(ProcurementRequirement).where(or_(
            ProcurementRequirement.visibility.in_(
                access.readable_requirement_visibilities(audience)),
            ProcurementRequirement.author_id == audience.member_id))
    return list(db.session.scalars(query.order_by(ProcurementRequirement.created_at.desc(),
                                                  ProcurementRequirement.id.desc())))


def own(audience: Audience) -> list[ProcurementRequirement]:
    if not audience.is_member:
        return []
    return list(db.session.scalars(select(ProcurementRequirement).where(
        ProcurementRequirement.author_id == audience.member_id)
        .order_by(ProcurementRequirement.id.desc())))


def documents_of(author_id: int) -> list[Path]:
    """The stored documents of a member's lists (to discard when the account goes)."""
    found = db.session.scalars(select(ProcurementRequirement).where(
        ProcurementRequirement.author_id == author_id,
        ProcurementRequirement.document_key.is_not(None)))
    return [path for r in found if (path := document_path(r)) is not None]


def discard_documents(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            os.unlink(path)


def may_remove(audience: Audience, requirement: ProcurementRequirement) -> bool:
    return access.may_remove_requirement(audience, requirement)


def must_give_reason(audience: Audience, requirement: ProcurementRequirement) -> bool:
    return access.must_give_reason_to_remove(audience, requirement)


def remove(audience: Audience, requirement_id: int, actor: User | None = None,
           reason: str = "") -> None:
    """Remove a list and its document: its author, or a moderator who says why (the
    audit log keeps the reason and the list's title; `actor` is the moderator)."""
    requirement = readable(audience, requirement_id)
    if not access.may_remove_requirement(audience, requirement):
        raise Forbidden("Bara den som delade kravlistan, eller en moderator, kan ta bort den.")
    if access.must_give_reason_to_remove(audience, requirement):
        reason = text.single_line(reason or "")
        if not reason:
            raise Invalid(REASON_NEEDED, field="reason")
        moderation.audit_log(actor, "requirement.remove", requirement,
                             f"{reason[:REASON_MAX]} (kravlistan ”{requirement.title}”)")
    path = document_path(requirement)
    db.session.delete(requirement)
    db.session.commit()
    if path is not None:
        with contextlib.suppress(OSError):
            os.unlink(path)


@dataclass(frozen=True)
class Fit:
    """How one system fares on one capability: organisations saying it works well."""

    percent: float | None  # None: fewer than MIN_ANSWERS answered
    n: int

    @property
    def text(self) -> str:
        if self.percent is None:
            return f"färre än {stats.MIN_ANSWERS} svar"
        return f"{round(self.percent)} % fungerar bra (n={self.n})"


@dataclass
class Comparison:
    """A requirement list beside the reader's own (when chosen) and the systems."""

    items: dict[str, str]  # capability -> level of the list
    mine: dict[str, str] | None  # capability -> level of the reader's own list
    systems: list  # PayrollSystem, most organisations first
    fits: dict[tuple[int, str], Fit]  # (system id, capability) -> Fit

    @property
    def rows(self) -> list[tuple[str, str, str | None, list[Fit]]]:
        """(capability, its label, the reader's level, the systems' fits), must first."""
        order = list(vocab.CAPABILITIES)
        keys = sorted(set(self.items) | set(self.mine or {}),
                      key=lambda k: (self.items.get(k) != "must", order.index(k)))
        return [(key, vocab.CAPABILITIES[key], (self.mine or {}).get(key),
                 [self.fits[(system.id, key)] for system in self.systems]) for key in keys]

    def level(self, key: str) -> str | None:
        return self.items.get(key)


def compare(audience: Audience, requirement: ProcurementRequirement,
            mine: ProcurementRequirement | None = None,
            filters: stats.Filters | None = None) -> Comparison:
    """The list against the reader's own list (one of theirs) and against how the
    systems with the most organisations fare on its capabilities."""
    systems = catalogue.listed_systems()
    profiles = stats.profiles(systems, policy.counted(audience), filters or stats.Filters())
    ranked = sorted((p for p in profiles if p.n), key=lambda p: (-p.n, p.system.name.lower()))
    chosen = ranked[:COMPARED_SYSTEMS]
    by_id = {s.id: s for s in systems}
    fits = {}
    for profile in chosen:
        for key in vocab.CAPABILITIES:
            shares = profile.capabilities[key]
            fits[(profile.system.id, key)] = Fit(
                shares.percent("good") if shares.enough else None, shares.n)
    return Comparison(items_of(requirement), items_of(mine) if mine is not None else None,
                      [by_id[p.system.id] for p in chosen], fits)
