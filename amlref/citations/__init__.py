"""The citation graph (no Qt): what an article cites and what cites it (library articles first,
then reference stubs), counts, the "missing key papers" ranking, and graph export as GraphML and
DOT.  Storage of edges and stubs is ``amlref.storage.citations``; this package only reads.

Below ``amlref.services``: views are passed in as article ids or an SQL condition on ``a``."""
from amlref.citations.graph import counts, describe, references, cited_by, similar, neighbourhood
from amlref.citations.missing import MissingWork, missing_works, add_identifier
from amlref.citations.export import Graph, collect_graph, to_graphml, to_dot

__all__ = ["counts", "describe", "references", "cited_by", "similar", "neighbourhood",
           "MissingWork", "missing_works", "add_identifier", "Graph", "collect_graph",
           "to_graphml", "to_dot"]
