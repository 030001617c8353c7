"""The procurement pages: the procurement view of a segment (outlook), partners and
their messages, and shared requirement lists."""
