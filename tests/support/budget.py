"""Hypothesis budgets that follow the profile: `examples(200)` is 200 examples under
the default profile (`make test`, CI) and a tenth of that, at least five, under the
"fast" profile that `make test-fast` selects (tests/conftest.py registers it)."""

from hypothesis import settings

DEFAULT_EXAMPLES = 100  # hypothesis' own default, which the "default" profile keeps


def examples(n: int) -> int:
    """`n` examples scaled by the loaded profile (at least 5)."""
    return max(5, n * settings().max_examples // DEFAULT_EXAMPLES)
