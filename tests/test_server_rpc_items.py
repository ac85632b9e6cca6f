"""Better BibTeX's JSON-RPC methods for an item's files, notes and collections, as editors'
plugins call them (Obsidian and Python clients ask ``item.attachments`` with a citation key to
open the PDF or read its annotations): a real server on a free port, a real HTTP client."""
from __future__ import annotations

from pathlib import Path

from test_server_support import Client, client, filled, server  # noqa: F401  (fixtures)


def test_item_attachments_lists_the_files_of_one_article(client, lib, filled, tmp_path):
    ids = filled["ids"]
    pdf = tmp_path / "Bawek 2024.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    sup = tmp_path / "supplement.xlsx"
    sup.write_bytes(b"x")
    with lib.transaction():
        lib.attachments.add(ids["Bawek2024"], str(pdf), mode="linked", kind="pdf")
        lib.attachments.add(ids["Bawek2024"], str(sup), mode="linked", kind="file")
    res = client.rpc("item.attachments", "Bawek2024")["result"]
    assert res == [{"open": pdf.as_uri(), "path": str(pdf), "annotations": []},
                   {"open": sup.as_uri(), "path": str(sup)}]
    assert Path(res[0]["path"]).read_bytes().startswith(b"%PDF")
    # by name, with BBT's library parameter; an article without files; a key not there
    r = client.rpc_raw({"jsonrpc": "2.0", "method": "item.attachments",
                        "params": {"citekey": "Dohner2010", "library": 1}, "id": 2}).json()
    assert r["result"] == []
    err = client.rpc("item.attachments", "Nobody1999")["error"]
    assert err["code"] == -32602 and "Nobody1999" in err["message"]
    assert client.rpc("item.attachments", ["Bawek2024", "Dohner2010"])["error"]["code"] == -32602


def test_item_notes_gives_each_keys_notes_as_html(client, lib, filled):
    ids = filled["ids"]
    with lib.transaction():
        lib.notes.add(ids["Bawek2024"], "CD123 <b>not</b> bold & fine\n\nsecond paragraph")
    res = client.rpc("item.notes", ["Bawek2024", "Dohner2010"])["result"]
    assert res == {"Bawek2024": ["<p>CD123 &lt;b&gt;not&lt;/b&gt; bold &amp; fine</p>"
                                 "<p>second paragraph</p>"], "Dohner2010": []}
    assert client.rpc("item.notes", ["Nobody1999"])["error"]["code"] == -32602


def test_item_collections_are_tags_and_categories(client, lib, filled):
    from amlref.taxonomy.model import load
    ids = filled["ids"]
    tax = load()
    sub = next(s for s, n in tax.nodes.items() if n.parent and n.kind == "category")
    with lib.transaction():
        lib.categories.set_user(ids["Dohner2010"], sub, True)
    res = client.rpc("item.collections", ["Dohner2010"])["result"]["Dohner2010"]
    assert {"key": "tag:grant-2026", "name": "grant-2026"} in res
    assert {"key": f"category:{sub}", "name": tax.nodes[sub].label} in res
    parent = tax.nodes[sub].parent
    assert f"category:{parent}" not in [c["key"] for c in res]
    res = client.rpc("item.collections", ["Dohner2010"], True)["result"]["Dohner2010"]
    assert f"category:{parent}" in [c["key"] for c in res]
