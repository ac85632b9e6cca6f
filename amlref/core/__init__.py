"""The bottom layer: the Article model, identifiers, errors, text decoding, progress."""
