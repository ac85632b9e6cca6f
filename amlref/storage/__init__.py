"""The SQLite library: schema, migrations, FTS5 search, and the Library facade."""
from amlref.storage.library import Library, default_library_path  # noqa: F401
