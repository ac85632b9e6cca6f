"""AMLRef: a reference manager for immunotherapy of acute myeloid leukemia."""

__version__ = "0.1.0"
