"""Where the chart's three panels go (services/chart_figure.py): the room each panel needs
around its axes — its title above, the tick labels and axis label on the left, the time labels
below, the legend or the bar counts on the right — measured from the font metrics of those
texts once per figure and resolution, then the panels placed by arithmetic at every draw (a
resized window moves them; nothing is measured again).

Matplotlib's constrained layout placed them before (session 5) by asking every artist for its
extent at every draw, ticks re-made each time: about half of the drawing of a 100,000-article
chart (docs/decisions/0072-chart-speed.md).  The bounds used here hold whatever ticks the
locators choose: the y tick labels are counts no wider than the axis's top, the x labels of the
time axes are one or two lines, the journal names and counts are known.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Callable

from matplotlib import rcParams
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import LayoutEngine

PAD = 8          # points around the figure and between the panels
MIN_SIZE = (700, 640)   # pixels at 100 dpi: the smallest chart the layout is made for (the
                        # window's least size; tests/test_chart_layout.py draws it crowded)
LINE = 1.2       # matplotlib's line spacing of multi-line texts


@dataclass
class Room:
    """What a panel needs around its axes, in pixels."""
    left: float = 0.0
    right: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    share: float = 0.0    # more on the right, as a share of the axes' width (legend anchor)
    tall: float = 0.0     # the axes plus the room below must be this tall (the legend)
    least: float = 0.0    # the axes must be this tall (the y label, the rows of names)


Measure = Callable[[object], Room]     # renderer -> Room


_SIZES: dict[tuple, tuple[float, float]] = {}


def _size(renderer, text: str, size, weight: str = "normal") -> tuple[float, float]:
    """(width, height) in pixels of ``text`` (lines split at newlines) at font ``size``
    (remembered: the same few texts are measured at every chart)."""
    key = (text, size, weight, renderer.points_to_pixels(72))   # (SVG measures in points)
    if key not in _SIZES:
        if len(_SIZES) > 4096:
            _SIZES.clear()
        prop = FontProperties(size=size, weight=weight)
        lines = text.split("\n")
        width = max(renderer.get_text_width_height_descent(s or " ", prop, ismath=False)[0]
                    for s in lines)
        _w, line, _d = renderer.get_text_width_height_descent("lp", prop, ismath=False)
        _SIZES[key] = (width, line * (1 + LINE * (len(lines) - 1)) + line * 0.25)
    return _SIZES[key]


def _fit(renderer, text: str, size, weight: str, room: float) -> str:
    """``text`` wrapped at word ends into lines no wider than ``room`` pixels (a word longer
    than that stays whole)."""
    width = _size(renderer, text, size, weight)[0]
    chars = len(text)
    while width > room and chars > 10:
        chars = max(10, int(chars * room / width) - 1)
        wrapped = "\n".join(textwrap.wrap(text, chars)) or text
        width = _size(renderer, wrapped, size, weight)[0]
    return wrapped if chars < len(text) else text


def _points(renderer, pt: float) -> float:
    return renderer.points_to_pixels(pt)


def _title(ax, renderer) -> float:
    text = ax.get_title("left") or ax.get_title()
    return _size(renderer, text, rcParams["axes.titlesize"])[1] + _points(
        renderer, rcParams["axes.titlepad"])


def _tick(renderer, axis: str) -> float:
    return _points(renderer, rcParams[f"{axis}.major.size"] + rcParams[f"{axis}.major.pad"])


def time_room(ax, x_lines: int, legend=None) -> Measure:
    """An axes with counts on the y axis, labelled, and ``x_lines`` lines of x tick labels;
    ``legend``: outside on the right, anchored at the axes' top (x = 1.01 of its width)."""
    def measure(renderer) -> Room:
        room = Room(top=_title(ax, renderer))
        if not ax.axison:
            return room
        top = str(int(max(ax.get_ylim())))
        digits, line = _size(renderer, "0" * len(top), rcParams["ytick.labelsize"])
        label_w, label = _size(renderer, ax.get_ylabel(), ax.yaxis.label.get_fontsize())
        room.least = label_w + _points(renderer, 4)            # (the label is upright)
        room.left = label + _points(renderer, rcParams["axes.labelpad"]) + digits + _tick(
            renderer, "ytick")
        room.left += _points(renderer, 2)
        _w, lines = _size(renderer, "\n".join(["0"] * x_lines), rcParams["xtick.labelsize"])
        room.bottom = lines + _tick(renderer, "xtick")
        # the last x label is centred on the axes' right end at most
        room.right = _size(renderer, "30 Nov", rcParams["xtick.labelsize"])[0] / 2
        if legend is not None:
            box = legend.get_window_extent(renderer)
            room.right, room.share, room.tall = box.width, 0.01, box.height
        return room
    return measure


def names_room(ax, names: list[str], counts: list[str], size) -> Measure:
    """Horizontal bars: the names as y tick labels (no tick marks), counts after the bars."""
    def measure(renderer) -> Room:
        room = Room(top=_title(ax, renderer))
        if names:
            room.left = max(_size(renderer, n, size)[0] for n in names) + _points(
                renderer, rcParams["ytick.major.pad"] + 2)
            room.right = max(_size(renderer, c, size)[0] for c in counts)
            _w, line, _d = renderer.get_text_width_height_descent(
                "lp", FontProperties(size=size), ismath=False)
            room.least = max(len(names), 4) * line * 1.1     # (the axis holds 4 rows at least)
        return room
    return measure


def _slots(free: float, ratios, needs) -> list[float]:
    """Heights of the panels' slots: ``free`` shared by ``ratios``, but none below its need
    (the others share what is left); all cut alike when even the needs do not fit."""
    fixed: dict[int, float] = {}
    while True:
        open_ = [i for i in range(len(ratios)) if i not in fixed]
        rest = free - sum(fixed.values())
        total = sum(ratios[i] for i in open_)
        shares = {i: rest * ratios[i] / total for i in open_} if total > 0 else {}
        short = [i for i in open_ if shares[i] < needs[i]]
        if not short:
            break
        fixed.update((i, needs[i]) for i in short)
    cut = min(1.0, free / sum(fixed.values())) if fixed else 1.0
    return [fixed[i] * cut if i in fixed else shares[i] for i in range(len(ratios))]


class PanelLayout(LayoutEngine):
    """Panels stacked top to bottom in slots of the given height ratios (a slot grows to hold
    its legend), the figure's title above them; the time panels' left edges aligned."""
    _adjust_compatible = False
    _colorbar_gridspec = False

    def __init__(self, panels: list[tuple[object, Measure]], ratios: tuple[float, ...],
                 aligned: tuple[int, ...] = ()):
        super().__init__()
        self.panels, self.ratios, self.aligned = panels, ratios, aligned
        self._rooms: dict[float, list[Room]] = {}
        self.title = ""             # the figure's title as given (shown wrapped when too long)

    def rooms(self, fig) -> list[Room]:
        if fig.dpi not in self._rooms:
            renderer = fig._get_renderer()
            rooms = [measure(renderer) for _ax, measure in self.panels]
            left = max((rooms[i].left for i in self.aligned), default=0)
            for i in self.aligned:
                rooms[i].left = left
            self._rooms = {fig.dpi: rooms}
        return self._rooms[fig.dpi]

    def execute(self, fig) -> None:
        rooms = self.rooms(fig)
        width, height = fig.bbox.width, fig.bbox.height
        pad = PAD * fig.dpi / 72
        top = pad
        title = fig._suptitle
        if title is not None and title.get_text():
            # (wrapped to the figure's width: a view's label can be long)
            renderer = fig._get_renderer()
            self.title = self.title or title.get_text()
            weight = title.get_fontweight()
            text = _fit(renderer, self.title, title.get_fontsize(), weight, width - 2 * pad)
            title.set_text(text)
            top += _size(renderer, text, title.get_fontsize(), weight)[1] + pad / 2
            title.set_y(1 - pad / height)
            title.set_verticalalignment("top")
        free = height - top - pad * len(rooms)
        needs = [r.top + max(r.tall, r.bottom + max(r.least, 10)) for r in rooms]
        slots = _slots(free, self.ratios, needs)
        y = height - top
        for (ax, _m), room, slot in zip(self.panels, rooms, slots):
            x0 = pad + room.left
            w = max(1.0, (width - x0 - pad - room.right) / (1 + room.share))
            h = max(1.0, slot - room.top - room.bottom)
            y0 = y - room.top - h
            ax.set_position((x0 / width, y0 / height, w / width, h / height))
            # the panel's title starts at the figure's margin, over the axis labels too
            ax._left_title.set_x(-room.left / w)
            y -= slot + pad
