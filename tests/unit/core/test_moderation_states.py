"""The moderation states are one enumeration (kb.core.vocab.ModerationState) whose
values are what the database and the search index hold; Python code and templates
name them through it (or the models' is_* flags), never as string literals."""

import re
from pathlib import Path

from kb.core import vocab
from kb.core.vocab import ModerationState

ROOT = Path(__file__).resolve().parents[3]
STATES = "published|pending|hidden|unconfirmed|deleted"
# A moderation state compared with, assigned or defaulted to a literal.
LITERAL = re.compile(
    rf"moderation_state\W*(?:==|!=|=|\bin\b)\s*[(\[{{]?\s*['\"]({STATES})['\"]"
    rf"|default\s*=\s*['\"]({STATES})['\"]")


def test_the_stored_values_are_unchanged():
    assert [state.value for state in ModerationState] == [
        "published", "pending", "hidden", "unconfirmed", "deleted"]
    assert ModerationState.PUBLISHED == "published" and str(ModerationState.HIDDEN) == "hidden"
    assert f"{ModerationState.PENDING}" == "pending"


def test_every_state_has_a_swedish_label():
    assert set(vocab.MODERATION_STATES) == set(ModerationState)
    assert vocab.label(vocab.MODERATION_STATES, "pending") == "Väntar på granskning"


def test_no_code_or_template_spells_a_state_out():
    sources = [*ROOT.joinpath("kb").rglob("*.py"), *ROOT.joinpath("templates").rglob("*.html")]
    spelled = []
    for path in sources:
        if "migrations" in path.parts or path.name == "vocab.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if LITERAL.search(line):
                spelled.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert spelled == []
