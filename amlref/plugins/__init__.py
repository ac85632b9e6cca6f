"""The plugin registry: entry-point discovery; built-ins register the same way as third parties."""
from amlref.plugins.registry import registry, Registry  # noqa: F401
