"""Export the citation graph of a set of articles as GraphML (Gephi, Cytoscape, yEd) or DOT
(Graphviz).

Nodes are the articles of the set; with ``external=True`` also the works they cite or are
similar to outside the set (other library articles and reference stubs), marked
``in_view=false``.  ``cited_by``: library articles citing a node (for the set's articles and
for works not in the library).  Node ids: ``a<article id>`` and ``s<stub id>``.  Edges ``cites`` are
directed citing -> cited; ``similar`` edges are exported once per pair."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Iterable, TYPE_CHECKING
from xml.sax.saxutils import escape as _xml_escape

from amlref.citations.graph import article_rows

if TYPE_CHECKING:  # pragma: no cover
    from amlref.storage.library import Library

# Characters XML 1.0 does not allow (ElementTree would write them and produce invalid XML).
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

NODE_KEYS = (("label", "string"), ("title", "string"), ("year", "int"), ("authors", "string"),
             ("container", "string"), ("doi", "string"), ("pmid", "string"),
             ("in_library", "boolean"), ("in_view", "boolean"), ("cited_by", "int"))
EDGE_KEYS = (("kind", "string"), ("origin", "string"))


@dataclass
class Graph:
    nodes: dict[str, dict] = field(default_factory=dict)     # node id -> attributes
    edges: list[tuple[str, str, str, str]] = field(default_factory=list)  # src, dst, kind, origin


def collect_graph(lib: "Library", article_ids: Iterable[int], external: bool = False,
                  kinds: Iterable[str] = ("cites", "similar")) -> Graph:
    ids = list(dict.fromkeys(int(i) for i in article_ids))
    kinds = tuple(kinds)
    g = Graph()
    inside = set(ids)
    arts = article_rows(lib, ids)
    cited_by = lib.citations.count_cited_by(ids)
    for aid in ids:
        r = arts.get(aid)
        if r:
            g.nodes[f"a{aid}"] = _article_node(r, True, cited_by.get(aid, 0))
    if not ids or not kinds:
        return g
    id_json = json.dumps(ids)
    kmarks = ",".join("?" * len(kinds))
    ext_articles: set[int] = set()
    ext_stubs: set[int] = set()
    seen_similar: set[tuple[str, str]] = set()
    # edges whose citing article is in the set (to articles, then to stubs) ...
    rows = list(lib.execute(
        "SELECT c.citing_id, c.cited_id, c.stub_id, c.kind, c.origin FROM citations c "
        "JOIN articles t ON t.id = c.cited_id "
        "WHERE c.citing_id IN (SELECT value FROM json_each(?)) AND c.cited_id IS NOT NULL "
        f"AND c.kind IN ({kmarks}) AND t.deleted_at IS NULL ORDER BY c.id",
        [id_json, *kinds]))
    if external:
        stub_kinds = kinds + (("cited_by",) if "cites" in kinds else ())
        rows += list(lib.execute(
            "SELECT c.citing_id, c.cited_id, c.stub_id, c.kind, c.origin FROM citations c "
            "WHERE c.citing_id IN (SELECT value FROM json_each(?)) AND c.stub_id IS NOT NULL "
            f"AND c.kind IN ({','.join('?' * len(stub_kinds))}) ORDER BY c.id",
            [id_json, *stub_kinds]))
    # ... and 'similar' edges pointing into the set from articles outside it
    if "similar" in kinds and external:
        rows += list(lib.execute(
            "SELECT c.citing_id, c.cited_id, NULL, c.kind, c.origin FROM citations c "
            "JOIN articles s ON s.id = c.citing_id "
            "WHERE c.cited_id IN (SELECT value FROM json_each(?)) AND c.kind = 'similar' "
            "AND s.deleted_at IS NULL ORDER BY c.id", [id_json]))
    for citing, cited, stub, kind, origin in rows:
        if cited is not None:
            if not external and (citing not in inside or cited not in inside):
                continue
            for x in (citing, cited):
                if x not in inside:
                    ext_articles.add(x)
            src, dst = f"a{citing}", f"a{cited}"
        else:
            ext_stubs.add(stub)
            src, dst = f"a{citing}", f"s{stub}"
            if kind == "cited_by":   # a work not in the library cites the article
                src, dst, kind = dst, src, "cites"
        if kind == "similar":
            pair = tuple(sorted((src, dst)))
            if pair in seen_similar:
                continue
            seen_similar.add(pair)
        g.edges.append((src, dst, kind, origin or ""))
    if ext_articles:   # (no cited-by count outside the view: it costs more than the rest)
        for aid, r in article_rows(lib, ext_articles).items():
            g.nodes[f"a{aid}"] = _article_node(r, False, None)
    if ext_stubs:
        for sid, s in lib.citations.stubs(ext_stubs).items():
            g.nodes[f"s{sid}"] = {
                "label": _stub_label(s), "title": s["title"] or s["raw"], "year": s["year"],
                "authors": s["authors"], "container": s["container"], "doi": s["doi"],
                "pmid": s["pmid"], "in_library": False, "in_view": False,
                "cited_by": s["cited_count"]}
    g.edges = [e for e in g.edges if e[0] in g.nodes and e[1] in g.nodes]
    return g


def _article_node(r: dict, in_view: bool, cited_by: int | None) -> dict:
    return {"label": r["citekey"] or f"article {r['id']}", "title": r["title"], "year": r["year"],
            "authors": r["first_author"], "container": r["container"], "doi": r["doi"],
            "pmid": r["pmid"], "in_library": True, "in_view": in_view, "cited_by": cited_by}


def _stub_label(s: dict) -> str:
    who = (s["authors"] or "").split(",")[0].split(";")[0].strip()
    if who:
        return f"{who} {s['year']}" if s["year"] else who
    if s["pmid"]:
        return f"PMID {s['pmid']}"
    if s["doi"]:
        return s["doi"]
    return (s["title"] or s["raw"] or f"reference {s['id']}")[:40]


def _clean(v) -> str:
    return _XML_BAD.sub("", str(v))


def _xml(v) -> str:
    return _xml_escape(_clean(v), {'"': "&quot;"})


def to_graphml(g: Graph) -> str:
    """GraphML 1.0 (valid XML: text escaped, characters XML forbids removed).  Written as text:
    ElementTree's serializer is ten times slower on graphs of thousands of nodes."""
    ns = "http://graphml.graphdrawing.org/xmlns"
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<graphml xmlns="{ns}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           f'xsi:schemaLocation="{ns} {ns}/1.0/graphml.xsd">']
    for name, typ in NODE_KEYS:
        out.append(f'  <key id="{name}" for="node" attr.name="{name}" attr.type="{typ}"/>')
    for name, typ in EDGE_KEYS:
        out.append(f'  <key id="e_{name}" for="edge" attr.name="{name}" attr.type="{typ}"/>')
    out.append('  <graph id="citations" edgedefault="directed">')
    for nid, attrs in g.nodes.items():
        out.append(f'    <node id="{_xml(nid)}">')
        for name, typ in NODE_KEYS:
            v = attrs.get(name)
            if v is None or v == "":
                continue
            text = ("true" if v else "false") if typ == "boolean" else _xml(v)
            out.append(f'      <data key="{name}">{text}</data>')
        out.append("    </node>")
    for i, (src, dst, kind, origin) in enumerate(g.edges):
        undirected = ' directed="false"' if kind == "similar" else ""
        out.append(f'    <edge id="e{i}" source="{_xml(src)}" target="{_xml(dst)}"{undirected}>'
                   f'<data key="e_kind">{_xml(kind)}</data>'
                   + (f'<data key="e_origin">{_xml(origin)}</data>' if origin else "")
                   + "</edge>")
    out += ["  </graph>", "</graphml>"]
    return "\n".join(out) + "\n"


def _dot_str(v) -> str:
    """A DOT quoted string: backslashes, quotes and line breaks escaped."""
    s = _XML_BAD.sub("", str(v)).replace("\\", "\\\\").replace('"', '\\"')
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{s}"'


def to_dot(g: Graph, name: str = "citations") -> str:
    """A Graphviz digraph: library articles as boxes (filled when in the view), works not in
    the library as dashed ellipses, 'similar' as undirected dashed edges."""
    lines = [f"digraph {_dot_str(name)} {{", "  rankdir=LR;",
             '  node [shape=box, fontsize=10, style="rounded,filled", fillcolor="#dde8f5"];']
    for nid, a in g.nodes.items():
        title = (a.get("title") or "")[:300]
        attrs = [f"label={_dot_str(a['label'])}", f"tooltip={_dot_str(title)}"]
        if a.get("year"):
            attrs[0] = "label=" + _dot_str(f"{a['label']}\n{a['year']}")
        if not a["in_library"]:
            attrs += ["shape=ellipse", 'style="dashed"']
        elif not a["in_view"]:
            attrs += ['fillcolor="white"']
        lines.append(f"  {_dot_str(nid)} [{', '.join(attrs)}];")
    for src, dst, kind, origin in g.edges:
        attrs = [f"kind={_dot_str(kind)}"]
        if origin:
            attrs.append(f"origin={_dot_str(origin)}")
        if kind == "similar":
            attrs += ["dir=none", "style=dashed", 'color="gray50"']
        lines.append(f"  {_dot_str(src)} -> {_dot_str(dst)} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
