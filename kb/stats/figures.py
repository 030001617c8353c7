"""The figures a system profile is made of, each with the number of answers behind it.

A figure backed by fewer than MIN_ANSWERS answers – organisations, each counted once
per system (kb.stats.aggregate) – is "för få svar": it is kept (the count is still
shown) but its value is withheld by `shown`. MIN_ANSWERS is the one minimum: every
page, download, chart and the API refer to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Below this many answers (organisations) a figure is not shown ("för få svar").
MIN_ANSWERS = 5
# The "last 24 months" toggle: experiences created within this many months.
RECENT_MONTHS = 24
# Likelihood to recommend (0-10): promoters answer 9-10, detractors 0-6.
PROMOTER_MIN = 9
DETRACTOR_MAX = 6
# The trend compares average satisfaction now with two years earlier; a difference
# smaller than this is "oförändrad".
TREND_STEP = 0.25


@dataclass(frozen=True)
class Mean:
    """An average of 1-5 ratings."""

    total: int = 0
    n: int = 0

    @property
    def enough(self) -> bool:
        return self.n >= MIN_ANSWERS

    @property
    def value(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def shown(self) -> float | None:
        return self.value if self.enough else None


@dataclass(frozen=True)
class Distribution:
    """How many answered 1, 2, 3, 4 and 5."""

    counts: dict[int, int]

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    @property
    def enough(self) -> bool:
        return self.n >= MIN_ANSWERS

    def percent(self, score: int) -> float | None:
        return 100 * self.counts.get(score, 0) / self.n if self.n else None


@dataclass(frozen=True)
class Nps:
    """Net promoter score: % promoters minus % detractors, over those who answered."""

    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @property
    def n(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def enough(self) -> bool:
        return self.n >= MIN_ANSWERS

    @property
    def value(self) -> float | None:
        if not self.n:
            return None
        return 100 * (self.promoters - self.detractors) / self.n

    @property
    def shown(self) -> float | None:
        return self.value if self.enough else None


CAPABILITY_SHARE_LEVELS = ("good", "workaround", "missing")


@dataclass(frozen=True)
class Shares:
    """One capability: how many say it works well, with workarounds, or is missing.
    "Vet inte" is counted but not part of the shares."""

    good: int = 0
    workaround: int = 0
    missing: int = 0
    unknown: int = 0

    @property
    def n(self) -> int:
        return self.good + self.workaround + self.missing

    @property
    def enough(self) -> bool:
        return self.n >= MIN_ANSWERS

    def percent(self, level: str) -> float | None:
        return 100 * getattr(self, level) / self.n if self.n else None


@dataclass(frozen=True)
class Share:
    """How many of n organisations have something (run a system today, consider
    switching, ...)."""

    count: int = 0
    n: int = 0

    @property
    def enough(self) -> bool:
        return self.n >= MIN_ANSWERS

    @property
    def value(self) -> float | None:
        """In percent."""
        return 100 * self.count / self.n if self.n else None

    @property
    def shown(self) -> float | None:
        return self.value if self.enough else None


TREND_LABELS = {"better": "Bättre", "worse": "Sämre", "same": "Oförändrad"}


@dataclass(frozen=True)
class Trend:
    """Average satisfaction as stated in the last RECENT_MONTHS months against what was
    stated in the RECENT_MONTHS months before them (an updated experience counts in
    both, with the satisfaction it had then, kept by kb.freshness)."""

    earlier: Mean = field(default_factory=Mean)
    recent: Mean = field(default_factory=Mean)

    @property
    def enough(self) -> bool:
        return self.earlier.enough and self.recent.enough

    @property
    def change(self) -> float | None:
        return self.recent.value - self.earlier.value if self.enough else None

    @property
    def direction(self) -> str | None:
        """"better", "worse" or "same"; None with too few answers in either period."""
        change = self.change
        if change is None:
            return None
        if change >= TREND_STEP:
            return "better"
        if change <= -TREND_STEP:
            return "worse"
        return "same"

    @property
    def label(self) -> str | None:
        return TREND_LABELS.get(self.direction)


@dataclass(frozen=True)
class GoLive:
    """Months from decision to the first real payroll run, as answered."""

    n: int = 0
    median: float | None = None
    low: int | None = None
    high: int | None = None

    @property
    def enough(self) -> bool:
        return self.n >= MIN_ANSWERS


@dataclass(frozen=True)
class Shared:
    """Organisations of which several members described the same system: each counts
    once (its most recently confirmed experience), and how far their members differ."""

    organisations: int = 0
    answers: int = 0  # experiences written by members of those organisations
    widest: int = 0  # the largest difference in satisfaction within one of them


@dataclass(frozen=True)
class Group:
    """One row of a breakdown (a sector, a size band, a year, a usage status)."""

    code: str | int
    label: str
    satisfaction: Mean

    @property
    def n(self) -> int:
        return self.satisfaction.n


@dataclass(frozen=True)
class SystemRef:
    id: int
    slug: str
    name: str
    status: str


@dataclass(frozen=True)
class Reason:
    text: str
    n: int


@dataclass(frozen=True)
class Flow:
    """Members who switched between this system and another (either direction)."""

    system: SystemRef
    n: int
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class Revisions:
    """A system's experiences whose authors confirmed or updated them and kept the
    earlier satisfaction (kb.freshness): how satisfaction moved from the first
    statement to today's, and which were confirmed most recently."""

    improved: int = 0
    worsened: int = 0
    unchanged: int = 0
    first_total: int = 0
    latest_total: int = 0
    recent: tuple[int, ...] = ()  # experience ids, the most recently confirmed first

    @property
    def n(self) -> int:
        return self.improved + self.worsened + self.unchanged

    @property
    def average_first(self) -> float | None:
        return self.first_total / self.n if self.n else None

    @property
    def average_latest(self) -> float | None:
        return self.latest_total / self.n if self.n else None


@dataclass
class Profile:
    """Every aggregate of one system, for one audience and one set of filters."""

    system: SystemRef
    n: int = 0  # organisations counted (each known organisation once; see kb.stats)
    satisfaction: Mean = field(default_factory=Mean)
    distribution: Distribution = field(default_factory=lambda: Distribution({}))
    nps: Nps = field(default_factory=Nps)
    sub_ratings: dict[str, Mean] = field(default_factory=dict)
    capabilities: dict[str, Shares] = field(default_factory=dict)
    by_sector: list[Group] = field(default_factory=list)
    by_size: list[Group] = field(default_factory=list)
    by_year: list[Group] = field(default_factory=list)
    by_status: list[Group] = field(default_factory=list)
    switched_from: list[Flow] = field(default_factory=list)  # came here from
    switched_to: list[Flow] = field(default_factory=list)  # left for
    # The market view (kb.stats.market): experiences before counting organisations
    # once, organisations running the system today, of those how many consider
    # switching, the satisfaction trend, go-live times and organisations that answered
    # more than once.
    experiences: int = 0
    current: int = 0
    considering: Share = field(default_factory=Share)
    trend: Trend = field(default_factory=Trend)
    go_live: GoLive = field(default_factory=GoLive)
    shared: Shared = field(default_factory=Shared)

    @property
    def enough(self) -> bool:
        return self.n >= MIN_ANSWERS
