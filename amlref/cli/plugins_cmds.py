"""``amlref plugins [list|enable NAME|disable NAME]``: what the installed plugins contribute,
their state, the error of one that failed; switching one off or on (by its distribution name,
e.g. ``amlref-trials``, or one entry-point name, e.g. ``trials``)."""
from __future__ import annotations

from amlref.cli.main import print_json
from amlref.core.errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("plugins", help="list the plugins found (importers, exporters, sources, "
                       "classifiers, window actions, tabs, columns, sidebar nodes); enable or "
                       "disable one")
    p.add_argument("action", nargs="?", default="list", choices=("list", "enable", "disable"))
    p.add_argument("name", nargs="?", help="distribution (e.g. amlref-trials) or entry-point name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_plugins)


def cmd_plugins(args) -> int:
    from amlref.plugins.registry import BUILTIN_DIST, registry
    if args.action == "list":
        if args.name:
            raise UsageError("amlref plugins list takes no name")
        return _list(registry.load_all(), args.json)
    if not args.name:
        raise UsageError(f"amlref plugins {args.action} needs a NAME (see amlref plugins list)")
    known = registry.names()
    if args.name not in known:
        raise UsageError(f"no plugin named {args.name!r}; installed: "
                         f"{', '.join(sorted(n for n in known if n != BUILTIN_DIST))}")
    if args.name == BUILTIN_DIST:
        raise UsageError("amlref is the app itself; disable one of its entries by name instead")
    from amlref.plugins.state import set_enabled
    path = set_enabled(args.name, args.action == "enable")
    registry.reset()
    print(f"{args.name} {args.action}d ({path}); the window uses it from its next start")
    return 0


def _list(infos, as_json: bool) -> int:
    if as_json:
        print_json([{**i.__dict__, "kind": i.kind, "state": i.state} for i in infos])
        return 0
    by_dist: dict[str, list] = {}
    for i in infos:
        by_dist.setdefault(i.dist or "(unknown)", []).append(i)
    for dist in sorted(by_dist, key=lambda d: (d != "amlref", d)):
        entries = by_dist[dist]
        print(f"{dist} {entries[0].version}".rstrip())
        for i in entries:
            print(f"  {i.kind:<12} {i.name:<16} {i.value:<48} {i.state}")
    return 0
