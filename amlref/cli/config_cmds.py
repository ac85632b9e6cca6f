"""``amlref config list | get KEY | set KEY VALUE``: every library setting under its stored name
(see ``amlref.services.config``)."""
from __future__ import annotations

from amlref.cli.main import open_library, print_json


def register(sub) -> None:
    p = sub.add_parser("config", help="list, read or change settings (online.*, watch.*, ...)",
                       description="Settings of the library, under their stored names: "
                       "online.email, online.ncbi_api_key, online.eutils_url, "
                       "online.openalex_url, watch.interval_hours ... Values are checked "
                       "before they are stored; the API key is never printed in full.")
    csub = p.add_subparsers(dest="config_command", metavar="ACTION")
    lp = csub.add_parser("list", help="every setting with its value")
    lp.add_argument("--json", action="store_true", help="print as JSON")
    lp.set_defaults(func=cmd_list)
    gp = csub.add_parser("get", help="one setting's value")
    gp.add_argument("key", metavar="KEY")
    gp.set_defaults(func=cmd_get)
    sp = csub.add_parser("set", help="change a setting (checked first)")
    sp.add_argument("key", metavar="KEY")
    sp.add_argument("value", metavar="VALUE")
    sp.set_defaults(func=cmd_set)
    up = csub.add_parser("unset", help="back to the default value")
    up.add_argument("key", metavar="KEY")
    up.set_defaults(func=cmd_unset)
    p.set_defaults(func=cmd_list, json=False)


def cmd_list(args) -> int:
    from amlref.services import config
    with open_library(args) as lib:
        rows = config.listing(lib)
    if args.json:
        print_json({r["key"]: r["value"] for r in rows})
        return 0
    width = max(len(r["key"]) for r in rows)
    for r in rows:
        mark = (f"  (from ${r['env']})" if r["env"] else "" if not r["default"]
                else "  (default)")
        print(f"{r['key']:<{width}}  {r['value']}{mark}")
    return 0


def cmd_get(args) -> int:
    from amlref.services import config
    s = config.setting(args.key)
    with open_library(args) as lib:
        print(s.show(config.get(lib, args.key)))
    return 0


def cmd_set(args) -> int:
    from amlref.services import config
    s = config.setting(args.key)
    value = s.parse(args.value)          # refused before the library is opened
    with open_library(args) as lib:
        lib.settings.set(args.key, value)
    print(f"{args.key} = {s.show(value)}")
    return 0


def cmd_unset(args) -> int:
    from amlref.services import config
    s = config.setting(args.key)
    with open_library(args) as lib:
        with lib.transaction():
            lib.execute("DELETE FROM settings WHERE key = ?", (args.key,))
    print(f"{args.key} = {s.show(s.default)} (default)")
    return 0
