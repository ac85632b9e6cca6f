"""Better BibTeX's JSON-RPC endpoint (``POST /better-bibtex/json-rpc``), JSON-RPC 2.0.

Methods (params by position or by name, as BBT takes them):
    api.ready()                                   {"amlref": version, "betterbibtex": ...}
    item.search(terms)                            CSL-JSON items with "citekey" and "library"
    item.export(citekeys, translator[, libraryID]) the text our exporter writes
    item.citationkey(item_keys)                   {item key: citation key or null}
    item.bibliography(citekeys[, format])         format = {"id": style, "contentType": text|html}
    item.attachments(citekey)                     [{"open": file URL, "path", "annotations"}]
    item.notes(citekeys)                          {citation key: [note HTML]}
    item.collections(citekeys[, includeParents])  {citation key: [{"key", "name"}]}: tags
                                                  and categories
    user.groups()                                 the library as one group
Errors: -32700 parse error, -32600 invalid request, -32601 method not found, -32602 invalid
params (unknown keys, wrong types), -32603 internal error.  A batch (a JSON array) answers
each request.  A request without an "id" is answered too (with "id": null), as Better BibTeX
does: editors' plugins (LaTeX Utilities for VS Code ...) send item.search without one and read
the answer, so treating it as a JSON-RPC notification would break them.
"""
from __future__ import annotations

import html
import inspect
import json
import logging
import os
from pathlib import Path

from amlref import __version__
from amlref.core.errors import AmlrefError, InputError
from amlref.formats.csljson import article_to_item
from amlref.server import access
from amlref.server.cayw import exporter_for
from amlref.server.formatting import FormattingError, formatted
from amlref.services.exporting import export_articles

log = logging.getLogger("amlref.server")

PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS, INTERNAL_ERROR = (
    -32700, -32600, -32601, -32602, -32603)
SEARCH_LIMIT = 50           # best first; a second parameter asks for more (up to 1000)
LIBRARY_ID = 1


class RpcError(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _keys(value, name: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(k, str) for k in value):
        raise RpcError(INVALID_PARAMS, f"{name} must be a list of citation keys")
    return value


class Methods:
    """One instance per request, over a borrowed read-only library."""

    def __init__(self, lib):
        self.lib = lib

    def _articles(self, citekeys) -> list:
        arts, missing = access.articles_by_keys(self.lib, _keys(citekeys, "citekeys"))
        if missing:
            raise RpcError(INVALID_PARAMS, f"{', '.join(missing)} not found")
        return arts

    def api_ready(self):
        return {"amlref": __version__, "betterbibtex": "compatible (AMLRef)"}

    def item_search(self, terms, limit=SEARCH_LIMIT):
        if isinstance(terms, dict):
            terms = terms.get("terms")
        if not isinstance(terms, str):
            raise RpcError(INVALID_PARAMS, "terms must be a string")
        if not isinstance(limit, int) or limit < 1:
            raise RpcError(INVALID_PARAMS, "limit must be a positive number")
        terms = terms.replace(" & ", " ").replace(" and ", " ")
        if not any(ch.isalnum() for ch in terms):
            return []
        ids = access.search_ids(self.lib, terms, limit=min(limit, 1000))
        name = self.lib.path.stem
        return [{**article_to_item(a), "library": name, "citekey": a.citekey}
                for a in self.lib.articles.get_many(ids)]

    def item_export(self, citekeys, translator="Better BibLaTeX", libraryID=None):
        fmt = exporter_for(translator if isinstance(translator, str) else None)
        if fmt is None:
            raise RpcError(INVALID_PARAMS, f"no translator {translator!r} (Better BibLaTeX, "
                           "Better BibTeX, Better CSL JSON, RIS)")
        if libraryID not in (None, LIBRARY_ID):
            raise RpcError(INVALID_PARAMS, f"no library {libraryID!r} (the library is "
                           f"group {LIBRARY_ID})")
        return export_articles(self._articles(citekeys), fmt)

    def item_citationkey(self, item_keys):
        if isinstance(item_keys, (str, int)):
            item_keys = [item_keys]
        if not isinstance(item_keys, list):
            raise RpcError(INVALID_PARAMS, "item_keys must be a list")
        out = {}
        for k in item_keys:
            a = access.find_article(self.lib, k)
            out[str(k)] = a.citekey if a else None
        return out

    def item_bibliography(self, citekeys, format=None):
        fmt = format or {}
        if not isinstance(fmt, dict):
            raise RpcError(INVALID_PARAMS, "format must be an object {id, contentType}")
        style = fmt.get("id") or None
        if style and "/" in style:        # "http://www.zotero.org/styles/apa" -> "apa"
            style = style.rstrip("/").rsplit("/", 1)[1]
        html = (fmt.get("contentType") or "text") == "html"
        return formatted(self._articles(citekeys), "bibliography", style, html=html)

    def item_attachments(self, citekey, library=None):
        """The files of one article as Better BibTeX lists an item's attachments: ``open`` (a
        URL that opens it: here its file:// URL), ``path`` (in the local file system); a PDF's
        ``annotations`` (AMLRef keeps none: an empty list)."""
        if isinstance(citekey, list) and len(citekey) == 1:
            citekey = citekey[0]
        if not isinstance(citekey, str):
            raise RpcError(INVALID_PARAMS, "citekey must be a citation key")
        if library not in (None, LIBRARY_ID, self.lib.path.stem, "*"):
            raise RpcError(INVALID_PARAMS, f"no library {library!r}")
        (art,) = self._articles([citekey])
        store = self.lib.attachments
        out = []
        for att in store.of(art.id):
            path = store.resolve(att)
            item = {"open": Path(path).as_uri() if os.path.isabs(path) else path, "path": path}
            if att.kind == "pdf":
                item["annotations"] = []
            out.append(item)
        return out

    def item_notes(self, citekeys):
        """{citation key: [its notes as HTML paragraphs]} (Better BibTeX gives Zotero's note
        HTML; AMLRef's notes are plain text)."""
        return {a.citekey: [_note_html(text) for _, text in self.lib.notes.of(a.id)]
                for a in self._articles(citekeys)}

    def item_collections(self, citekeys, includeParents=False):
        """{citation key: [collections]}: AMLRef's collections are its tags and the categories an
        article is in (``key`` "tag:NAME" or "category:SLUG"; a subcategory's parents with
        ``includeParents``)."""
        from amlref.taxonomy.model import load
        tax = load()
        out = {}
        for a in self._articles(citekeys):
            cols = [{"key": f"tag:{t}", "name": t} for t in self.lib.tags.of(a.id)]
            slugs: list[str] = []
            for c in self.lib.categories.of(a.id):
                if c["kind"] == "category":
                    slugs += [c["slug"]] + (tax.ancestors(c["slug"]) if includeParents else [])
            for slug in dict.fromkeys(slugs):
                node = tax.nodes.get(slug)
                cols.append({"key": f"category:{slug}", "name": node.label if node else slug})
            out[a.citekey] = cols
        return out

    def user_groups(self, includeCollections=False):
        return [{"id": LIBRARY_ID, "name": self.lib.path.stem}]


def _note_html(text: str) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip()) \
        or "<p></p>"


# "item.search" -> Methods.item_search; BBT also answers "items.*"
NAMES = {"api.ready", "item.search", "item.export", "item.citationkey", "item.bibliography",
         "item.attachments", "item.notes", "item.collections", "user.groups"}


def _error(code: int, message: str, rid=None) -> dict:
    return {"jsonrpc": "2.0", "error": {"code": code, "message": message}, "id": rid}


def handle_one(lib, req) -> dict:
    """The answer to one request object."""
    if not isinstance(req, dict) or req.get("jsonrpc") != "2.0" or \
            not isinstance(req.get("method"), str):
        return _error(INVALID_REQUEST, "Invalid Request")
    rid = req.get("id")
    if rid is not None and not isinstance(rid, (str, int, float)):
        return _error(INVALID_REQUEST, "Invalid Request: id must be a string or a number")
    method = req["method"].replace("items.", "item.", 1)
    params = req.get("params")
    if method not in NAMES:
        return _error(METHOD_NOT_FOUND, f"Method not found: {req['method']}", rid)
    if params is not None and not isinstance(params, (list, dict)):
        return _error(INVALID_PARAMS, "Invalid params: a list or an object", rid)
    fn = getattr(Methods(lib), method.replace(".", "_"))
    args, kwargs = (params, {}) if isinstance(params, list) else ([], params or {})
    try:
        inspect.signature(fn).bind(*args, **kwargs)
    except TypeError as exc:
        return _error(INVALID_PARAMS, f"Invalid params for {method}: {exc}", rid)
    try:
        result = fn(*args, **kwargs)
    except RpcError as exc:
        return _error(exc.code, exc.message, rid)
    except FormattingError as exc:   # an unknown style
        return _error(INVALID_PARAMS, str(exc), rid)
    except InputError as exc:        # e.g. a search the query language cannot read
        return _error(INVALID_PARAMS, str(exc), rid)
    except AmlrefError as exc:
        return _error(INTERNAL_ERROR, str(exc), rid)
    return {"jsonrpc": "2.0", "result": result, "id": rid}


def handle(lib, body: bytes) -> tuple[int, object]:
    """(HTTP status, the JSON answer)."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return 400, _error(PARSE_ERROR, f"Parse error: {exc}")
    if isinstance(data, list):
        if not data:
            return 200, _error(INVALID_REQUEST, "Invalid Request: empty batch")
        return 200, [handle_one(lib, r) for r in data]
    return 200, handle_one(lib, data)
