"""AMLRef plugin: clinical trial registry numbers (see registries.py for the formats)."""
from amlref_trials.registries import find_trials, trials_of  # noqa: F401

__version__ = "1.0.0"
