"""Use cases shared by the CLI and the GUI: import, export, classify, citations, dedup."""
