"""Charts as server-rendered inline SVG: no script, no style attributes (colours come
from classes in kb.css), each with role="img", a <title> and a <desc>.

The data behind every chart is also shown as a table next to it (see the templates),
so the SVG itself is a picture of figures a screen reader gets from the table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

from kb.core import swedish, vocab
from kb.stats.figures import MIN_ANSWERS
from kb.stats.table import TOO_FEW, net, number, percent, signed

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

# Drawn for a phone: 360 units wide, shown at the screen's width (no box to scroll), so
# its 12-unit text is 12 px or more from a 360 px wide screen up; kb.css caps how wide
# it grows on a desktop. The axes follow the points (share from 0 to the next 10 %,
# satisfaction around the points' range in half steps), so a segment whose systems all
# sit near 3 to 4 or above 40 % does not leave the picture empty.
SCATTER_WIDTH = 360
MARKET_HEIGHT = 300
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 40, 12, 24, 44
MIN_SPAN = 1.0  # the satisfaction axis shows at least one whole step
SCATTER_LABEL_CHARS = 18
CHAR_WIDTH = 6.8  # a character of 12-unit text, about


@dataclass(frozen=True)
class Point:
    label: str
    x: float  # share of the segment, percent
    y: float  # average satisfaction, 1-5
    text: str  # the figures, for the point's own <title>


def _share_ceiling(largest: float) -> int:
    """The x axis ends at the multiple of 10 percent at or above the largest share."""
    return min(100, max(10, math.ceil(largest / 10) * 10))


def _satisfaction_range(values: list[float]) -> tuple[float, float]:
    """The y axis: half steps around the values (and the guide), at least MIN_SPAN
    tall, inside 1 to 5."""
    low = max(1.0, math.floor((min(values) - 0.25) * 2) / 2)
    high = min(5.0, math.ceil((max(values) + 0.25) * 2) / 2)
    while high - low < MIN_SPAN:
        if high < 5:
            high = min(5.0, high + 0.5)
        if high - low < MIN_SPAN and low > 1:
            low = max(1.0, low - 0.5)
    return low, high


def scatter_chart(chart_id: str, title: str, description: str, points: list[Point],
                  guide_x: float | None, guide_y: float | None,
                  corners: tuple[str, str, str, str]) -> Markup:
    """Points on share (x, 0 to the next 10 %) against satisfaction (y, around the
    points' range), split in four by guide lines; `corners` names the quarters: top
    left, top right, bottom left, bottom right."""
    x_max = _share_ceiling(max([p.x for p in points] + [guide_x or 0, 1]))
    y_low, y_high = _satisfaction_range(
        [p.y for p in points] + ([guide_y] if guide_y is not None else []))
    left, right = PLOT_LEFT, SCATTER_WIDTH - PLOT_RIGHT
    top, bottom = PLOT_TOP, MARKET_HEIGHT - PLOT_BOTTOM

    def at_x(value: float) -> float:
        return left + (right - left) * min(max(value, 0), x_max) / x_max

    def at_y(value: float) -> float:
        return bottom - (bottom - top) * (min(max(value, y_low), y_high) - y_low) \
            / (y_high - y_low)

    parts = [_open(chart_id, title, description, MARKET_HEIGHT, SCATTER_WIDTH,
                   "chart-scatter")]
    step = 0.5 if y_high - y_low <= 2 else 1.0
    tick = y_low
    while tick <= y_high + 1e-9:
        y = at_y(tick)
        parts.append(Markup(
            '<line class="chart-grid" x1="{l}" y1="{y:.1f}" x2="{r}" y2="{y:.1f}"/>'
            '<text class="chart-label" x="{tx}" y="{ty:.1f}" text-anchor="end">{s}</text>'
        ).format(l=left, r=right, y=y, tx=left - 5, ty=y + 4, s=number(tick)))
        tick += step
    x_step = 10 if x_max <= 40 else 20 if x_max <= 80 else 25
    for share in range(0, x_max + 1, x_step):
        x = at_x(share)
        parts.append(Markup(
            '<text class="chart-label" x="{x:.1f}" y="{y}" text-anchor="{a}">{s}</text>'
        ).format(x=x, y=bottom + 16, s=percent(share),
                 a="end" if share == x_max else "start" if share == 0 else "middle"))
    parts.append(Markup(
        '<line class="chart-axis" x1="{l}" y1="{b}" x2="{r}" y2="{b}"/>'
        '<line class="chart-axis" x1="{l}" y1="{t}" x2="{l}" y2="{b}"/>'
        '<text class="chart-label" x="{cx:.1f}" y="{ly}" text-anchor="middle">'
        "Andel som kör systemet i dag</text>"
        '<text class="chart-label" x="11" y="{cy:.1f}" text-anchor="middle" '
        'transform="rotate(-90 11 {cy:.1f})">Nöjdhet (1–5)</text>'
    ).format(l=left, r=right, t=top, b=bottom, cx=(left + right) / 2, ly=MARKET_HEIGHT - 6,
             cy=(top + bottom) / 2))
    if guide_x is not None:
        parts.append(Markup('<line class="chart-guide" x1="{x:.1f}" y1="{t}" x2="{x:.1f}" '
                            'y2="{b}"/>').format(x=at_x(guide_x), t=top, b=bottom))
    if guide_y is not None:
        parts.append(Markup('<line class="chart-guide" x1="{l}" y1="{y:.1f}" x2="{r}" '
                            'y2="{y:.1f}"/>').format(l=left, r=right, y=at_y(guide_y)))
    for (x, y, anchor), text in zip(
            ((left + 4, top - 8, "start"), (right - 4, top - 8, "end"),
             (left + 4, bottom - 6, "start"), (right - 4, bottom - 6, "end")), corners,
            strict=True):
        parts.append(Markup('<text class="chart-corner" x="{x}" y="{y}" text-anchor="{a}">'
                            "{t}</text>").format(x=x, y=y, a=anchor, t=text))
    # The most common systems are named first; a name that would overlap one already
    # drawn is left out (the point keeps its <title>, the table beside has every figure).
    placed: list[tuple[float, float, float, float]] = []
    for point in sorted(points, key=lambda p: -p.x):
        x, y = at_x(point.x), at_y(point.y)
        label = short_label(point.label)
        if len(label) > SCATTER_LABEL_CHARS:
            label = label[: SCATTER_LABEL_CHARS - 1] + "…"
        width = len(label) * CHAR_WIDTH
        anchor, dx = ("end", -8) if x > right - 90 else ("start", 8)
        x0 = x + dx - width if anchor == "end" else x + dx
        box = (x0, y - 8, x0 + width, y + 6)
        named = not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                        for b in placed)
        text = Markup("")
        if named:
            placed.append(box)
            text = Markup('<text class="chart-value" x="{lx:.1f}" y="{ly:.1f}" '
                          'text-anchor="{a}">{label}</text>').format(
                lx=x + dx, ly=y + 4, a=anchor, label=label)
        parts.append(Markup(
            '<g class="chart-point"><circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="5">'
            "<title>{t}</title></circle>{text}</g>"
        ).format(x=x, y=y, t=point.text, text=text))
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
        f"än {MIN_ANSWERS} svar visas inte. Samma siffror finns i tabellen.",
        points, even, market.satisfaction.shown,
        ("Ovanliga, nöjdare", "Vanliga, nöjdare", "Ovanliga, mindre nöjda",
         "Vanliga, mindre nöjda"),
    )


def contract_end_chart(chart_id: str, outlook) -> Markup:
    """Organisations whose contracts end in each of the coming years
    (kb.procurement.Outlook): one bar a year, a count withheld below the minimum."""
    bars = [Bar(str(year), count.shown, count.text)
            for year, count in zip(outlook.years, outlook.totals, strict=True)]
    largest = max((bar.value for bar in bars if bar.value), default=0)
    return bar_chart(
        chart_id, "Avtal som löper ut per år",
        "Antal organisationer vars avtal om lönesystem löper ut, per år. År med färre än "
        f"{MIN_ANSWERS} organisationer visas utan stapel. Samma siffror finns i tabellen.",
        bars, max(largest, MIN_ANSWERS))


# --- The market view: flows between systems (a Sankey diagram) and each system's net -----

FLOW_WIDTH = 360  # as the bar charts: readable from a 310 px wide screen up
FLOWS_DRAWN = 12  # the largest flows drawn; the table beside the diagram has them all
FLOW_LABEL = 130  # room for a system's name (16 characters at 12 units)
FLOW_NODE = 6
FLOW_GAP = 10  # between two systems in a column
FLOW_MIN_NODE = 18  # a system's bar is never lower than its label
FLOW_TOP = 26  # room for the column headings
FLOW_HEIGHT = 240  # what the largest column's flows share (before the minimum heights)
FLOW_LABEL_CHARS = 16
NET_ROW = 40
NET_HALF = 120  # the longest net bar, either side of zero


def _flow_label(name: str) -> str:
    """A system's name beside its bar, cut to fit (the whole name is the bar's tooltip,
    the counts are the bands' tooltips and the table's)."""
    return name if len(name) <= FLOW_LABEL_CHARS else name[:FLOW_LABEL_CHARS - 1].rstrip() + "…"


def _column(flows, side: str) -> tuple[list, dict]:
    """The systems of one side of the diagram, most organisations first, with their
    totals over the flows drawn."""
    totals: dict = {}
    for flow in flows:
        system = getattr(flow, side)
        totals[system] = totals.get(system, 0) + flow.n
    order = sorted(totals, key=lambda s: (-totals[s], s.name.lower()))
    return order, totals


def flow_chart(chart_id: str, flows, drawn) -> Markup | None:
    """Switches between systems as a flow (Sankey) diagram: the systems left on the
    left, the systems moved to on the right, one band (path) per flow in `drawn` as
    thick as its organisations; below, each system's net gain or loss in the segment
    (`flows.balances`). None when there is nothing to draw. The figures are also the
    table beside it (templates/systems/_flows.html)."""
    if not drawn:
        return None
    left, left_totals = _column(drawn, "source")
    right, right_totals = _column(drawn, "target")
    largest = max(sum(left_totals.values()), 1)
    unit = max(0.5, min(12.0, FLOW_HEIGHT / largest))

    def place(order, totals) -> dict:
        y, found = float(FLOW_TOP), {}
        for system in order:
            height = max(FLOW_MIN_NODE, totals[system] * unit)
            found[system] = [y, height, 0.0]  # top, height, bands stacked so far
            y += height + FLOW_GAP
        return found

    left_at, right_at = place(left, left_totals), place(right, right_totals)
    flow_bottom = max(max(top + h for top, h, _ in left_at.values()),
                      max(top + h for top, h, _ in right_at.values()))
    balances = list(flows.balances)
    net_top = flow_bottom + 28
    height = int(net_top + 14 + NET_ROW * len(balances) + TOP)
    x_left = FLOW_LABEL + 2
    x_right = FLOW_WIDTH - FLOW_LABEL - 2 - FLOW_NODE
    description = (
        f"Byten mellan lönesystem från {flows.since} och framåt: till vänster systemen "
        "organisationerna lämnade, till höger systemen de bytte till; ju bredare band, desto "
        "fler organisationer. Under diagrammet varje systems nettoförändring: "
        + "; ".join(f"{b.system.name} {net(b.net)} ({swedish.thousands(b.gained)} kom, "
                    f"{swedish.thousands(b.lost)} lämnade)" for b in balances)
        + ". Samma siffror finns i tabellerna intill.")
    parts = [_open(chart_id, f"Byten mellan lönesystem sedan {flows.since}", description,
                   height, FLOW_WIDTH, "chart-flows")]
    parts.append(Markup(
        '<text class="chart-label chart-heading" x="{l}" y="14" text-anchor="end">Från</text>'
        '<text class="chart-label chart-heading" x="{r}" y="14">Till</text>'
    ).format(l=x_left + FLOW_NODE, r=x_right))
    # Bands: at each end stacked in the order of the other end's systems (fewer crossings).
    right_rank = {system: i for i, system in enumerate(right)}
    left_rank = {system: i for i, system in enumerate(left)}
    by_source = sorted(drawn, key=lambda f: (left_rank[f.source], right_rank[f.target]))
    ends: dict = {}
    for flow in by_source:
        node = left_at[flow.source]
        offset = (node[1] - left_totals[flow.source] * unit) / 2
        ends[flow] = [node[0] + offset + node[2]]
        node[2] += flow.n * unit
    for flow in sorted(drawn, key=lambda f: (right_rank[f.target], left_rank[f.source])):
        node = right_at[flow.target]
        offset = (node[1] - right_totals[flow.target] * unit) / 2
        ends[flow].append(node[0] + offset + node[2])
        node[2] += flow.n * unit
    x0, x1 = x_left + FLOW_NODE, x_right
    middle = (x0 + x1) / 2
    for flow in drawn:
        y0, y1 = ends[flow]
        thick = max(flow.n * unit, 1)
        parts.append(Markup(
            '<path class="flow-band" d="M{x0:.1f} {y0:.1f}C{m:.1f} {y0:.1f} {m:.1f} {y1:.1f} '
            '{x1:.1f} {y1:.1f}L{x1:.1f} {y1b:.1f}C{m:.1f} {y1b:.1f} {m:.1f} {y0b:.1f} '
            '{x0:.1f} {y0b:.1f}Z"><title>{t}</title></path>'
        ).format(x0=x0, x1=x1, m=middle, y0=y0, y1=y1, y0b=y0 + thick, y1b=y1 + thick,
                 t=f"Från {flow.source.name} till {flow.target.name}: "
                   f"{swedish.plural(flow.n, 'organisation', 'organisationer')}"))
    for at, totals, x, anchor, label_x in (
            (left_at, left_totals, x_left, "end", x_left - 4),
            (right_at, right_totals, x_right, "start", x_right + FLOW_NODE + 4)):
        for system, (top, node_height, _used) in at.items():
            parts.append(Markup(
                '<rect class="flow-node" x="{x}" y="{y:.1f}" width="{w}" height="{h:.1f}">'
                "<title>{name}: {n}</title></rect>"
                '<text class="chart-label" x="{lx}" y="{ty:.1f}" text-anchor="{a}">{t}</text>'
            ).format(x=x, y=top, w=FLOW_NODE, h=node_height, name=system.name, lx=label_x,
                     ty=top + node_height / 2 + 4, a=anchor,
                     n=swedish.plural(totals[system], 'organisation', 'organisationer'),
                     t=_flow_label(system.name)))
    # Net gain or loss per system, as bars either side of zero.
    parts.append(Markup(
        '<text class="chart-label chart-heading" x="{x}" y="{y:.1f}">Netto per system'
        "</text>").format(x=EDGE, y=net_top))
    zero = FLOW_WIDTH / 2
    widest = max([abs(b.net) for b in balances] + [1])
    for index, balance in enumerate(balances):
        top = net_top + 14 + index * NET_ROW
        bar_y = top + BAR_TOP - 4
        parts.append(_row_label(top - 2, balance.system.name))
        width = NET_HALF * abs(balance.net) / widest
        left_x = zero - width if balance.net < 0 else zero
        parts.append(Markup(
            '<line class="chart-axis" x1="{z}" y1="{y1:.1f}" x2="{z}" y2="{y2:.1f}"/>'
        ).format(z=zero, y1=bar_y - 2, y2=bar_y + BAR_HEIGHT + 2))
        if balance.net:
            parts.append(Markup(
                '<rect class="{css}" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h}"/>'
            ).format(css="bar" if balance.net > 0 else "bar-negative", x=left_x, y=bar_y,
                     w=max(width, 1), h=BAR_HEIGHT))
        text_x, anchor = ((zero + width + 6, "start") if balance.net >= 0
                          else (zero - width - 6, "end"))
        parts.append(Markup(
            '<text class="chart-value flow-net" x="{x:.1f}" y="{y:.1f}" text-anchor="{a}">'
            "{t}</text>").format(x=text_x, y=bar_y + BAR_HEIGHT - 3, a=anchor,
                                 t=net(balance.net)))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
