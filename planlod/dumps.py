"""The downloadable dumps of a release, streamed by pyoxigraph from its N-Quads.

rdflib would need the whole dataset in memory (about a kilobyte per triple). pyoxigraph
streams: every dump is re-serialized from ``dataset.nq``, the very file the store was
bulk-loaded from, which the build writes graph by graph and subject by subject (see
:func:`planlod.pipeline.nquads`), so TriG, Turtle and JSON-LD keep each subject's
statements together. (Reading the on-disk store back is about four times slower than
re-parsing the file, for the same quads.)
"""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterator
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Triple, parse, serialize

from planlod.progress import Step, quiet
from planlod.vocab import PREFIXES

NQUADS = "dataset.nq"
# Written from the N-Quads, in this order (the .nt.gz is a copy of the .nt).
DERIVED = {
    "dataset.trig": RdfFormat.TRIG,
    "dataset.jsonld": RdfFormat.JSON_LD,
    "dataset.nt": RdfFormat.N_TRIPLES,
    "dataset.ttl": RdfFormat.TURTLE,
}
GZIPPED = "dataset.nt.gz"
GRAPH_MARK = "/graph/"
_PREFIXES = {prefix: str(ns) for prefix, ns in PREFIXES.items()}


def write_all(directory: Path, step: Step = quiet) -> None:
    """Every dump but ``dataset.nq`` (the build's output) from ``directory/dataset.nq``."""
    nquads = directory / NQUADS
    for name in ("dataset.trig", "dataset.jsonld"):
        step(f"write {name}")
        serialize(parse(path=nquads, format=RdfFormat.N_QUADS), directory / name, DERIVED[name], prefixes=_PREFIXES)
    step("write dataset.nt")
    serialize(union(parse(path=nquads, format=RdfFormat.N_QUADS)), directory / "dataset.nt", RdfFormat.N_TRIPLES)
    step("write dataset.ttl")
    triples = (q.triple for q in parse(path=directory / "dataset.nt", format=RdfFormat.N_TRIPLES))
    serialize(triples, directory / "dataset.ttl", RdfFormat.TURTLE, prefixes=_PREFIXES)
    step(f"write {GZIPPED}")
    # Level 6 (gzip's own default): level 9 takes twice as long for a file a few percent smaller.
    with (
        open(directory / "dataset.nt", "rb") as src,
        gzip.GzipFile(directory / GZIPPED, "wb", compresslevel=6, mtime=0) as dst,
    ):
        shutil.copyfileobj(src, dst, length=1 << 20)


def union(quads: Iterator) -> Iterator[Triple]:
    """The union of all graphs as triples, each once, with memory bounded by the largest plan.

    A triple can only be repeated in several graphs if its subject is shared by them. The
    N-Quads hold each plan's graphs (``{plan}/graph/…``) together, so triples about the
    plan's own resources are remembered only while its graphs last; triples about
    anything else (its municipality, the vocabulary) are remembered for the whole run.
    """
    shared: set[Triple] = set()
    own: set[Triple] = set()
    owner: str | None = None
    graph: object = None
    for quad in quads:
        if quad.graph_name != graph:
            graph = quad.graph_name
            name = graph.value if isinstance(graph, NamedNode) else ""
            new_owner = name.rsplit(GRAPH_MARK, 1)[0] if GRAPH_MARK in name else None
            if new_owner != owner:
                owner, own = new_owner, set()
        triple = quad.triple
        subject = quad.subject
        mine = owner is not None and isinstance(subject, NamedNode) and _owned(subject.value, owner)
        seen = own if mine else shared
        if triple not in seen:
            seen.add(triple)
            yield triple


def _owned(iri: str, owner: str) -> bool:
    return iri == owner or iri.startswith((f"{owner}/", f"{owner}#"))
