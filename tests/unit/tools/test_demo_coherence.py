"""The demo experiences tell coherent stories: texts agree with the rating, switch
reasons fit the systems named, the time and the sector, and the Swedish is grammatical.

Most checks read the generated texts against the data files, independently of the
generator's own bookkeeping; the tone check also follows the writer's trace of which
pool every piece came from.
"""

import re
from collections import Counter

import pytest

from kb.tools import demo
from kb.tools.demo.datafiles import texts
from kb.tools.demo.generator import Generator
from kb.tools.demo.pools import TONES, fits
from kb.tools.demo.profiles import PROFILES, RATING_KEYS
from kb.tools.demo.switches import pair_fits, system_facts

TEXT_FIELDS = ("title", "pros", "cons", "tips", "body", "switch_reason")
CATALOGUE = demo.catalogue()
SLUG_BY_ID = {i: entry["slug"] for i, entry in enumerate(CATALOGUE, start=1)}
NAMES = {entry["slug"]: entry["name"] for entry in CATALOGUE}
KINDS = {entry["slug"]: set(entry["deployment_kinds"].split()) for entry in CATALOGUE}
CAPABILITY_KEYS = ["agi", "semester", "kollektivavtal", "pension", "paxml", "sie", "bankid",
                   "payslips", "selfservice"]
PUBLIC = {"kommun", "region", "statlig", "kommunalt_bolag"}


def _traced(count: int, seed: int) -> list[tuple[dict, list[tuple[str, str, str]]]]:
    generator = Generator(seed, {entry["slug"]: i for i, entry in enumerate(CATALOGUE, 1)},
                          {})
    found = []
    for _ in range(count):
        generator.writer.trace = []
        row = generator.row()
        found.append((row, generator.writer.trace))
    return found


@pytest.fixture(scope="module")
def traced():
    return _traced(3000, seed=5)


@pytest.fixture(scope="module")
def rows(traced):
    return [row for row, _trace in traced]


def _text(row: dict) -> str:
    return "\n".join(row[field] for field in TEXT_FIELDS)


def _pattern(template: str) -> re.Pattern:
    """A sentence template of data/ as a regular expression: placeholders match
    anything."""
    parts = re.split(r"\{[^}]+\}", template)
    return re.compile(".+?".join(re.escape(part) for part in parts), re.IGNORECASE)


def _templates(tones: set[str]) -> list[str]:
    data = texts()
    pools = [*data.pools.values(), data.pros, data.cons, *data.titles.values()]
    # Templates that are mostly placeholders ("{Good_short} och {good_short2}") would
    # match anything; the tone of those is checked through the trace.
    return [entry.text for pool in pools for entry in pool.entries if entry.tone in tones
            and len(re.sub(r"\{[^}]+\}", "", entry.text).split()) >= 3]


# --------------------------------------------------------------------------- tone


def test_every_piece_of_text_has_a_tone_that_fits_the_rating(traced):
    pieces = Counter()
    for row, trace in traced:
        assert trace, "the writer noted nothing"
        for field, pool, tone in trace:
            assert tone in TONES, (pool, tone)
            assert fits(tone, row["satisfaction"]), (row["satisfaction"], field, pool, tone)
            pieces[tone] += 1
    # Every tone is used somewhere: the rule is not met by never writing one.
    assert set(pieces) == set(TONES)


def test_the_dissatisfied_body_dwells_on_what_fails_the_satisfied_on_what_works(traced):
    for row, trace in traced:
        body_topics = [tone for field, pool, tone in trace
                       if field == "body" and pool.startswith("topics.json")]
        if row["satisfaction"] <= 2:
            assert "positive" not in body_topics
        if row["satisfaction"] == 5:
            assert "negative" not in body_topics


def test_no_praise_on_a_low_rating_and_no_complaint_on_a_high_one(rows):
    """Independent of the trace: the texts themselves, read against data/'s pools."""
    praise = [_pattern(t) for t in _templates({"praise"})]
    complaints = [_pattern(t) for t in _templates({"complaint"})]
    lows = [row for row in rows if row["satisfaction"] <= 2]
    highs = [row for row in rows if row["satisfaction"] == 5]
    assert len(lows) > 300 and len(highs) > 150
    for row in lows:
        text = _text(row)
        hits = [p.pattern for p in praise if p.search(text)]
        assert not hits, (row["satisfaction"], row["title"], hits)
        assert not re.search(r"\b(Glädjande nog|Utan tvekan|Helt klart)\b", text), text
    for row in highs:
        text = _text(row)
        hits = [p.pattern for p in complaints if p.search(text)]
        assert not hits, (row["satisfaction"], row["title"], hits)
        assert not re.search(r"\b(Alltför ofta|Trots flera ärenden hos supporten)\b", text)


def test_every_rating_has_texts_for_every_kind_of_row():
    """No pool runs dry: each satisfaction of each kind of row has something to draw."""
    from kb.tools.demo.pools import row_flags

    data = texts()
    for satisfaction in range(1, 6):
        for status in ("current", "former", "evaluating"):
            for switched in (False, True):
                for considering in (False, True):
                    flags = row_flags(status, switched, considering)
                    for pool in (*data.titles.values(), *data.pools.values(), data.pros,
                                 data.cons, data.tips):
                        assert pool.candidates(satisfaction, flags), (pool.name, satisfaction,
                                                                       sorted(flags))


def test_closings_do_not_contradict_the_rest_of_the_row(rows):
    for row in rows:
        text = _text(row)
        if row["considering_switch_to_id"] is not None:
            assert "inga planer på att byta" not in text
            assert "skulle välja" not in text
        if row["switched_from_id"] is None:
            assert "byta tillbaka" not in text
            assert "Efter bytet till" not in text and "Till skillnad från" not in text


# --------------------------------------------------------------------------- switches


def _switches(rows):
    return [row for row in rows if row["switched_from_id"] is not None]


def test_every_switch_reason_fits_the_pair_of_systems(rows):
    data = texts().switch_reasons
    facts = system_facts(CATALOGUE)
    reasons = [(item, _pattern(item["text"])) for item in data["reasons"]]
    used = Counter()
    for row in _switches(rows):
        old, new = SLUG_BY_ID[row["switched_from_id"]], SLUG_BY_ID[row["system_id"]]
        said = row["switch_reason"]
        matching = [item for item, pattern in reasons if pattern.match(said)]
        assert matching, said
        assert any(pair_fits(item.get("needs", {}), facts[old], facts[new], row["sector"])
                   for item in matching), (old, new, row["sector"], said)
        used[matching[0]["about"]] += 1
    # Reasons about what the systems do, not only mergers and contracts running out.
    assert len(used) >= 8, used


def _level(slug: str, key: str) -> float:
    """How well the profile says a system does `key`, straight from profiles.py."""
    profile = PROFILES[slug]
    if key in CAPABILITY_KEYS:
        return {"G": 2, "g": 1, "W": 0, "w": -1, "M": -2}[profile.caps[CAPABILITY_KEYS.index(key)]]
    return profile.aspects[RATING_KEYS.index(key)] * 5


def _strong(slug: str, key: str) -> bool:
    return _level(slug, key) >= (2 if key in CAPABILITY_KEYS else 1)


def test_reasons_praise_the_new_system_only_for_what_it_is_known_for(rows):
    """Spelled out per reason: leaving must not praise the old system, and what the new
    one is credited with is something its profile says it does well."""
    complaints = {  # words of a reason -> what it says the old system did badly
        "Licenskostnaden": "value", "Supporten för": "support", "Kivra": "payslips",
        "självservicen i": "selfservice", "BankID": "bankid", "AGI-rättelserna": "agi",
        "Semesterberäkningen": "semester", "Avtalsstödet": "kollektivavtal",
        "Integrationen mellan": "integrations", "gick ner i löneveckan": "stability",
        "Rapporterna i": "reporting", "konsult för varje lagändring": "compliance",
        "Pensionsrapporteringen": "pension",
    }
    credits = {"Kivra": "payslips", "självservicen i": "selfservice", "BankID": "bankid",
               "berömde supporten": "support", "samla lön, HR och självservice": "selfservice"}
    checked = 0
    for row in _switches(rows):
        old, new = SLUG_BY_ID[row["switched_from_id"]], SLUG_BY_ID[row["system_id"]]
        said = row["switch_reason"]
        for words, key in complaints.items():
            if words in said:
                assert not _strong(old, key), (old, said)
                assert _level(new, key) > _level(old, key), (old, new, said)
                checked += 1
        for words, key in credits.items():
            if words in said:
                assert _strong(new, key), (new, said)
        if "egen drift" in said:
            assert "on_premises" in KINDS[old] and KINDS[new] & {"cloud", "service"}
        if "molntjänst" in said:
            assert "cloud" in KINDS[new]
        if "slutdatum" in said or "slutade utveckla" in said:
            assert old in {"personec-p", "hogia-lon", "visma-lon-300-600", "crona-lon",
                           "kontek-lon", "bl-lon"}, old
        if "slutade utveckla" in said:
            assert NAMES[new].split()[0] == NAMES[old].split()[0] or old == "personec-p"
    assert checked > 50


def test_switches_fit_time_size_and_sector(rows):
    go_live = {"1-49": (1, 6), "50-249": (2, 9), "250-999": (3, 14), "1000-4999": (5, 22),
               "5000+": (8, 30)}
    for row in _switches(rows):
        old, new = SLUG_BY_ID[row["switched_from_id"]], SLUG_BY_ID[row["system_id"]]
        year = row["in_use_since"]
        # The old system existed before the switch, the new one by then.
        assert PROFILES[old].since < year and PROFILES[new].since <= year, (old, new, year)
        low, high = go_live[row["size_band"]]
        assert low <= row["go_live_months"] <= high, row
        # Both systems are ones such organisations run.
        for slug in (old, new):
            assert PROFILES[slug].sectors.get(row["sector"]), (slug, row["sector"])
            assert PROFILES[slug].sizes.get(row["size_band"]), (slug, row["size_band"])
        if row["sector"] not in PUBLIC:
            assert not re.search(r"upphandl|anbud", row["switch_reason"], re.I), row


def test_previous_satisfaction_follows_the_reason(rows):
    complaint_words = ("Licenskostnaden", "kunde inte hjälpa", "svår att nå", "inte klarade",
                       "räckte inte till", "tog alldeles för mycket tid", "krävde manuella",
                       "täckte inte", "fungerade aldrig", "gick ner i löneveckan",
                       "ständigt problem", "konsult för varje lagändring")
    seen = Counter()
    for row in rows:
        previous = row["previous_satisfaction"]
        if row["switched_from_id"] is None:
            assert previous is None
            continue
        assert 1 <= previous <= 5
        if any(words in row["switch_reason"] for words in complaint_words):
            assert previous <= 3, (previous, row["switch_reason"])
        seen[previous] += 1
    assert len(seen) >= 4  # spread, not one value


# --------------------------------------------------------------------------- sector


def test_texts_fit_the_sector(rows):
    private_only = re.compile(r"\b(Fora|Collectum|Svenskt Näringsliv|Handels|Teknikavtalet|"
                              r"Visita-avtalet|Tjänstemannaavtalet|Byggavtalet)\b")
    public_only = re.compile(r"\b(KPA|HÖK|SKR|AB och HÖK|Villkorsavtalen|Arbetsgivarverket|"
                             r"Sobona|kommun|region|myndighet)\b")
    for row in rows:
        text = _text(row)
        if row["sector"] in ("kommun", "region", "statlig"):
            assert not private_only.search(text), (row["sector"], private_only.search(text))
        if row["sector"] == "privat":
            assert not public_only.search(text), (row["sector"], public_only.search(text))


def test_an_organisation_described_by_its_trade_has_that_trade_s_agreement(rows):
    phrases = [p for p in texts().placeholders["sector_phrases"]["privat"]
               if isinstance(p, dict) and "agreements" in p]
    every = set(texts().placeholders["agreements"]["privat"])
    checked = 0
    for row in rows:
        if row["sector"] != "privat":
            continue
        text = _text(row)
        for phrase in phrases:
            if re.search(rf"\b{re.escape(phrase['text'])}\b", text):
                wrong = [a for a in every - set(phrase["agreements"])
                         if re.search(rf"(?<![\w-]){re.escape(a)}(?![\w-])", text)]
                assert not wrong, (phrase["text"], wrong)
                if "sizes" in phrase:
                    assert row["size_band"] in phrase["sizes"], (phrase["text"], row["size_band"])
                checked += 1
    assert checked > 100
    for row in rows:
        if "en storstadskommun" in _text(row):
            assert row["size_band"] == "5000+"


# --------------------------------------------------------------------------- Swedish


def test_counts_agree_with_their_nouns(rows):
    for row in rows:
        text = _text(row)
        for wrong in (r"\b1 månader\b", r"\b1 parallellkörningar\b", r"\b1 år\b",
                      r"\b1 löneadministratörer\b", r"\b1 anställda\b", r"\bblev klart\b"):
            assert not re.search(wrong, text), (wrong, text)
    assert any(re.search(r"\b1 månad\b", _text(row)) for row in rows)


def test_go_live_months_are_written_as_the_row_says(rows):
    from kb.core import swedish

    told = 0
    for row in _switches(rows):
        if f"Bytet från {NAMES[SLUG_BY_ID[row['switched_from_id']]]} tog" in row["body"]:
            assert f"tog {swedish.months(row['go_live_months'])}," in row["body"]
            told += 1
    assert told > 10


# Predicative adjectives and their forms: common gender, neuter, plural.
ADJECTIVES = {}
for common, neuter, plural in (("klar", "klart", "klara"), ("långsam", "långsamt", "långsamma"),
                               ("hög", "högt", "höga"), ("krånglig", "krångligt", "krångliga"),
                               ("svår", "svårt", "svåra"), ("dyr", "dyrt", "dyra"),
                               ("föråldrad", "föråldrat", "föråldrade"),
                               ("tungrodd", "tungrott", "tungrodda")):
    ADJECTIVES.update({common: "common", neuter: "neuter", plural: "plural"})
COPULAS = {"är", "blir", "blev", "känns", "var", "verkar"}


def _gender(subject: str) -> str | None:
    words = subject.split()
    head = words[0]
    if (head in ("den", "det", "de") or head.endswith("s")) and len(words) > 1:
        head = words[1]
    if head.startswith("{"):
        return None
    if head.endswith(("na", "er")):
        return "plural"
    if head.endswith("et"):
        return "neuter"
    if head.endswith("n"):
        return "common"
    return None


def test_topic_subjects_agree_with_their_predicates():
    """data/README.md: every subject must fit every predicate – adjectives after a copula
    take the subject's gender and number ("implementeringen blev klar", never "klart")."""
    for name, spec in texts().topics.items():
        for polarity in ("good", "bad"):
            for predicate in spec[polarity]:
                words = predicate.replace("|", " ").replace(",", "").split()
                forms = [ADJECTIVES[w] for i, w in enumerate(words) if w in ADJECTIVES
                         and COPULAS & set(words[max(0, i - 3):i])]
                for subject in spec["subjects"]:
                    gender = _gender(subject)
                    if gender is None:
                        continue
                    for form in forms:
                        assert form == gender, (name, subject, predicate)


def test_seeding_keeps_the_satisfaction_they_left_with(app):
    """previous_satisfaction reaches the database: exactly the switches have one."""
    from sqlalchemy import select

    from kb.extensions import db
    from kb.models import Experience

    with app.app_context():
        demo.seed(300, seed=3)
        rows = db.session.execute(select(Experience.switched_from_id,
                                         Experience.previous_satisfaction)).all()
    switched = [previous for source, previous in rows if source is not None]
    assert switched and all(1 <= previous <= 5 for previous in switched)
    assert all(previous is None for source, previous in rows if source is None)
