"""Graph export: GraphML that parses with xml.etree (escaped, no forbidden characters) and
well-formed DOT, with the nodes and edges of the library's citation graph."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from amlref import citations as cg
from amlref.core.article import Article, Reference
from tests.test_citations import seed  # noqa: F401  (fixture: the seed PubMed page)

G = "{http://graphml.graphdrawing.org/xmlns}"
NASTY = 'A "quoted" <b>bold</b> & \\ backslash\nnew line \x07bell \x00nul ]]> end'


# -- a small DOT reader (the grammar of graphviz.org/doc/info/lang.html, without subgraphs) --
_TOKEN = re.compile(r'\s+|//[^\n]*|/\*.*?\*/|(?P<str>"(?:[^"\\]|\\.)*")|(?P<id>[A-Za-z_\x80-\uffff]'
                    r'[\w\x80-\uffff]*|-?(?:\.\d+|\d+(?:\.\d*)?))|(?P<op>->|--|[{}\[\];,=])', re.S)


def dot_tokens(text: str) -> list[str]:
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ValueError(f"bad DOT at {pos}: {text[pos:pos + 30]!r}")
        pos = m.end()
        if m.lastgroup:
            out.append(m.group(m.lastgroup))
    return out


def parse_dot(text: str) -> tuple[dict[str, dict], list[tuple[str, str, dict]]]:
    """Nodes with attributes and edges; raises ValueError when not well-formed."""
    toks = dot_tokens(text)
    i = 0

    def take(expected=None):
        nonlocal i
        if i >= len(toks):
            raise ValueError("unexpected end")
        t = toks[i]
        if expected is not None and t != expected:
            raise ValueError(f"expected {expected!r}, got {t!r}")
        i += 1
        return t

    def ident():
        t = take()
        if t in "{}[];,=" or t in ("->", "--"):
            raise ValueError(f"expected an ID, got {t!r}")
        if t.startswith('"'):
            return re.sub(r'\\(.)', lambda m: "\n" if m.group(1) == "n" else m.group(1), t[1:-1])
        return t

    def attrs():
        d = {}
        while i < len(toks) and toks[i] == "[":
            take("[")
            while toks[i] != "]":
                k = ident()
                take("=")
                d[k] = ident()
                if toks[i] in (",", ";"):
                    take()
            take("]")
        return d

    if toks and toks[0] == "strict":
        take()
    kind = take()
    if kind not in ("digraph", "graph"):
        raise ValueError("not a graph")
    if toks[i] != "{":
        ident()
    take("{")
    nodes, edges = {}, []
    while toks[i] != "}":
        if toks[i] in ("node", "edge", "graph"):
            take()
            attrs()
        else:
            a = ident()
            if toks[i] == "=":
                take()
                ident()
            elif toks[i] in ("->", "--"):
                if (toks[i] == "->") != (kind == "digraph"):
                    raise ValueError("edge operator does not match the graph kind")
                take()
                b = ident()
                edges.append((a, b, attrs()))
            else:
                nodes[a] = attrs()
        if toks[i] == ";":
            take()
    take("}")
    if i != len(toks):
        raise ValueError("text after the graph")
    return nodes, edges


def test_dot_reader_rejects_broken_dot():
    for bad in ('digraph { "a -> b; }', "digraph { a -> ; }", 'digraph { a [label="x"; }',
                "digraph { a -- b }", "digraph { a } }"):
        with pytest.raises((ValueError, IndexError)):
            parse_dot(bad)


def _graphml(text):
    root = ET.fromstring(text.encode("utf-8"))
    keys = {k.get("id"): k.get("attr.name") for k in root.iter(G + "key")}
    nodes = {n.get("id"): {keys[d.get("key")]: d.text for d in n.iter(G + "data")}
             for n in root.iter(G + "node")}
    edges = [(e.get("source"), e.get("target"),
              {keys[d.get("key")]: d.text for d in e.iter(G + "data")})
             for e in root.iter(G + "edge")]
    return root, nodes, edges


def test_seed_graph_as_graphml_and_dot(lib, seed):  # noqa: F811
    ids = lib.articles.ids()
    g = cg.collect_graph(lib, ids, external=True)
    root, nodes, edges = _graphml(cg.to_graphml(g))
    assert root.find(G + "graph").get("edgedefault") == "directed"
    assert {f"a{i}" for i in ids} <= set(nodes)
    assert nodes[f"a{seed.id}"]["pmid"] == "39697225"
    kinds = [e[2]["kind"] for e in edges]
    assert kinds.count("similar") >= 5 and kinds.count("cites") >= 3 + 2
    cited = {(s, t) for s, t, d in edges if d["kind"] == "cites"}
    for citing in ("40443513", "40566589", "40762019"):
        assert (f"a{lib.articles.find(citing).id}", f"a{seed.id}") in cited
    # every edge end is a node; works not in the library are marked
    assert all(s in nodes and t in nodes for s, t, _ in edges)
    outside = [n for nid, n in nodes.items() if nid.startswith("s")]
    assert all(n["in_library"] == "false" for n in outside)
    dnodes, dedges = parse_dot(cg.to_dot(g))
    assert set(dnodes) == set(nodes)
    assert sorted((s, t, d["kind"]) for s, t, d in dedges) == \
        sorted((s, t, d["kind"]) for s, t, d in edges)
    # without external works: only edges inside the set
    inner = cg.collect_graph(lib, ids)
    assert set(inner.nodes) == {f"a{i}" for i in ids}
    assert all(e[0] in inner.nodes and e[1] in inner.nodes for e in inner.edges)
    assert not any(e[1].startswith("s") for e in inner.edges)


def test_escaping_of_awkward_text(lib):
    a = lib.articles.add(Article(title=NASTY, citekey='k"1<&>'))
    b = lib.articles.add(Article(title="Plain"))
    lib.citations.add(a, b, origin='user "x" & <y>')
    lib.citations.add(b, Reference(raw="Cited: " + NASTY, authors='O"Brien, \\ K'))
    g = cg.collect_graph(lib, [a, b], external=True)
    _, nodes, edges = _graphml(cg.to_graphml(g))
    assert nodes[f"a{a}"]["title"].startswith('A "quoted" <b>bold</b> & \\ backslash\nnew line ')
    assert "\x07" not in nodes[f"a{a}"]["title"] and "\x00" not in nodes[f"a{a}"]["title"]
    assert nodes[f"a{a}"]["label"] == 'k"1<&>'
    assert ('user "x" & <y>') in [d.get("origin") for _, _, d in edges]
    dnodes, dedges = parse_dot(cg.to_dot(g))
    assert dnodes[f"a{a}"]["label"].startswith('k"1<&>')
    assert 'O"Brien' in dnodes[next(n for n in dnodes if n.startswith("s"))]["label"]
    assert dnodes[f"a{a}"]["tooltip"].startswith('A "quoted" <b>bold</b> & \\ backslash\nnew')


def test_empty_set_gives_an_empty_graph(lib):
    _, nodes, edges = _graphml(cg.to_graphml(cg.collect_graph(lib, [])))
    assert nodes == {} and edges == []
    assert parse_dot(cg.to_dot(cg.collect_graph(lib, []))) == ({}, [])


def test_trashed_articles_leave_the_graph(lib):
    a, b, c = (lib.articles.add(Article(title=t)) for t in ("A", "B", "C"))
    lib.citations.add(a, b)
    lib.citations.add(a, c)
    lib.articles.trash([c])
    g = cg.collect_graph(lib, lib.articles.ids(), external=True)
    assert set(g.nodes) == {f"a{a}", f"a{b}"}
    assert g.edges == [(f"a{a}", f"a{b}", "cites", "")]
