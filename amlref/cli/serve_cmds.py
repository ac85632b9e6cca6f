"""``amlref serve [--port N]``: Better BibTeX-compatible endpoints on the loopback addresses,
without a window (cayw then needs the citation keys named: ``keys=KEY1,KEY2``)."""
from __future__ import annotations

import sys
import threading

from amlref.cli.main import catch_up, open_library


def register(sub) -> None:
    p = sub.add_parser("serve", help="Better BibTeX-compatible endpoints (cayw, json-rpc, pull "
                       "export) on 127.0.0.1/::1 for editors' citation pickers")
    p.add_argument("--port", type=int, default=None, metavar="N",
                   help="port (default 23119, Better BibTeX's; 0 picks a free one)")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args) -> int:
    from amlref.core.errors import UsageError
    from amlref.server import DEFAULT_PORT, LocalServer
    from amlref.services.classify import ensure_current
    port = DEFAULT_PORT if args.port is None else args.port
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port}: not a port number (0-65535)")
    lib = open_library(args)        # creates or upgrades the library; requests only read it
    with lib:
        catch_up(lib)
        ensure_current(lib)         # category views are read as they are: classify them first
        path = lib.path
    server = LocalServer(path, port=port)
    server.start()
    addrs = ", ".join(f"[{a}]" if ":" in a else a for a in server.addresses)
    sys.stderr.write(f"amlref: serving {server.libraries.path} on {addrs} port {server.port} "
                     f"({server.url}/better-bibtex/cayw?probe=1); Ctrl+C stops\n")
    sys.stderr.flush()
    try:
        stop = threading.Event()
        while not stop.wait(1.0):     # (a timed wait: Ctrl+C is seen within a second)
            pass
    except KeyboardInterrupt:
        sys.stderr.write("amlref: server stopped\n")
        return 0
    finally:
        server.stop()
    return 0
