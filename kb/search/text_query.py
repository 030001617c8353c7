"""The user's words as a Whoosh query: parsing, compound expansion and the
words a forgiving search may leave out.

Whoosh's MultifieldParser turns each word into an OR over the searched fields
(the stem in title and body, compound parts in `parts`, the word itself in the
name fields), and the words into an AND. Two things are added here:

- A compound word is searched as its whole and, with falling weights, as its
  longer runs of parts: `semesterersättningsrapport` also finds
  `ersättningsrapporten` and `rapporten om semesterersättningen`. With
  `parts_alone` (asked for when that finds nothing) its single parts too, two
  of them at least, the head (last) part weighing most: texts with `rapport`
  and `semester` apart.
  Single parts only then, because they flood the results otherwise
  (`sammalöneregeln` is not about every text with `lön` or `regel`).
- An abbreviation of the trade also searches what it stands for, and the other
  way round (kb.search.abbreviations): `ATF` finds `arbetstidsförkortningen`.
- `words(query)`: the top-level required words, for the search that accepts
  documents with most of them when all of them find (almost) nothing.
"""

from __future__ import annotations

import re

from whoosh import qparser
from whoosh import query as wq

from kb.search import abbreviations
from kb.search.analysis import compound_parts, word_key
from kb.search.schema import QUERY_FIELDS

MAX_QUERY_WORDS = 24
STEM_FIELDS = ("title", "body")
PARTS_FIELD = "parts"
# Weights of a compound's pieces, relative to the whole word in the text (1.0,
# the body's weight): the whole inside a longer compound, a run of parts by its
# share of the parts (the head's runs more), single parts least, the head part
# (the last: `rapport` of `semesterersättningsrapport`) above the others.
WHOLE_INSIDE_WEIGHT = 0.9
RUN_WEIGHT = 0.6
HEAD_RUN_BONUS = 0.1
HEAD_WEIGHT = 0.3
MODIFIER_WEIGHT = 0.15
# What an abbreviation stands for (or a long form's abbreviation), against the
# typed word.
ABBREVIATION_WEIGHT = 0.8


def make_parser(schema) -> qparser.QueryParser:
    """Words, "phrases", AND/OR/NOT and parentheses; no wildcards, no fields, no ranges."""
    parser = qparser.MultifieldParser(list(QUERY_FIELDS), schema, fieldboosts=QUERY_FIELDS,
                                      group=qparser.AndGroup)
    for plugin in (qparser.WildcardPlugin, qparser.FieldsPlugin, qparser.RangePlugin,
                   qparser.BoostPlugin):
        parser.remove_plugin_class(plugin)
    return parser


def _clean_query_text(q: str) -> str:
    """Drop stray wildcard characters and cap the number of words."""
    q = q.replace("*", " ").replace("?", " ")
    if q.count('"') % 2:
        q = q.replace('"', " ")
    words = q.split()
    return " ".join(words[:MAX_QUERY_WORDS])


def parse_text_query(schema, q: str, parts_alone: bool = False):
    """The user's words as a Whoosh query, or None when nothing searchable is left
    (only stop words or symbols). `parts_alone`: compounds match their single
    parts too."""
    text = _clean_query_text(q)
    if not text:
        return None
    try:
        parsed = _parse(schema, text, parts_alone)
    except Exception:  # e.g. "NOT NOT lön" breaks Whoosh's parser: search the plain words
        parsed = _parse(schema, re.sub(r"[^\w\s]", " ", text).lower(), parts_alone)
    return None if parsed is None or parsed is wq.NullQuery else parsed


def has_compound(schema, q: str) -> bool:
    """Whether a word of the query is a compound (so `parts_alone` adds something)."""
    parsed = parse_text_query(schema, q)
    return parsed is not None and _any_compound(parsed)


def _any_compound(q) -> bool:
    if _is_word_group(q):
        return len(compound_parts(_word_stem(q))) >= 2
    return any(_any_compound(child) for child in q.children())


def _parse(schema, text: str, parts_alone: bool):
    parser = make_parser(schema)
    parsed = parser.parse(text)
    if parsed is None:
        return None
    return _dedupe(_expand(parsed.normalize(), parts_alone, parser)).normalize()


def _dedupe(q):
    """Repeated words of one AND or OR group count once (`lön lön lön …` is
    `lön`): each copy would be matched and scored again."""
    if isinstance(q, (wq.And, wq.Or)):
        unique = list(dict.fromkeys(_dedupe(sub) for sub in q.subqueries))
        if len(unique) == 1:
            return unique[0]
        if len(unique) < len(q.subqueries) or any(
                a is not b for a, b in zip(unique, q.subqueries, strict=True)):
            copy = q.copy()
            copy.subqueries = unique
            return copy
    return q


# Compounds ---------------------------------------------------------------------------


def _word_stem(group) -> str | None:
    """The stem of the one word a field group stands for (its body term)."""
    for sub in group.subqueries:
        if isinstance(sub, wq.Term) and sub.fieldname == "body":
            return sub.text
    return None


def _is_word_group(q) -> bool:
    """One typed word over the fields: an OR of terms (a compound's parts as a
    phrase in `parts`), not a quoted phrase."""
    return isinstance(q, wq.Or) and _word_stem(q) is not None and all(
        isinstance(sub, wq.Term) or (isinstance(sub, wq.Phrase) and sub.fieldname == PARTS_FIELD)
        for sub in q.subqueries)


def _expand(q, parts_alone: bool, parser=None):
    if _is_word_group(q):
        expanded = _expand_compound(q, parts_alone)
        other = _other_form(q, parser) if parser is not None else None
        if other is None:
            return expanded
        return wq.Or([expanded, _expand(other, parts_alone)], boost=q.boost)
    if parser is not None and isinstance(q, wq.Or):
        short = _abbreviation_of_phrase(q)
        if short is not None:
            other = parser.parse(short).normalize()
            if other is not None and other is not wq.NullQuery:
                other = other.copy()
                other.boost = ABBREVIATION_WEIGHT
                return wq.Or([q, other], boost=q.boost)
    if q.is_leaf():
        return q
    return q.apply(lambda sub: _expand(sub, parts_alone, parser))


# Abbreviations --------------------------------------------------------------------------

_back: dict[str, str] | None = None
_back_phrases: dict[tuple[str, ...], str] | None = None


def _abbreviation_of_phrase(q) -> str | None:
    """The abbreviation of a quoted long form (`"obekväm arbetstid"` -> `OB`)."""
    global _back_phrases
    words = next((tuple(sub.words) for sub in q.subqueries
                  if isinstance(sub, wq.Phrase) and sub.fieldname == "body"), None)
    if words is None:
        return None
    if _back_phrases is None:
        from kb.search.analysis import highlight_keys

        _back_phrases = {}
        for short, long in abbreviations.ABBREVIATIONS.items():
            if " " in long:
                keys = tuple(k for k in (highlight_keys(w)[0] for w in long.split()) if k)
                _back_phrases[keys] = short
    return _back_phrases.get(words)


def _other_form(group, parser):
    """The abbreviation's long form, or the long form's abbreviation, as a query
    (kb.search.abbreviations), weighted ABBREVIATION_WEIGHT; None without one."""
    global _back
    typed = next((sub.text for sub in group.subqueries
                  if isinstance(sub, wq.Term) and sub.fieldname == "system_names"), None)
    if typed is None:
        return None
    other = abbreviations.long_form(typed)
    if other is None:
        if _back is None:
            _back = {word_key(long.lower()): short
                     for short, long in abbreviations.ABBREVIATIONS.items() if " " not in long}
        other = _back.get(_word_stem(group))
    if other is None:
        return None
    parsed = parser.parse(f'"{other}"' if " " in other else other).normalize()
    if parsed is None or parsed is wq.NullQuery:
        return None
    parsed = parsed.copy()
    parsed.boost = ABBREVIATION_WEIGHT
    return parsed


def _expand_compound(group, parts_alone: bool):
    key = _word_stem(group)
    parts = compound_parts(key)
    if len(parts) < 2:
        return group
    n = len(parts)
    pieces = []
    for sub in group.subqueries:
        if sub.fieldname == PARTS_FIELD:
            sub = sub.copy()
            sub.boost = WHOLE_INSIDE_WEIGHT
        pieces.append(sub)
    for length in range(n - 1, 1, -1):
        for start in range(n - length + 1):
            run = parts[start:start + length]
            weight = RUN_WEIGHT * length / n + (HEAD_RUN_BONUS if start + length == n else 0)
            pieces.append(wq.Phrase(PARTS_FIELD, list(run), boost=weight))
    if parts_alone:
        # Two of its parts at least, each anywhere in the text: `semesterrapportmallen`
        # finds `rapporten om semestern`, `vinbär` does not find every `tranbär`.
        singles = []
        for part in dict.fromkeys(parts):
            weight = HEAD_WEIGHT if part == parts[-1] else MODIFIER_WEIGHT
            singles.append(wq.Or([wq.Term(PARTS_FIELD, part, boost=weight)] + [
                wq.Term(fieldname, part, boost=QUERY_FIELDS[fieldname] * weight)
                for fieldname in STEM_FIELDS]))
        pieces.extend(wq.And([a, b]) for i, a in enumerate(singles) for b in singles[i + 1:])
    return wq.Or(pieces, boost=group.boost)


# Forgiving ------------------------------------------------------------------------------


def words(q) -> tuple[list, list]:
    """The query's required words (top-level AND members that are not NOT) and
    the rest that must hold however many words match (its NOTs)."""
    if isinstance(q, wq.And):
        required = [sub for sub in q.subqueries if not isinstance(sub, wq.Not)]
        kept = [sub for sub in q.subqueries if isinstance(sub, wq.Not)]
        return required, kept
    if isinstance(q, wq.AndNot):
        required, kept = words(q.a)
        return required, [*kept, wq.Not(q.b)]
    if isinstance(q, wq.AndMaybe):  # the optional words (kb.search.judgements) are not required
        return words(q.a)
    return [q], []
