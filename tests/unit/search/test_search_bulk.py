"""The bulk writer of `kb reindex` (kb.search.bulk) writes the index Whoosh's own
writer writes: the same postings, field lengths, stored fields and columns, on
kb's schema and experiences like kb's."""

import random
import unicodedata
from datetime import datetime, timedelta

import pytest
from whoosh import index as whoosh_index

from kb.core.vocab import CAPABILITIES, CAPABILITY_LEVELS, SUB_RATINGS
from kb.search import bulk
from kb.search.schema import build_schema
from tests.support.whoosh_contents import differences, index_contents

SENTENCES = [
    "Lönesystemet fungerar stabilt och supporten svarar snabbt.",
    "Tjänstepensionsrapporteringen är krånglig, men arbetsgivardeklarationen går bra.",
    "Semesterskulden stämmer varje månad i lönesystemet.",
    "Lönekörningen tar en timme; semesterberäkningen är rätt för alla kollektivavtal.",
    "Övertidsersättningen och frånvarohanteringen kräver manuella rutiner.",
    "Bra bra bra, lön i tid varje månad.",
    "Systematisk uppföljning av lönesystemets rapporter saknas.",
    "Vi bytte lönesystem efter upphandlingen; integrationen mot ekonomisystemet tog tid.",
    "Det är en dålig portal för självservice, men attesten i appen fungerar.",
    "Rapporten för AGI och PAXml-exporten är på plats, SIE-filen också.",
]
SYSTEMS = ["Heroma Personec heroma", "Visma Lön Visma visma lon", "Hogia Lön Plus hogia",
           "Flex HRM Flex Applications flex hrm", "Primula CGI primula"]
CODES = {"sector": ["kommun", "region", "stat", "privat"],
         "size_band": ["1-49", "50-249", "250-999", "1000+"],
         "reviewer_role": ["lonechef", "loneadministrator", "systemforvaltare"],
         "usage_status": ["current", "former", "evaluating"]}


def experiences(count: int, seed: int = 7) -> list[dict]:
    """Documents as kb.indexing.documents builds them from experience rows."""
    rng = random.Random(seed)
    start = datetime(2022, 1, 1, 8, 30)
    documents = []
    for n in range(count):
        title = "" if n % 9 == 0 else rng.choice(SENTENCES).split(",")[0]
        body = "\n".join(rng.choice(SENTENCES) for _ in range(rng.randint(0, 6)))
        if n % 50 == 3:
            body += " lön" * 300  # long enough for the one-byte length to round
        if n % 31 == 5:
            body = unicodedata.normalize("NFD", body)  # decomposed ö, ä, å
        if n % 2 == 0:
            body += " Lönesystemet igen."  # a term in every other document: several blocks
        created = start + timedelta(days=n, minutes=rng.randint(0, 600))
        documents.append({
            "id": str(n + 1),
            "title": title,
            "body": body,
            "parts": f"{title}\n{body}",
            "system_names": rng.choice(SYSTEMS),
            "other_systems": rng.choice(SYSTEMS).split()[0] if n % 4 == 0 else "",
            "system_id": str(rng.randint(1, len(SYSTEMS))),
            **{name: rng.choice(values) if n % 17 else "" for name, values in CODES.items()},
            "visibility": "public" if n % 3 else "members",
            "state": "published" if n % 11 else "pending",
            "author_id": str(rng.randint(1, 40)),
            "satisfaction": rng.randint(1, 5),
            "created": created,
            "helpful": rng.choice([0, 0, 1, 2, 7]),
            "confirmed": created + timedelta(days=rng.randint(0, 400)),
            # The checklist and the ratings (kb.search.judgements).
            **{f"cap_{key}": rng.choice(list(CAPABILITY_LEVELS)) for key in CAPABILITIES},
            **{f"rating_{key}": rng.randint(0, 5) for key in SUB_RATINGS},
        })
    return documents


def whoosh_index_of(path, documents):
    path.mkdir()
    ix = whoosh_index.create_in(str(path), build_schema())
    writer = ix.writer()
    for document in documents:
        writer.add_document(**document)
    writer.commit()
    return ix


def bulk_index_of(path, documents, parts: int):
    path.mkdir()
    ix = whoosh_index.create_in(str(path), build_schema())
    cut = [len(documents) * i // parts for i in range(parts + 1)]
    counts = []

    def build():
        segments = []
        for low, high in zip(cut, cut[1:], strict=False):
            segment, count = bulk.build_segment(ix, iter(documents[low:high]))
            segments.append(segment)
            counts.append(count)
        return segments

    bulk.commit_segments(ix, build)
    assert counts == [high - low for low, high in zip(cut, cut[1:], strict=False)]
    return ix


@pytest.fixture(scope="module")
def documents():
    return experiences(600)


@pytest.fixture(scope="module")
def whoosh_contents(documents, tmp_path_factory):
    ix = whoosh_index_of(tmp_path_factory.mktemp("whoosh") / "ix", documents)
    with ix.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) == 1
        return {per_segment: index_contents(searcher.reader(), per_segment)
                for per_segment in (True, False)}


@pytest.mark.parametrize("parts", [1, 2])
def test_bulk_segments_hold_what_whooshs_writer_writes(documents, whoosh_contents, parts,
                                                       tmp_path):
    ix = bulk_index_of(tmp_path / "ix", documents, parts)
    with ix.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) == parts
        # One segment on each side: the block and term statistics too.
        ours = index_contents(searcher.reader(), per_segment=parts == 1)
    theirs = whoosh_contents[parts == 1]
    assert ours == theirs, differences(ours, theirs)

    # The corpus has what the comparison is for.
    postings = ours["body", "postings"]
    assert len(postings[b"l\xc3\xb6nesystem"]) > 2 * 128  # three blocks and more
    assert any(weight > 1 for _d, weight, *_rest in postings[b"bra"])  # repeated words
    assert ours["title", "lengths"][0] is None  # an empty title has no length
    assert max(n or 0 for n in ours["body", "lengths"]) > 300  # rounded to one byte
    assert b"pension+rapportering" in ours["parts", "terms"]  # compounds
    assert b"kommun" in ours["sector", "terms"]
    assert {v.year for v in ours["created", "column"]} == {2022, 2023}
