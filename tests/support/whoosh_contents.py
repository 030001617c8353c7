"""Everything Whoosh's public reading API tells about an index, as plain values, so
that two indexes of the same documents can be compared with one `==`."""


def postings(reader, fieldname: str, text, block_stats: bool = False) -> list[tuple]:
    """(document number, weight, encoded value) of each posting, through the
    public matcher API; with `block_stats` also what the posting's block reports
    (last id, highest weight, shortest and longest field length)."""
    found = []
    matcher = reader.postings(fieldname, text)
    while matcher.is_active():
        posting = (matcher.id(), matcher.weight(), matcher.value())
        if block_stats:
            posting += (matcher.block_max_id(), matcher.block_max_weight(),
                        matcher.block_min_length(), matcher.block_max_length())
        found.append(posting)
        matcher.next()
    return found


def index_contents(reader, per_segment: bool = False) -> dict:
    """Terms and postings per field, field lengths, stored fields and column
    values. With `per_segment` (a reader of one segment on each side) also the
    statistics Whoosh keeps per block and per term."""
    schema = reader.schema
    n = reader.doc_count_all()
    contents: dict = {"documents": n, "stored": [reader.stored_fields(d) for d in range(n)]}
    for name in schema.names():
        field = schema[name]
        if field.indexed:
            terms = list(reader.lexicon(name))  # bytes: numeric fields have shifted terms
            contents[name, "terms"] = terms
            contents[name, "postings"] = {
                t: postings(reader, name, t, block_stats=per_segment) for t in terms}
            if per_segment:
                contents[name, "term info"] = {
                    t: _term_info(reader.term_info(name, t)) for t in terms}
        if field.scorable:
            contents[name, "lengths"] = [reader.doc_field_length(d, name) for d in range(n)]
            contents[name, "total length"] = total = reader.field_length(name)
            if total:  # without any length Whoosh has no length column to ask
                contents[name, "longest"] = reader.max_field_length(name)
        if field.column_type:
            contents[name, "column"] = list(reader.column_reader(name))
            contents[name, "raw column"] = list(reader.column_reader(name, translate=False))
    return contents


def _term_info(info) -> tuple:
    return (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
            info.max_weight(), info.min_id(), info.max_id())


def differences(ours: dict, theirs: dict, limit: int = 5) -> list[str]:
    """The first few keys where two index_contents differ (for a readable failure)."""
    found = []
    for key in sorted(set(ours) | set(theirs), key=repr):
        a, b = ours.get(key), theirs.get(key)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            for term in sorted(set(a) | set(b), key=repr):
                if a.get(term) != b.get(term):
                    found.append(f"{key} {term!r}: {a.get(term)!r} != {b.get(term)!r}")
                    break
        else:
            found.append(f"{key}: {a!r:.300} != {b!r:.300}")
        if len(found) >= limit:
            break
    return found
