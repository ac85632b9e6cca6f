"""The SQLite library: schema, migrations, FTS5 search, and the Library facade."""


def __getattr__(name: str):
    # (imported when asked for: a process that only prepares rows, such as a watch run's
    # reader, does not import sqlite_utils (and numpy with it))
    if name in ("Library", "default_library_path"):
        from amlref.storage import library
        return getattr(library, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
