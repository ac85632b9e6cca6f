"""``amlref backup [PATH] [--with-files]``, ``amlref restore PATH [--with-files]`` and
``amlref backups`` (the copies kept beside the library); see services/backup.py."""
from __future__ import annotations

from amlref.cli.main import open_library, print_json


def register(sub) -> None:
    p = sub.add_parser("backup", help="copy the library (default: into <library name>.backups/)")
    p.add_argument("path", nargs="?", metavar="PATH", help="the copy to write (a file or folder)")
    p.add_argument("--with-files", action="store_true",
                   help="also copy the attached files' folder (to <PATH name>.files/)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="replace the library by a backup (checked first; the "
                       "current library is backed up before it is replaced)")
    p.add_argument("path", metavar="PATH", help="the backup file")
    p.add_argument("--with-files", action="store_true",
                   help="also restore the files folder saved beside the backup")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("backups", help="list the copies kept in <library name>.backups/")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_backups)


def cmd_backup(args) -> int:
    from amlref.services.backup import backup
    with open_library(args) as lib:
        result = backup(lib, args.path, with_files=args.with_files)
    if args.json:
        print_json(result)
    else:
        extra = f" (and {result['files']} attached files)" if result["files"] is not None else ""
        print(f"backed up to {result['path']}{extra}")
    return 0


def cmd_restore(args) -> int:
    from amlref.services.backup import restore
    from amlref.storage.library import default_library_path
    result = restore(args.library or default_library_path(), args.path,
                     with_files=args.with_files)
    if args.json:
        print_json(result)
    else:
        print(f"restored {result['restored']} into {result['library']}")
        if result["previous"]:
            print(f"the library as it was is kept in {result['previous']}")
        if result["files"] is not None:
            print(f"{result['files']} attached files restored")
    return 0


def cmd_backups(args) -> int:
    from amlref.storage.backup import backups_folder, listing
    from amlref.storage.library import default_library_path
    path = args.library or default_library_path()
    found = [{"path": str(b["path"]), "when": b["when"].isoformat(), "reason": b["reason"],
              "size": b["path"].stat().st_size} for b in listing(path)]
    if args.json:
        print_json(found)
    elif not found:
        print(f"no backups in {backups_folder(path)}")
    for b in found if not args.json else []:
        print(f"{b['when']}  {b['reason']:<28} {b['size']:>12,}  {b['path']}")
    return 0
