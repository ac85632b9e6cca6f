"""doi.org content negotiation: the CSL-JSON record of a DOI (any registration agency:
Crossref, DataCite, mEDRA ...).  Returns the CSL item as a dict; the services layer turns it into
an Article with ``amlref.formats.csljson.item_to_article``."""
from __future__ import annotations

from urllib.parse import quote

from amlref.core.errors import NetworkError
from amlref.core.identifiers import normalize_doi
from amlref.plugins.base import Source
from amlref.sources.http import HttpClient, Settings

CSL_JSON = "application/vnd.citationstyles.csl+json"


class DoiSource(Source):
    name = "doi"
    label = "doi.org (CSL-JSON content negotiation)"

    def __init__(self, settings: Settings | None = None, client: HttpClient | None = None):
        self.client = client or HttpClient(settings)
        self.settings = self.client.settings

    def csl(self, doi: str) -> dict:
        """The CSL-JSON item of a DOI (doi.org redirects to the agency, which answers)."""
        doi = normalize_doi(doi)
        url = f"{self.settings.doi_url.rstrip('/')}/{quote(doi, safe='/()<>;:')}"
        resp = self.client.get(url, service="doi", accept=CSL_JSON, what=f"doi.org lookup of {doi}")
        ctype = resp.content_type.lower()
        if "html" in ctype:
            raise NetworkError(f"doi.org lookup of {doi}: got a web page, not CSL-JSON "
                               "(the DOI agency does not support content negotiation)")
        item = resp.json()
        if isinstance(item, list) and len(item) == 1:
            item = item[0]
        if not isinstance(item, dict) or not (item.get("title") or item.get("DOI")):
            raise NetworkError(f"doi.org lookup of {doi}: answer is not a CSL-JSON item")
        item.setdefault("DOI", doi)
        return item
