"""The list of addresses a leader pastes to invite people: one a line, or separated by
semicolons or commas, as Outlook, Gmail and Excel copy them:

    Anna Svensson <anna@boras.se>; erik@kungalv.se
    "Svensson, Anna" <anna@boras.se>, 'Erik Ek' <erik@kungalv.se>
    mailto:eva@molndal.se

Each entry is an address, optionally with a name; what cannot be read as one is given
back as typed (trimmed), so the leader sees what to correct. An address is checked by
its syntax only (email_validator, as the registration form does) and kept in lower
case, as kb stores addresses. A name is kept on one line, without control characters,
quotes or angle brackets (and dropped when it holds an address): it is shown on the
members page and greets the invited person in the mail body, never in a header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

from kb.core import text

# Separators between entries, outside quotes and angle brackets.
SEPARATORS = frozenset(";,\n\r")
ADDRESS_MAX_LENGTH = 254  # RFC 5321, as the registration form
NAME_MAX_LENGTH = 120

_NAMED = re.compile(r"^(?P<name>[^<>]*)<(?P<address>[^<>]*)>$")
_QUOTES = "\"'“”‘’«»"


@dataclass(frozen=True)
class Address:
    email: str
    name: str = ""

    @property
    def shown(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


@dataclass
class Parsed:
    """What a pasted list holds: the addresses in the order typed (each once), the
    entries that are no address (as typed), and the addresses typed more than once."""

    addresses: list[Address] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)
    typed: int = 0  # every entry, readable or not, repeated or not (the limit per form)


def entries(pasted: str) -> list[str]:
    """The entries of a pasted list, split at line breaks, semicolons and commas that
    are not inside a quoted name or an address's angle brackets; empty ones dropped."""
    found, current = [], []
    quote, angle = None, False
    for char in pasted or "":
        if quote is not None:
            if char == quote:
                quote = None
        elif char == '"':
            quote = char
        elif char == "<":
            angle = True
        elif char == ">":
            angle = False
        elif char in SEPARATORS and not angle:
            found.append("".join(current))
            current = []
            continue
        if char in "\r\n":  # a line break ends an unclosed quote or bracket too
            quote, angle = None, False
            found.append("".join(current))
            current = []
            continue
        current.append(char)
    found.append("".join(current))
    return [entry for entry in (text.single_line(e) for e in found) if entry]


def address(entry: str) -> Address | None:
    """One entry as an address with its name, or None when it is none."""
    name, raw = "", entry.strip()
    named = _NAMED.match(raw)
    if named is not None:
        name, raw = named.group("name"), named.group("address")
    raw = raw.strip().strip(_QUOTES).strip()
    if raw.lower().startswith("mailto:"):
        raw = raw[len("mailto:"):]
    if not raw or len(raw) > ADDRESS_MAX_LENGTH or any(c.isspace() for c in raw):
        return None
    try:
        checked = validate_email(raw, check_deliverability=False)
    except EmailNotValidError:
        return None
    return Address(email=checked.normalized.lower(), name=_name(name))


def _name(typed: str) -> str:
    cleaned = text.single_line(typed).strip().strip(_QUOTES).strip()
    cleaned = "".join(c for c in cleaned if c not in "<>\"")
    if "@" in cleaned:  # an address where a name goes ('anna@boras.se' <anna@boras.se>)
        return ""
    return cleaned[:NAME_MAX_LENGTH].strip()


def parse(pasted: str) -> Parsed:
    """The addresses, unreadable entries and repeated addresses of a pasted list."""
    parsed, seen = Parsed(), set()
    for entry in entries(pasted):
        parsed.typed += 1
        found = address(entry)
        if found is None:
            parsed.invalid.append(entry)
        elif found.email in seen:
            if found.email not in parsed.repeated:
                parsed.repeated.append(found.email)
        else:
            seen.add(found.email)
            parsed.addresses.append(found)
    return parsed
