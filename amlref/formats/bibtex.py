"""BibTeX and biblatex in and out.

Import (bibtexparser's splitter, then our own fast evaluation): ``@string`` macros and ``#``
concatenation, ``@preamble``, crossref and xdata inheritance, duplicate keys kept apart (the
second gets a suffix and a warning), unknown entry types and fields kept in
``extra['bibtex']`` and written back.  Field text is stored as Unicode (``M{\\"u}ller`` ->
``Müller``); the LaTeX the user wrote is kept in ``extra['bibtex']['raw']`` and exported again as
long as the field was not changed.

``extra['bibtex']`` holds (each key only when needed):
  ``type``     the original entry type when the CSL type does not map back to it
  ``fields``   {name: raw LaTeX} of fields with no article column, in source order
  ``raw``      {article field: raw LaTeX} for fields whose LaTeX differs from the stored text
  ``names``    {article field: bibtex field name} when a non-default name was used
  ``preamble`` the file's ``@preamble`` when the entry uses a command it defines

Export: BibTeX is ASCII with LaTeX escapes (for bibtex), biblatex is UTF-8 (for biber).  Text
from other origins is escaped as literal text, acronyms and gene names are brace-protected in
titles, months are macros (BibTeX) or numbers (biblatex), and the same articles give the same
bytes.

Modules: ``bibtex_split`` (text -> entries), ``bibtex_read`` (the importer: macros, crossref,
keys), ``bibtex_entry`` (one entry -> Article), ``bibtex_write`` (the exporters),
``bibtex_fields`` / ``bibtex_names`` (tables, dates, names), ``latex`` / ``latex_math``
(LaTeX -> Unicode) and ``latex_encode`` (Unicode -> LaTeX).
"""
from amlref.formats.bibtex_entry import entry_to_article
from amlref.formats.bibtex_read import BibtexImporter
from amlref.formats.bibtex_split import split_blocks
from amlref.formats.bibtex_write import BiblatexExporter, BibtexExporter, export_bib

__all__ = ["BibtexImporter", "BibtexExporter", "BiblatexExporter", "export_bib",
           "entry_to_article", "split_blocks"]
