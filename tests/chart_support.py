"""Shared by the chart's tests: libraries of real records (the demo library; plus the metapub
PubMed efetch records: journals with long names, a few articles from the 1970s), the chart drawn
at a size, and the layout measured with matplotlib's own renderer."""
from __future__ import annotations

import shutil
from datetime import date, datetime, timezone

import pytest

SIZES = ((700, 620), (1000, 860), (1400, 1000))


@pytest.fixture
def demo(lib):
    from amlref.gui.demo import load_demo
    load_demo(lib)
    return lib


@pytest.fixture(scope="module")
def pubmed_library(tmp_path_factory):
    """Demo library + the real PubMed efetch records (imported and classified once)."""
    from support import corpus
    folder = corpus("pubmed", "metapub-pmid-xml")
    files = [str(p) for p in sorted(folder.glob("*.xml"))
             if "<PubmedArticle>" in p.read_text("utf-8")]
    tmp = tmp_path_factory.mktemp("pubmed-lib")
    with pytest.MonkeyPatch.context() as mp:
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            mp.setenv(var, str(tmp / var))
        from amlref.gui.demo import load_demo
        from amlref.services.importing import import_paths
        from amlref.storage.library import Library
        lib = Library.open(tmp / "pubmed.sqlite")
        load_demo(lib)
        import_paths(lib, files)
        lib.close()
    return tmp / "pubmed.sqlite"


@pytest.fixture
def pubmed(pubmed_library, tmp_path):
    from amlref.storage.library import Library
    path = tmp_path / "library.sqlite"
    shutil.copy(pubmed_library, path)
    library = Library.open(path)
    yield library
    library.close()


def stamp(d: date | datetime) -> str:
    if not isinstance(d, datetime):
        d = datetime(d.year, d.month, d.day, 12, tzinfo=timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.000000Z")


def drawn(data, size=(1000, 860), title="All articles"):
    """The chart figure drawn with Agg at ``size`` pixels; (figure, renderer)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from amlref.services.chart import figure
    fig = Figure(figsize=(size[0] / 100, size[1] / 100), dpi=100)
    canvas = FigureCanvasAgg(fig)
    figure(data, title, fig)
    canvas.draw()
    return fig, canvas.get_renderer()


def extents(fig, renderer):
    """What is drawn, as matplotlib measures it: each panel with its title, tick labels, axis
    labels, legend and texts (ticks out of view and hidden axes left out), and the title."""
    out = [(ax.get_title(loc="left"), ax.get_tightbbox(renderer)) for ax in fig.axes]
    if fig._suptitle is not None:
        out.append((fig._suptitle.get_text(), fig._suptitle.get_window_extent(renderer)))
    return out


def assert_inside(fig, renderer):
    w, h = fig.bbox.width, fig.bbox.height
    for what, box in extents(fig, renderer):
        assert box.x0 >= -0.5 and box.y0 >= -0.5, (what, box, w, h)
        assert box.x1 <= w + 0.5 and box.y1 <= h + 0.5, (what, box, w, h)


def tick_labels(axis):
    return [t for t in axis.get_majorticklabels() if t.get_visible() and t.get_text()]


def assert_apart(labels, renderer):
    boxes = sorted((t.get_window_extent(renderer) for t in labels), key=lambda b: b.x0)
    for a, b in zip(boxes, boxes[1:]):
        assert a.x1 <= b.x0 + 0.5, "tick labels overlap"
