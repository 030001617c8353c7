"""Charts as server-rendered inline SVG: no script, no style attributes (colours come
from classes in kb.css), each with role="img", a <title> and a <desc>.

The data behind every chart is also shown as a table next to it (see the templates),
so the SVG itself is a picture of figures a screen reader gets from the table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

from kb import vocab
from kb.stats.table import TOO_FEW, number, percent, signed

# Bar charts are drawn for a phone's width: each row is its label on a line of its own
# and the bar below it, 14 units of text in a 360 unit wide picture, so the text stays
# at 12 px or more from a 310 px wide screen up (kb.css caps how wide a chart grows).
BAR_WIDTH = 360
BAR_VALUE_WIDTH = 118  # room after the longest bar for its figure ("för få svar (n=4)")
ROW_HEIGHT = 46
BAR_HEIGHT = 16
LABEL_LINE = 16  # from a row's top to its label's baseline
BAR_TOP = 22  # from a row's top to its bar
EDGE = 4
TOP = 6
MAX_LABEL_CHARS = 40
# The market chart keeps its wide picture, in a box of its own that scrolls on a phone.
WIDTH = 640


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: no bar ("för få svar")
    text: str  # the figure as shown at the end of the bar
    css: str = "bar"


@dataclass(frozen=True)
class Segment:
    value: float  # a share in percent
    css: str
    text: str


def short_label(label: str) -> str:
    """'AGI – arbetsgivardeklaration …' -> 'AGI'; long labels are cut."""
    for separator in (" – ", " ("):
        label = label.split(separator, 1)[0]
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def _open(chart_id: str, title: str, description: str, height: int, width: int = BAR_WIDTH,
          kind: str = "chart-bars") -> Markup:
    return Markup(
        '<svg class="chart {kind}" xmlns="http://www.w3.org/2000/svg" role="img" '
        'viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'aria-labelledby="{id}-title {id}-desc" focusable="false">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
    ).format(kind=kind, w=width, h=height, id=chart_id, title=title, desc=description)


def _row_label(top: float, text: str) -> Markup:
    return Markup('<text class="chart-label" x="{x}" y="{y:.1f}">{t}</text>').format(
        x=EDGE, y=top + LABEL_LINE, t=short_label(text))


def _height(rows: int) -> int:
    return TOP * 2 + ROW_HEIGHT * max(rows, 1)


def bar_chart(chart_id: str, title: str, description: str, bars: list[Bar],
              max_value: float, min_value: float = 0) -> Markup:
    """Horizontal bars from min_value to max_value, each under its label; a negative
    min_value draws bars either side of zero (for NPS, -100 to +100)."""
    height = _height(len(bars))
    area = BAR_WIDTH - 2 * EDGE - BAR_VALUE_WIDTH
    span = (max_value - min_value) or 1

    def x_of(value: float) -> float:
        return EDGE + area * (min(max(value, min_value), max_value) - min_value) / span

    zero = x_of(0 if min_value < 0 else min_value)
    parts = [_open(chart_id, title, description, height)]
    for index, bar in enumerate(bars):
        top = TOP + index * ROW_HEIGHT
        bar_y = top + BAR_TOP
        parts.append(_row_label(top, bar.label))
        parts.append(Markup(
            '<line class="chart-axis" x1="{x:.1f}" y1="{y1:.1f}" x2="{x:.1f}" y2="{y2:.1f}"/>'
        ).format(x=zero, y1=bar_y - 2, y2=bar_y + BAR_HEIGHT + 2))
        end = zero
        if bar.value is not None:
            end = x_of(bar.value)
            left, right = sorted((zero, end))
            parts.append(Markup(
                '<rect class="{css}" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h}"/>'
            ).format(css=bar.css, x=left, y=bar_y, w=max(right - left, 1), h=BAR_HEIGHT))
        parts.append(Markup('<text class="chart-value" x="{x:.1f}" y="{y:.1f}">{t}</text>').format(
            x=max(end, zero) + 6, y=bar_y + BAR_HEIGHT - 3, t=bar.text))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def stacked_chart(chart_id: str, title: str, description: str,
                  rows: list[tuple[str, list[Segment] | None, str]]) -> Markup:
    """One 100% bar a row under its label, split into segments; rows without segments
    say why (the third item, e.g. 'för få svar')."""
    height = _height(len(rows))
    area = BAR_WIDTH - 2 * EDGE - 64  # room for "n=123" after the bar
    parts = [_open(chart_id, title, description, height)]
    for index, (label, segments, note) in enumerate(rows):
        top = TOP + index * ROW_HEIGHT
        bar_y = top + BAR_TOP
        parts.append(_row_label(top, label))
        x = float(EDGE)
        for segment in segments or ():
            width = area * segment.value / 100
            if width <= 0:
                continue
            parts.append(Markup(
                '<rect class="{css}" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h}">'
                "<title>{t}</title></rect>"
            ).format(css=segment.css, x=x, y=bar_y, w=width, h=BAR_HEIGHT, t=segment.text))
            x += width
        parts.append(Markup('<text class="chart-value" x="{x:.1f}" y="{y:.1f}">{t}</text>').format(
            x=EDGE + area + 6 if segments else EDGE, y=bar_y + BAR_HEIGHT - 3, t=note))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def legend(items: list[tuple[str, str]]) -> Markup:
    """A legend in HTML (css class, label) to put under a stacked chart."""
    return Markup('<ul class="chart-legend" aria-hidden="true">{}</ul>').format(
        Markup("").join(
            Markup('<li><span class="swatch {css}"></span>{label}</li>').format(
                css=css, label=escape(label))
            for css, label in items
        )
    )


# --- Charts of kb's figures -------------------------------------------------------------

CAPABILITY_LEGEND = [
    ("seg-good", "Fungerar bra"),
    ("seg-workaround", "Fungerar med omvägar"),
    ("seg-missing", "Saknas"),
]


def _too_few(n: int) -> str:
    return f"{TOO_FEW} (n={n})" if n else "–"


def distribution_chart(chart_id: str, profile) -> Markup:

    distribution = profile.distribution
    bars = [
        Bar(f"{score} – {label}", distribution.percent(score) if distribution.enough else None,
            f"{percent(distribution.percent(score))} ({distribution.counts.get(score, 0)})"
            if distribution.enough else _too_few(distribution.n), "bar")
        for score, label in sorted(vocab.SATISFACTION.items(), reverse=True)
    ]
    return bar_chart(chart_id, f"Fördelning av nöjdhet för {profile.system.name}",
                     "Andel av erfarenheterna som gav betyget 5, 4, 3, 2 och 1. "
                     "Samma siffror finns i tabellen intill.", bars, 100)


def sub_ratings_chart(chart_id: str, profile) -> Markup:
    bars = []
    for key, label in vocab.SUB_RATINGS.items():
        mean = profile.sub_ratings[key]
        bars.append(Bar(label, mean.shown,
                        number(mean.value) if mean.enough else _too_few(mean.n), "bar"))
    return bar_chart(chart_id, f"Delbetyg för {profile.system.name}",
                     "Genomsnittligt delbetyg på skalan 1–5 för varje område. "
                     "Samma siffror finns i tabellen intill.", bars, 5)


def capability_chart(chart_id: str, profile) -> Markup:

    rows = []
    for key, label in vocab.CAPABILITIES.items():
        shares = profile.capabilities[key]
        if not shares.enough:
            rows.append((label, None, _too_few(shares.n)))
            continue
        segments = [
            Segment(shares.percent(level), css, f"{text}: {percent(shares.percent(level))}")
            for (css, text), level in zip(CAPABILITY_LEGEND, ("good", "workaround", "missing"),
                                          strict=True)
        ]
        rows.append((label, segments, f"n={shares.n}"))
    return stacked_chart(chart_id, f"Funktioner i {profile.system.name}",
                         "Andel som svarat att funktionen fungerar bra (mörkgrönt), fungerar med "
                         "omvägar (gult) eller saknas (rött). Samma siffror finns i tabellen.",
                         rows)


def groups_chart(chart_id: str, title: str, groups) -> Markup:
    bars = [
        Bar(group.label, group.satisfaction.shown,
            f"{number(group.satisfaction.value)} (n={group.n})"
            if group.satisfaction.enough else _too_few(group.n), "bar")
        for group in groups
    ]
    return bar_chart(chart_id, title, "Genomsnittlig nöjdhet 1–5 per grupp. "
                     "Samma siffror finns i tabellen intill.", bars, 5)


def compare_satisfaction_chart(chart_id: str, profiles) -> Markup:
    bars = [
        Bar(p.system.name, p.satisfaction.shown,
            f"{number(p.satisfaction.value)} (n={p.n})" if p.satisfaction.enough
            else _too_few(p.n), "bar")
        for p in profiles
    ]
    return bar_chart(chart_id, "Genomsnittlig nöjdhet per lönesystem",
                     "Genomsnittlig nöjdhet på skalan 1–5. Samma siffror finns i tabellen.",
                     bars, 5)


def compare_nps_chart(chart_id: str, profiles) -> Markup:
    bars = [
        Bar(p.system.name, p.nps.shown,
            f"{signed(p.nps.value)} (n={p.nps.n})" if p.nps.enough else _too_few(p.nps.n),
            "bar" if (p.nps.shown or 0) >= 0 else "bar-negative")
        for p in profiles
    ]
    return bar_chart(chart_id, "Rekommendation (NPS) per lönesystem",
                     "Andel som rekommenderar (9–10) minus andel kritiker (0–6), från −100 till "
                     "+100. Samma siffror finns i tabellen.", bars, 100, -100)


# --- The market view: satisfaction against share of the segment -------------------------

MARKET_HEIGHT = 420
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 56, 24, 24, 52


@dataclass(frozen=True)
class Point:
    label: str
    x: float  # share of the segment, percent
    y: float  # average satisfaction, 1-5
    text: str  # the figures, for the point's own <title>


def _share_ceiling(largest: float) -> int:
    """The x axis ends at the multiple of 10 percent at or above the largest share."""
    return min(100, max(10, math.ceil(largest / 10) * 10))


def scatter_chart(chart_id: str, title: str, description: str, points: list[Point],
                  guide_x: float | None, guide_y: float | None,
                  corners: tuple[str, str, str, str]) -> Markup:
    """Points on share (x, 0 to the next 10 %) against satisfaction (y, 1 to 5), split
    in four by guide lines; `corners` names the quarters: top left, top right, bottom
    left, bottom right."""
    x_max = _share_ceiling(max([p.x for p in points] + [guide_x or 0, 1]))
    left, right = PLOT_LEFT, WIDTH - PLOT_RIGHT
    top, bottom = PLOT_TOP, MARKET_HEIGHT - PLOT_BOTTOM

    def at_x(value: float) -> float:
        return left + (right - left) * min(max(value, 0), x_max) / x_max

    def at_y(value: float) -> float:
        return bottom - (bottom - top) * (min(max(value, 1), 5) - 1) / 4

    parts = [_open(chart_id, title, description, MARKET_HEIGHT, WIDTH, "chart-scatter")]
    for score in range(1, 6):
        y = at_y(score)
        parts.append(Markup(
            '<line class="chart-grid" x1="{l}" y1="{y:.1f}" x2="{r}" y2="{y:.1f}"/>'
            '<text class="chart-label" x="{tx}" y="{ty:.1f}" text-anchor="end">{s}</text>'
        ).format(l=left, r=right, y=y, tx=left - 8, ty=y + 4, s=score))
    step = 10 if x_max <= 50 else 20
    for share in range(0, x_max + 1, step):
        x = at_x(share)
        parts.append(Markup(
            '<text class="chart-label" x="{x:.1f}" y="{y}" text-anchor="middle">{s}</text>'
        ).format(x=x, y=bottom + 18, s=percent(share)))
    parts.append(Markup(
        '<line class="chart-axis" x1="{l}" y1="{b}" x2="{r}" y2="{b}"/>'
        '<line class="chart-axis" x1="{l}" y1="{t}" x2="{l}" y2="{b}"/>'
        '<text class="chart-label" x="{cx:.1f}" y="{ly}" text-anchor="middle">'
        "Andel av organisationerna i urvalet som kör systemet i dag</text>"
        '<text class="chart-label" x="14" y="{cy:.1f}" text-anchor="middle" '
        'transform="rotate(-90 14 {cy:.1f})">Genomsnittlig nöjdhet (1–5)</text>'
    ).format(l=left, r=right, t=top, b=bottom, cx=(left + right) / 2, ly=MARKET_HEIGHT - 10,
             cy=(top + bottom) / 2))
    if guide_x is not None:
        parts.append(Markup('<line class="chart-guide" x1="{x:.1f}" y1="{t}" x2="{x:.1f}" '
                            'y2="{b}"/>').format(x=at_x(guide_x), t=top, b=bottom))
    if guide_y is not None:
        parts.append(Markup('<line class="chart-guide" x1="{l}" y1="{y:.1f}" x2="{r}" '
                            'y2="{y:.1f}"/>').format(l=left, r=right, y=at_y(guide_y)))
    for (x, y, anchor), text in zip(
            ((left + 6, top + 14, "start"), (right - 6, top + 14, "end"),
             (left + 6, bottom - 8, "start"), (right - 6, bottom - 8, "end")), corners,
            strict=True):
        parts.append(Markup('<text class="chart-corner" x="{x}" y="{y}" text-anchor="{a}">'
                            "{t}</text>").format(x=x, y=y, a=anchor, t=text))
    for point in points:
        x, y = at_x(point.x), at_y(point.y)
        anchor, dx = ("end", -9) if x > right - 120 else ("start", 9)
        parts.append(Markup(
            '<g class="chart-point"><circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="6">'
            "<title>{t}</title></circle>"
            '<text class="chart-value" x="{lx:.1f}" y="{ly:.1f}" text-anchor="{a}">{label}</text>'
            "</g>"
        ).format(x=x, y=y, t=point.text, lx=x + dx, ly=y + 4, a=anchor,
                 label=short_label(point.label)))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def market_chart(chart_id: str, market) -> Markup | None:
    """Each system of the segment with enough answers: its share of the segment against
    its average satisfaction; guides at the segment's average satisfaction and at an
    even share. None when no system has enough answers."""
    points = [
        Point(s.system.name, s.share.value or 0, s.profile.satisfaction.value,
              f"{s.system.name}: {percent(s.share.value)} av urvalet, nöjdhet "
              f"{number(s.profile.satisfaction.value)} (n={s.profile.satisfaction.n})")
        for s in market.systems if s.profile.satisfaction.enough and s.share.n
    ]
    if not points:
        return None
    even = 100 / len(market.systems) if market.systems else None
    return scatter_chart(
        chart_id, "Nöjdhet mot andel av urvalet",
        "Varje punkt är ett lönesystem: längre till höger kör fler organisationer i "
        "urvalet systemet i dag, högre upp är de nöjdare. Linjerna visar urvalets "
        "genomsnittliga nöjdhet och en jämn fördelning mellan systemen. System med färre "
        "än 5 svar visas inte. Samma siffror finns i tabellen.",
        points, even, market.satisfaction.shown,
        ("Mindre spridda, nöjdare", "Vanliga och omtyckta", "Mindre spridda, mindre nöjda",
         "Vanliga, mindre nöjda"),
    )
