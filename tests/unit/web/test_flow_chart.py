"""The market view's flow diagram (kb.web.charts.flow_chart): valid SVG with a title and
a description, one band (path) per flow drawn, each system's net gain or loss, drawn for
a phone's width."""

import re
import xml.etree.ElementTree as ET

from kb.stats.figures import SystemRef
from kb.stats.filters import Filters
from kb.stats.flows import Balance, Flows, PairFlow
from kb.web import charts

SVG = "{http://www.w3.org/2000/svg}"
PERSONEC = SystemRef(1, "personec-p", "Personec P", "active")
HEROMA = SystemRef(2, "heroma", "Heroma", "active")
HOGIA = SystemRef(3, "hogia", "Hogia Lön Plus", "active")
SAP = SystemRef(4, "sap", "SAP SuccessFactors Employee Central Payroll", "active")


def _flows() -> Flows:
    flows = (PairFlow(PERSONEC, HEROMA, 7), PairFlow(HEROMA, PERSONEC, 2),
             PairFlow(HOGIA, HEROMA, 1), PairFlow(SAP, HOGIA, 3))
    balances = (Balance(HEROMA, 8, 2), Balance(HOGIA, 3, 1), Balance(SAP, 0, 3),
                Balance(PERSONEC, 2, 7))
    return Flows(Filters(sector="kommun"), 2022, flows, balances)


def _svg(flows=None, drawn=None):
    flows = flows or _flows()
    markup = charts.flow_chart("chart-flows", flows, flows.flows if drawn is None else drawn)
    return markup, ET.fromstring(str(markup))


def test_the_diagram_is_valid_svg_with_a_title_and_a_description():
    markup, root = _svg()
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-flows-title chart-flows-desc"
    title = root.find(f"{SVG}title")
    assert title is not None and title.get("id") == "chart-flows-title"
    assert title.text == "Byten mellan lönesystem sedan 2022"
    desc = root.find(f"{SVG}desc")
    assert "Personec P −5 (2 kom, 7 lämnade)" in desc.text
    assert "Heroma +6 (8 kom, 2 lämnade)" in desc.text
    assert "<script" not in markup and "style=" not in markup


def test_one_band_per_flow_each_named_with_its_organisations():
    _markup, root = _svg()
    bands = [path for path in root.iter(f"{SVG}path") if path.get("class") == "flow-band"]
    assert len(bands) == 4
    titles = [band.find(f"{SVG}title").text for band in bands]
    assert "Från Personec P till Heroma: 7 organisationer" in titles
    assert "Från Hogia Lön Plus till Heroma: 1 organisation" in titles
    # A band is as thick as its organisations: the biggest flow is the widest.
    def thickness(band):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", band.get("d"))]
        return numbers[-1] - numbers[1]  # the lower edge's y at the start minus the upper's
    widths = dict(zip(titles, map(thickness, bands), strict=True))
    assert widths["Från Personec P till Heroma: 7 organisationer"] > \
        widths["Från Heroma till Personec P: 2 organisationer"] > 0


def test_only_the_flows_drawn_get_a_band():
    flows = _flows()
    _markup, root = _svg(flows, flows.largest(2))
    bands = [path for path in root.iter(f"{SVG}path") if path.get("class") == "flow-band"]
    assert len(bands) == 2


def test_each_system_shows_its_net_gain_or_loss():
    _markup, root = _svg()
    nets = [text.text for text in root.iter(f"{SVG}text")
            if "flow-net" in (text.get("class") or "")]
    assert nets == ["+6", "+2", "−3", "−5"]  # as the balances come, largest gain first
    bars = [rect.get("class") for rect in root.iter(f"{SVG}rect")
            if rect.get("class") in ("bar", "bar-negative")]
    assert bars == ["bar", "bar", "bar-negative", "bar-negative"]


def test_it_is_drawn_for_a_phone_and_long_names_are_shortened():
    _markup, root = _svg()
    _x, _y, width, _height = map(float, root.get("viewBox").split())
    assert width <= 390  # 1 unit per pixel or more on a 390 px wide phone
    labels = [text.text for text in root.iter(f"{SVG}text")]
    # A label beside a bar fits its column: the name cut.
    assert "SAP SuccessFact…" in labels and "Hogia Lön Plus" in labels
    # The full name and the count are kept for the bar's own tooltip.
    assert any(title.text == f"{SAP.name}: 3 organisationer"
               for title in root.iter(f"{SVG}title"))


def test_nothing_to_draw_gives_no_diagram():
    assert charts.flow_chart("chart-flows", Flows(Filters(), 2022), ()) is None
