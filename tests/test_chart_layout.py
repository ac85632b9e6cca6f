"""The chart's layout where fixed margins could go wrong (services/chart_layout.py): a crowded
chart at three sizes, and SVG (measured in points) against PNG."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from chart_support import (SIZES, assert_apart, assert_inside, drawn,  # noqa: F401
                           pubmed, pubmed_library, tick_labels)


def crowded(growing: bool):
    """Numbers a fixed-margin layout could get wrong: 40 years, the 7 top-level categories
    of the taxonomy and "(no category)" (long labels wrapped in the legend), six-digit counts,
    journal names longer than the room with and without an NLM abbreviation, 26 weeks."""
    from amlref.services.chart import NONE, NONE_COLOUR, PALETTE, ChartData
    from amlref.taxonomy.model import load
    roots = load().roots("category")
    assert len(roots) == 7
    years = list(range(1986, 2026))
    d = ChartData(years=years, watches=1)
    base = [(k + 1) ** 3 if growing else 3_000 for k in range(40)]
    for i, root in enumerate(roots):
        d.by_year[root.label] = [b // (i + 2) for b in base]
        d.colours[root.label] = PALETTE[i]
    d.by_year[NONE] = [b * 2 for b in base]
    d.colours[NONE] = NONE_COLOUR
    d.per_year = [sum(row[k] for row in d.by_year.values()) * 2 // 3 for k in range(40)]
    d.total = sum(d.per_year) + 12
    d.undated = 12
    monday = date(2026, 11, 30)
    d.weeks = [(monday - timedelta(weeks=k)).isoformat() for k in range(25, -1, -1)]
    d.per_week = [1_500 - 37 * k for k in range(26)]
    d.watched_since = d.weeks[0]
    pnas = "Proceedings of the National Academy of Sciences of the United States of America"
    bbmt = ("Biology of Blood and Marrow Transplantation : Journal of the American Society for "
            "Blood and Marrow Transplantation")
    names = [pnas, bbmt, "Journal for ImmunoTherapy of Cancer", "Blood", "Leukemia",
             "Cancer Immunology, Immunotherapy : CII", "Frontiers in Immunology",
             "Bone Marrow Transplantation", "Haematologica", "Blood Advances"]
    d.journals = [(n, 240_000 // (k + 1)) for k, n in enumerate(names)]
    d.abbreviations = {pnas: "Proc Natl Acad Sci U S A"}
    return d


@pytest.mark.parametrize("growing", [False, True])
def test_a_crowded_chart_keeps_its_texts_apart(growing):
    from amlref.services.chart_figure import OVERLAP, year_range
    data = crowded(growing)
    assert (year_range(data.years, data.per_year) is not None) == growing   # "before" bar
    from amlref.services.chart_layout import MIN_SIZE
    sizes = [MIN_SIZE] + [s for s in SIZES if s[0] >= MIN_SIZE[0] and s[1] >= MIN_SIZE[1]]
    assert len(sizes) == 3
    for size in sizes:
        fig, renderer = drawn(data, size, title="Articles brought by the watch AML CAR-T "
                                                "and bispecific T-cell engagers")
        years, weeks, journals = fig.axes
        assert_inside(fig, renderer)
        boxes = [ax.get_tightbbox(renderer) for ax in fig.axes]   # legend and labels included
        title = fig._suptitle.get_window_extent(renderer)
        assert title.y0 >= boxes[0].y1 - 0.5, size
        for upper, lower in zip(boxes, boxes[1:]):
            assert upper.y0 >= lower.y1 - 0.5, (size, upper, lower)
        legend = years.get_legend()
        assert legend.get_title().get_text() == OVERLAP
        box = legend.get_window_extent(renderer)
        assert box.x0 >= years.bbox.x1 and box.x1 <= size[0] and box.y0 >= boxes[1].y1, size
        texts = [t.get_text() for t in legend.get_texts()]
        assert len(texts) == 8 and "\n" in texts[6]               # wrapped, all shown
        for ax in (years, weeks):
            labels = tick_labels(ax.xaxis)
            assert len(labels) >= 3
            assert_apart(labels, renderer)
            numbers = tick_labels(ax.yaxis)
            widest = max(len(t.get_text()) for t in numbers)
            assert widest >= (6 if ax is years and growing else 4)
            ylabel = ax.yaxis.label.get_window_extent(renderer)
            assert ylabel.x0 >= 0 and ylabel.x1 <= min(
                t.get_window_extent(renderer).x0 for t in numbers), size
            # the upright label fits beside its axes, not up into the title
            assert ax.bbox.y0 - 0.5 <= ylabel.y0 and ylabel.y1 <= ax.bbox.y1 + 0.5, size
        names = tick_labels(journals.yaxis)
        assert [t.get_text() for t in names][::-1][:2] == ["Proc Natl Acad Sci U S A",
                                                         "Biology of Blood and Marrow Transplanta…"]
        assert min(t.get_window_extent(renderer).x0 for t in names) >= 0
        rows = sorted((t.get_window_extent(renderer) for t in names), key=lambda b: b.y0)
        for lower, upper in zip(rows, rows[1:]):
            assert lower.y1 <= upper.y0 + 0.5, (size, "journal names overlap")
        assert max(t.get_window_extent(renderer).x1 for t in names) <= journals.bbox.x0
        counts = [t.get_window_extent(renderer) for t in journals.texts]
        assert max(b.x1 for b in counts) <= size[0] and journals.texts[-1].get_text() == (
            " 240,000")


def test_svg_and_png_layouts_do_not_depend_on_which_was_drawn_first(pubmed, tmp_path):
    """Text sizes are remembered per resolution: an SVG (measured in points) and a PNG at
    120 dpi are laid out the same whichever was drawn first."""
    import re
    from PIL import Image
    from amlref.services import chart_layout
    from amlref.services.chart import chart_data, save
    data = chart_data(pubmed)

    def svg(name):
        save(data, tmp_path / name, "All articles")
        text = (tmp_path / name).read_text("utf-8")
        text = re.sub(r"<dc:date>[^<]*</dc:date>", "", text)
        return re.sub(r'(id="|#)[A-Za-z_]*[0-9a-f]{8,}', r"\1id", text)     # generated ids

    def png(name):
        save(data, tmp_path / name, "All articles")
        with Image.open(tmp_path / name) as im:
            return im.convert("RGB").tobytes()
    chart_layout._SIZES.clear()
    svg_first, png_second = svg("1.svg"), png("1.png")
    chart_layout._SIZES.clear()
    png_first, svg_second = png("2.png"), svg("2.svg")
    assert svg_first == svg_second and png_first == png_second
