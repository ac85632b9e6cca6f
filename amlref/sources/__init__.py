"""Online metadata and citation sources (NCBI E-utilities, Crossref, doi.org, OpenAlex)."""
