"""A name list cut short in formatted references: it always ends in the style's "et al."
(docs/decisions/0033).

CSL's et-al rules (``et-al-min``, ``et-al-use-first``, CSL 1.0.2 "Name" options) are written for
a complete list: truncate when it has at least et-al-min names.  A list known to go on
(``and others``, ``custom.et-al``) has at least one name more than it shows, so it is rendered
as that longer list would be: the style's truncation when one more name reaches et-al-min
(Vancouver: six names and "et al."; APA in-text: "Smith et al."), otherwise every name given
and "et al." after them ("Antognini A, et al.", never "Smith J and Jones K" for a list of
more).  ``et-al-use-last`` (APA's "... Last") needs the last name, which is not known: plain
"et al." instead.

citeproc-py 0.11 has no notion of it; its ``Name.process`` reads the list from the reference
and the options through ``get_option``, whose ``sort_options`` overrides the style.  So a cut
list is a ``CutNames`` in the reference, and ``install()`` wraps ``Name.process`` once: for a
``CutNames`` it passes the list with a stand-in for the names not known (always cut off) and the
options above; its length counts the stand-in, so a label is plural ("eds.").  Other lists go
through untouched."""
from __future__ import annotations

import threading

_LOCK = threading.Lock()


class CutNames(list):
    """A reference's name list that goes on after its last name.  Its length counts one name
    more (citeproc-py asks ``len() > 1`` for a plural label: "eds." for "Kantarjian H et al.")."""

    def __len__(self) -> int:
        return list.__len__(self) + 1

    @property
    def given(self) -> int:
        """How many names it holds."""
        return list.__len__(self)


class _Ref:
    """The reference as the wrapped process sees it: one variable's list one name longer."""

    def __init__(self, ref, variable: str, names: list):
        self._ref, self._variable, self._names = ref, variable, names

    def get(self, key, default=None):
        return self._names if key == self._variable else self._ref.get(key, default)

    def __getattr__(self, name):
        return getattr(self._ref, name)


class _Item:
    def __init__(self, item, ref: _Ref):
        self._item, self.reference = item, ref

    def __getattr__(self, name):
        return getattr(self._item, name)


def mark(source, cut: dict[str, list[str]]) -> None:
    """Make the lists of ``cut`` (reference id -> CSL name variables) CutNames in a citeproc
    BibliographySource."""
    for key, roles in cut.items():
        ref = source.get(key.lower())
        for role in roles:
            var = role.replace("-", "_")
            if ref is not None and ref.get(var):
                ref[var] = CutNames(ref[var])


def options(n: int, et_al_min: int, use_first: int) -> dict[str, str]:
    """The et-al options that render a list of ``n`` names known to go on, as a list of
    ``n + 1`` (the stand-in) that is always truncated."""
    first = min(use_first, n) if et_al_min and n + 1 >= et_al_min else n
    return {"et-al-min": str(n + 1), "et-al-use-first": str(max(first, 1)),
            "et-al-use-last": "false"}


def install() -> None:
    """Wrap citeproc-py's Name.process (once)."""
    from citeproc import model
    from citeproc.source import Name as Person
    with _LOCK:
        if getattr(model.Name.process, "_cut_short", False):
            return
        original = model.Name.process

        def process(self, item, variable, context=None, sort_options=None, **kwargs):
            names = item.reference.get(variable, None)
            if not isinstance(names, CutNames) or not names.given:
                return original(self, item, variable, context=context,
                                sort_options=sort_options, **kwargs)
            opts = dict(sort_options or {})
            opts.update(options(names.given,
                                self.get_option("et-al-min", context, sort_options),
                                self.get_option("et-al-use-first", context, sort_options)))
            longer = [*names, Person(family="\u2026")]
            return original(self, _Item(item, _Ref(item.reference, variable, longer)), variable,
                            context=context, sort_options=opts, **kwargs)

        process._cut_short = True
        model.Name.process = process
