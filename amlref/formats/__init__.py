"""Importers and exporters, each registered as a plugin (see pyproject.toml entry points)."""
