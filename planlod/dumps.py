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
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

from pyoxigraph import RdfFormat, parse, serialize

from planlod.messages import phrase
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
NAMES = (NQUADS, *DERIVED, GZIPPED)
# Each plan's own dumps, next to the whole release's: plans/{lgcode}/{plan}/dataset.nq, …
PLANS_DIR = "plans"
GRAPH_MARK = b"/graph/"
_PREFIXES = {prefix: str(ns) for prefix, ns in PREFIXES.items()}


def write_all(directory: Path, step: Step = quiet) -> None:
    """Every dump but ``dataset.nq`` (the build's output) from ``directory/dataset.nq``."""
    nquads = directory / NQUADS
    step(phrase("progress.write", file="dataset.trig"))
    serialize(parse(path=nquads, format=RdfFormat.N_QUADS), directory / "dataset.trig", RdfFormat.TRIG,
              prefixes=_PREFIXES)  # fmt: skip
    step(phrase("progress.write", file="dataset.nt"))
    write_union(nquads, directory / "dataset.nt")
    step(phrase("progress.write", file="dataset.jsonld"))
    write_jsonld(directory / "dataset.nt", directory / "dataset.jsonld")
    step(phrase("progress.write", file="dataset.ttl"))
    triples = (q.triple for q in parse(path=directory / "dataset.nt", format=RdfFormat.N_TRIPLES))
    serialize(triples, directory / "dataset.ttl", RdfFormat.TURTLE, prefixes=_PREFIXES)
    step(phrase("progress.write", file=GZIPPED))
    # Level 6 (gzip's own default): level 9 takes twice as long for a file a few percent smaller.
    with (
        open(directory / "dataset.nt", "rb") as src,
        gzip.GzipFile(directory / GZIPPED, "wb", compresslevel=6, mtime=0) as dst,
    ):
        shutil.copyfileobj(src, dst, length=1 << 20)


def write_jsonld(ntriples: Path, out: Path, batch: int = 20_000) -> None:
    """The union of all graphs as JSON-LD with an embedded ``@context``, in the default graph.

    pyoxigraph writes expanded JSON-LD (full IRIs, no context); rdflib would compact it
    but needs the whole dataset in memory. So pyoxigraph expands a batch of triples at a
    time (cut between subjects) and each node object is compacted here against a context
    of this project's prefixes: property and type IRIs become ``prefix:name``. A subject
    cut across two batches is two node objects with one ``@id``, which JSON-LD merges.
    Named graphs are in TriG and N-Quads; here the default graph loads with rdflib's
    ``Graph`` and ``Dataset`` alike.
    """
    context = json.dumps({"@context": _PREFIXES}, ensure_ascii=False)
    with open(out, "w", encoding="utf-8") as dst:
        dst.write(context[:-1] + ', "@graph": [')
        first = True
        for chunk in _subject_batches(ntriples, batch):
            for node in json.loads(serialize(chunk, format=RdfFormat.JSON_LD)):
                dst.write(("\n" if first else ",\n") + json.dumps(_compact(node), ensure_ascii=False))
                first = False
        dst.write("\n]}\n")


def _subject_batches(ntriples: Path, size: int) -> Iterator[list]:
    batch: list = []
    for triple in (q.triple for q in parse(path=ntriples, format=RdfFormat.N_TRIPLES)):
        if len(batch) >= size and triple.subject != batch[-1].subject:
            yield batch
            batch = []
        batch.append(triple)
    if batch:
        yield batch


# Longest namespace first, so sdgo: wins over sdg: for http://metadata.un.org/sdg/ontology#…
_BY_LENGTH = sorted(_PREFIXES.items(), key=lambda item: -len(item[1]))


def compact_iri(iri: str) -> str:
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace) and len(iri) > len(namespace) and not iri[len(namespace):].startswith("//"):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _compact(node: dict) -> dict:
    out = {}
    for key, value in node.items():
        if key == "@type":
            out[key] = [compact_iri(t) for t in value]
        elif key.startswith("@"):
            out[key] = value
        else:
            out[compact_iri(key)] = value
    return out


def plan_directory(release: Path, key: str) -> Path:
    """Where the dumps of the plan ``key`` (``272116/5th``) are in a release."""
    return release / PLANS_DIR / key


def write_plan(release: Path, key: str, nquads: bytes) -> None:
    """A plan's own ``dataset.nq`` (its named graphs, as the build wrote them); see :func:`write_plans`."""
    directory = plan_directory(release, key)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / NQUADS).write_bytes(nquads)


def write_plans(release: Path, keys: list[str], step: Step = quiet) -> None:
    """Every other dump of each plan, from its ``dataset.nq``."""
    for done, key in enumerate(keys, start=1):
        write_all(plan_directory(release, key))
        step(f"dumps of {key}", done=done, total=len(keys))


def write_union(nquads: Path, out: Path) -> int:
    """Write the union of all graphs as N-Triples, each triple once; return how many.

    A triple can only be repeated in several graphs if its subject is shared by them. The
    build's N-Quads hold each plan's graphs (``{plan}/graph/…``) together, so triples about
    the plan's own resources are remembered only while its graphs last, and only triples
    about anything else (its municipality, the vocabulary) for the whole run: memory is
    bounded by the largest plan.

    This works on the lines as pyoxigraph wrote them (about four times faster than parsing
    them again): every quad of the build is in a named graph (rdflib's default graph, if
    used, is ``urn:x-rdflib:default``), so each line ends with `` <graph> .`` and the
    triple is what comes before it, in the same canonical form N-Triples uses.
    """
    shared: set[bytes] = set()
    own: set[bytes] = set()
    owner: bytes | None = None
    owned: tuple[bytes, ...] = ()
    graph = b""
    written = 0
    with open(nquads, "rb") as src, open(out, "wb", buffering=1 << 20) as dst:
        for line in src:
            cut = line.rindex(b" <")
            if line[cut + 1 :] != graph:
                graph = line[cut + 1 :]
                name = graph[1 : graph.rindex(b">")]
                new_owner = name.rsplit(GRAPH_MARK, 1)[0] if GRAPH_MARK in name else None
                if new_owner != owner:
                    owner, own = new_owner, set()
                    owned = tuple(b"<" + owner + end for end in (b">", b"/", b"#")) if owner else ()
            triple = line[:cut]
            seen = own if owned and triple.startswith(owned) else shared
            if triple not in seen:
                seen.add(triple)
                dst.write(triple + b" .\n")
                written += 1
    return written
