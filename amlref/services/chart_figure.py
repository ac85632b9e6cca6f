"""Drawing the field at a glance (services/chart.py's numbers) with matplotlib: one figure,
three panels stacked, placed by services/chart_layout.py (margins measured from the texts
once, the panels moved by arithmetic at every draw, so a resized window keeps every text
inside); the journals' long names widen only their own panel's left margin.  The same
function draws the window's figure and `amlref chart`'s file.

- Articles per year, stacked by category: a category's colour is fixed (chart.PALETTE by its
  place in the taxonomy), "(no category)" light grey on top; the years before the range that
  holds 95% of the dated articles (at least the last 5 years shown) are summed up in one
  "before YEAR" bar set apart on the left when they are a long tail (3 years or more, and 30%
  of the years shown or more); the legend is outside the bars, on the right.
- New articles per week: one bar per week (Monday to Sunday), labelled by the week's Monday
  ("30 Nov", with the year on the first label and where the year changes); at least 8
  weeks wide so one week is not a bar across the panel; an empty history says so.
- Top journals: horizontal bars with their counts; a name longer than 40 characters is given
  as its NLM abbreviation when the library has one, cut with "…" otherwise.

Bars are drawn as one PolyCollection per series (a Rectangle per bar costs ~0.6 ms to add),
the journals' too.
"""
from __future__ import annotations

import math
import textwrap
from datetime import date, timedelta

from matplotlib import rcParams
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import Formatter, Locator, MaxNLocator

from amlref.services.chart import ChartData
from amlref.services.chart_layout import Measure, PanelLayout, names_room, time_room

SHARE = 0.95            # the year axis starts where this share of the dated articles begins
MIN_YEARS = 5           # ... but shows at least this many years
MIN_COLLAPSED = 3       # ... and sums up the years before only when they are this many or more
TAIL = 0.3              # ... and at least this share of the years shown on their own
MIN_WEEKS = 8
NAME_CHARS = 40
LEGEND_CHARS = 28
QUIET = "#666666"
OVERLAP = "an article in two\ncategories counts in both"
YEAR_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000)
WEEK_STEPS = (1, 2, 4, 8, 13, 26, 52, 104, 260, 520, 1040)     # (a quarter: 13 weeks)


def draw(data: ChartData, title: str = "", fig: Figure | None = None) -> Figure:
    fig = fig or Figure(figsize=(10, 9))
    fig.clear()
    if title:
        fig.suptitle(title, fontweight="bold")
    rows = max(3, min(10, len(data.journals)))
    years, weeks, journals = (fig.add_axes((0, 0, 1, 1)) for _ in range(3))
    panels = [(years, years_panel(years, data)), (weeks, weeks_panel(weeks, data)),
              (journals, journals_panel(journals, data))]
    fig.set_layout_engine(PanelLayout(
        panels, (3.2, 2.1 if data.weeks else 0.8, 0.9 + 0.2 * rows), aligned=(0, 1)))
    return fig


# -- articles per year -------------------------------------------------------------------------
def year_range(years: list[int], per_year: list[int]) -> int | None:
    """The first year shown on its own: where the range that holds SHARE of the dated articles
    begins (MIN_YEARS at least); None when no years would be summed up."""
    total = sum(per_year)
    if not total:
        return None
    need, seen, first = SHARE * total, 0, years[-1]
    for year, n in zip(reversed(years), reversed(per_year)):
        seen += n
        first = year
        if seen >= need:
            break
    first = min(first, years[-1] - MIN_YEARS + 1)
    # only a long tail is worth a bar of its own: a few early years of an even history stay
    if first - years[0] < max(MIN_COLLAPSED, TAIL * (years[-1] - first + 1)):
        return None
    return first


def years_panel(ax, data: ChartData) -> Measure:
    what = f"{data.total:,} in the view"
    if data.undated:
        what += f", {data.undated:,} without a year"
    ax.set_title(f"Articles per year by category ({what})", loc="left", y=1.0)
    if not data.years:
        _empty(ax, "no article in the view has a year")
        return time_room(ax, 1)
    first = year_range(data.years, data.per_year)
    cut = data.years.index(first) if first is not None else 0
    shown = data.years[cut:]
    earlier = first - 2 if first is not None else None
    bottom = [0] * len(shown)
    before = 0
    for label, row in data.by_year.items():
        colour = data.colours.get(label, QUIET)
        top = [b + n for b, n in zip(bottom, row[cut:])]
        _bars(ax, shown, bottom, top, colour, label=_wrap(label))
        bottom = top
        if earlier is not None and sum(row[:cut]):
            n = sum(row[:cut])
            _bars(ax, [earlier], [before], [before + n], colour, hatch="///", edgecolor="white",
                  linewidth=0)
            before += n
    left = earlier if earlier is not None else min(shown[0], shown[-1] - MIN_YEARS + 1)
    ax.set_xlim(left - 0.6, shown[-1] + 0.6)           # (one year is not one huge bar)
    ax.set_ylim(0, max(bottom + [before]) * 1.08 or 1)
    ax.xaxis.set_major_locator(IndexTicks(left if earlier is None else shown[0], shown[-1], 4,
                                          extra=earlier))
    if earlier is not None:
        ax.xaxis.set_major_formatter(YearLabels(earlier, first))
        ax.axvline(earlier + 1, color="#999999", linewidth=0.8, linestyle=(0, (2, 2)))
    else:
        ax.xaxis.set_major_formatter(YearLabels(None, None))
    ax.yaxis.set_major_locator(MaxNLocator(nbins="auto", integer=True))
    ax.set_ylabel("articles")
    ax.spines[["top", "right"]].set_visible(False)
    if data.by_year:
        several = sum(map(sum, data.by_year.values())) > sum(data.per_year)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small",
                  frameon=False, borderaxespad=0, handlelength=1.2, alignment="left",
                  title=OVERLAP if several else None, title_fontsize="x-small")
        if several:
            ax.get_legend().get_title().set_color(QUIET)
    return time_room(ax, 2 if earlier is not None else 1, ax.get_legend())


class YearLabels(Formatter):
    def __init__(self, earlier, first):
        self.earlier, self.first = earlier, first

    def __call__(self, x, pos=None):
        if self.earlier is not None and round(x) == self.earlier:
            return f"before\n{self.first}"
        return f"{round(x)}"


# -- new articles per week ---------------------------------------------------------------------
def weeks_panel(ax, data: ChartData) -> Measure:
    ax.set_title("New articles per week from the watches", loc="left", y=1.0)
    if not data.weeks:
        _empty(ax, "no watch yet (Watches menu, or amlref watch add)" if not data.watches else
               "the watches brought no new article in the last weeks")
        return time_room(ax, 1)
    n = len(data.weeks)
    x = list(range(n))
    _bars(ax, x, [0] * n, data.per_week, "#4c72b0", width=0.8)
    first = min(0, n - MIN_WEEKS)
    ax.set_xlim(first - 0.6, n - 0.4)
    start = date.fromisoformat(data.weeks[0])
    if data.watched_since and first < 0 and date.fromisoformat(data.watched_since) >= start:
        # the weeks shown only to keep the bars narrow, before there was any watch
        ax.axvspan(first - 0.6, -0.5, color="#f2f2f2", linewidth=0)
        if -first >= 3:
            ax.text((first - 0.5) / 2, 0.5, "no watch yet", transform=ax.get_xaxis_transform(),
                    ha="center", va="center", color=QUIET, fontsize="small", clip_on=True)
    ax.set_ylim(0, max(data.per_week) * 1.12 or 1)
    ax.xaxis.set_major_locator(IndexTicks(first, n - 1, 6, from_end=True, steps=WEEK_STEPS))
    ax.xaxis.set_major_formatter(WeekLabels(start))
    ax.yaxis.set_major_locator(MaxNLocator(nbins="auto", integer=True))
    ax.set_ylabel("articles")
    ax.spines[["top", "right"]].set_visible(False)
    return time_room(ax, 2)


class WeekLabels(Formatter):
    """Week index -> its Monday ("30 Nov"); the year on the first label and where it changes."""

    def __init__(self, start: date):
        self.start = start

    def day(self, x) -> date:
        return self.start + timedelta(weeks=round(x))

    def __call__(self, x, pos=None):
        d = self.day(x)
        return f"{d.day} {d:%b}\n{d.year}"

    def format_ticks(self, values):
        out, year = [], None
        for v in values:
            d = self.day(v)
            out.append(f"{d.day} {d:%b}" + (f"\n{d.year}" if d.year != year else ""))
            year = d.year
        return out


# -- top journals ------------------------------------------------------------------------------
def journal_name(name: str, abbreviations: dict[str, str]) -> str:
    if len(name) <= NAME_CHARS:
        return name
    short = abbreviations.get(name, "")
    if short and len(short) <= NAME_CHARS:
        return short
    return name[:NAME_CHARS - 1].rstrip() + "…"


def journals_panel(ax, data: ChartData) -> Measure:
    ax.set_title("Top journals", loc="left", y=1.0)
    if not data.journals:
        _empty(ax, "no journal names in the view")
        return names_room(ax, [], [], "small")
    names = [journal_name(j, data.abbreviations) for j, _ in data.journals][::-1]
    counts = [n for _, n in data.journals][::-1]
    y = list(range(len(names)))
    _bars(ax, y, [0] * len(y), counts, "#55a868", width=0.7, horizontal=True)
    labels = [f" {n:,}" for n in counts]
    for yi, n, label in zip(y, counts, labels):
        ax.text(n, yi, label, va="center", ha="left", fontsize="small", color=QUIET)
    ax.set_yticks(y, names, fontsize="small")
    ax.set_ylim(len(names) - 0.4 - max(len(names), 4), len(names) - 0.4)  # (one: not fat)
    ax.set_xlim(0, max(counts) * 1.12)
    ax.xaxis.set_visible(False)               # (the counts are on the bars)
    ax.tick_params(axis="y", length=0)
    ax.spines[["top", "right", "bottom"]].set_visible(False)
    return names_room(ax, names, labels, "small")


# -- shared pieces -----------------------------------------------------------------------------
def _bars(ax, x, bottom, top, colour, width=0.85, horizontal=False, **kw) -> PolyCollection:
    """Bars at ``x`` from ``bottom`` to ``top`` as one collection (``horizontal``: ``x`` are
    the bars' places on the y axis)."""
    h = width / 2
    verts = [((xi - h, b), (xi - h, t), (xi + h, t), (xi + h, b))
             for xi, b, t in zip(x, bottom, top) if t > b]
    if horizontal:
        verts = [[(v, u) for u, v in bar] for bar in verts]
    bars = PolyCollection(verts, facecolors=colour, edgecolors=kw.pop("edgecolor", "none"),
                          **kw)
    ax.add_collection(bars, autolim=False)
    return bars


def _empty(ax, text: str) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.45, text, ha="center", va="center", transform=ax.transAxes, color=QUIET)


def _wrap(label: str) -> str:
    return "\n".join(textwrap.wrap(label, LEGEND_CHARS)) or label


class IndexTicks(Locator):
    """Integer ticks from ``first`` to ``last``, every 1, 2, 5, 10... ``steps`` as the axis holds
    labels of ``chars`` characters (counted at every draw: the window can be resized); aligned
    on multiples of the step, or counted back from ``last`` (``from_end``); ``extra``: one more
    tick (the "before" bar)."""

    def __init__(self, first: int, last: int, chars: int, extra: int | None = None,
                 from_end: bool = False, steps: tuple[int, ...] = YEAR_STEPS):
        self.first, self.last, self.chars = first, last, chars
        self.extra, self.from_end, self.steps = extra, from_end, steps

    def room(self) -> int:
        ax = self.axis.axes
        size = FontProperties(size=rcParams["xtick.labelsize"]).get_size_in_points()
        width = ax.bbox.width * 72 / ax.figure.dpi
        n = int(width / (size * (0.62 * self.chars + 1.2)))
        return max(1, n - (2 if self.extra is not None else 0))

    def __call__(self):
        return self.tick_values(self.first, self.last)

    def tick_values(self, vmin, vmax):
        span = self.last - self.first + 1
        room = self.room() if self.axis is not None else 10
        step = next((s for s in self.steps if math.ceil(span / s) <= room), span)
        if self.from_end:
            ticks = list(range(self.last, self.first - 1, -step))[::-1]
        else:
            ticks = list(range(-(-self.first // step) * step, self.last + 1, step)) or [
                self.last]
        return ([self.extra] if self.extra is not None else []) + ticks
