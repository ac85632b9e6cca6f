"""Which plugins the user switched off: a small JSON file in the user's config folder
(``$AMLREF_PLUGINS_CONFIG``, else ``plugins.json`` beside taxonomy.toml), read by the window and
the command line alike (no Qt settings: ``amlref plugins disable`` works headless)."""
from __future__ import annotations

import json
import os
from pathlib import Path

from amlref.core.errors import UsageError


def state_path() -> Path:
    env = os.environ.get("AMLREF_PLUGINS_CONFIG")
    if env:
        return Path(env).expanduser()
    import platformdirs
    return Path(platformdirs.user_config_dir("amlref")) / "plugins.json"


def disabled_names() -> set[str]:
    """Names (distribution or entry point) the user disabled; an unreadable file disables
    nothing (and says so once in the log)."""
    p = state_path()
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return set()
    except (OSError, ValueError) as exc:
        import logging
        logging.getLogger(__name__).warning("%s: unreadable, no plugin disabled: %s", p, exc)
        return set()
    names = data.get("disabled", []) if isinstance(data, dict) else []
    return {str(n) for n in names if isinstance(n, str)}


def set_enabled(name: str, enabled: bool) -> Path:
    """Enable or disable a plugin by name; written atomically."""
    p = state_path()
    names = disabled_names()
    (names.discard if enabled else names.add)(name)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_suffix(".tmp")
        tmp.write_text(json.dumps({"disabled": sorted(names)}, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, p)
    except OSError as exc:
        raise UsageError(f"{p}: cannot save the plugin settings: {exc.strerror or exc}") from None
    return p
