"""The local server: Better BibTeX's cite-as-you-write, JSON-RPC and pull-export endpoints, so
editors' citation pickers (TeXstudio, VS Code, Vim, Emacs, pandoc filters ...) work with AMLRef.

An interface like the command line: it calls ``services`` and never imports Qt, so ``amlref
serve`` runs headless; the window starts the same server and hands it a picker (``gui.picker``).

    httpd       LocalServer: listening, security checks, request threads
    routes      the GET endpoints: cayw, pull export; the Host a window provides
    rpc         the JSON-RPC methods
    cayw        the citation text of each BBT format
    access      read-only library connections and the lookups requests make
    formatting  CSL-formatted citations and bibliographies (the CSL processor, when installed)
"""
from amlref.server.httpd import DEFAULT_PORT, LocalServer, PortInUse  # noqa: F401
from amlref.server.routes import Host, PickRequest  # noqa: F401
from amlref.server.cayw import Citation, parse_locator  # noqa: F401
