"""Where a finding is in the files a city's staff wrote: ``source.txt:62`` rather than an IRI.

Every resource of a plan graph cites the source lines it was read from
(``prov:wasDerivedFrom`` an excerpt ``…/source#line=a,b``); this reads those citations
back, so warnings and violations can name the file and line to look at: from a release's
store, or, when the checks stopped a build before there was one, from the N-Quads the
build staged. A mark such as ``※9`` is looked for on the cited lines, so the message
names the very line that holds it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store, parse

from planlod.dataset import DATASET_FILE, DatasetInfo
from planlod.findings import Finding
from planlod.graph import minter_for
from planlod.iri import excerpt_lines
from planlod.source import read_text
from planlod.vocab import PROV

_MARK = re.compile(r"※[0-9]+")


def locations(
    graphs: Store | Path | None, findings: Iterable[Finding], infos: Iterable[DatasetInfo], base: str
) -> dict[int, str]:
    """``file:line`` (or ``file:first-last``) for each finding, by its index in ``findings``, where known.

    ``graphs`` holds the plans' graphs: a release's store, or a build's staged N-Quads file.
    Without them only findings about a plan itself are placed, in its ``dataset.toml``.
    """
    findings = list(findings)
    infos = list(infos)
    sources = {str(minter_for(info, base).source): info for info in infos}
    # What is said of the plan itself and of its dataset (period, licence, contact…) comes from dataset.toml.
    plans = {
        str(resource): info.directory / DATASET_FILE
        for info in infos
        for resource in (minter_for(info, base).plan, minter_for(info, base).dataset)
    }
    focuses = {f.focus for f in findings if f.focus.startswith(("http://", "https://"))}
    cited = _cited_lines(graphs, focuses) if graphs is not None else {}
    texts: dict[Path, list[str]] = {}
    found: dict[int, str] = {}
    for index, finding in enumerate(findings):
        if finding.focus.split("#", 1)[0] in plans:  # the plan, or a part of it such as …/5th#period
            found[index] = str(plans[finding.focus.split("#", 1)[0]])
            continue
        excerpts = [e for e in cited.get(finding.focus, []) if e[0] in sources]
        if not excerpts:
            continue
        # The widest excerpt holds the resource's text (an initiative also cites the line that lists it).
        source, first, last = max(excerpts, key=lambda e: e[2] - e[1])
        info = sources[source]
        path = info.source.file
        if finding.value and _MARK.fullmatch(finding.value):
            if path not in texts:
                texts[path] = read_text(path, info.source.encoding).split("\n")
            lines = sorted({n for _, a, b in excerpts for n in range(a, b + 1)})
            hit = next((n for n in lines if finding.value in texts[path][n - 1]), None)
            if hit is not None:
                first = last = hit
        found[index] = f"{path}:{first}" if first == last else f"{path}:{first}-{last}"
    return found


def _cited_lines(graphs: Store | Path, focuses: set[str]) -> dict[str, list[tuple[str, int, int]]]:
    """focus IRI → every (source IRI, first line, last line) it cites."""
    cited: dict[str, list[tuple[str, int, int]]] = {}
    if not focuses:
        return cited
    pairs = _derived_from(graphs, focuses) if isinstance(graphs, Store) else _staged_derived_from(graphs, focuses)
    for focus, excerpt in pairs:
        lines = excerpt_lines(excerpt)
        if lines is not None:  # a plan also cites its whole source, which names no lines
            cited.setdefault(focus, []).append(lines)
    return cited


def _derived_from(store: Store, focuses: set[str]) -> Iterator[tuple[str, str]]:
    """(focus, excerpt IRI) for each excerpt a focus is derived from, in a release's store."""
    values = " ".join(str(NamedNode(iri)) for iri in sorted(focuses))  # NamedNode refuses what is no IRI
    query = f"""
        SELECT ?focus ?excerpt WHERE {{
            VALUES ?focus {{ {values} }}
            GRAPH ?g {{ ?focus <{PROV.wasDerivedFrom}> ?excerpt }}
        }}"""
    for row in store.query(query):
        yield row["focus"].value, row["excerpt"].value


def _staged_derived_from(nquads: Path, focuses: set[str]) -> Iterator[tuple[str, str]]:
    """The same from a build's staged N-Quads, in one pass: only the focuses' citation lines are parsed."""
    predicate = f"<{PROV.wasDerivedFrom}>".encode()
    subjects = {f"<{iri}>".encode() for iri in focuses}  # N-Quads as the build writes it: one quad a line
    with nquads.open("rb") as file:
        citations = b"".join(line for line in file if predicate in line and line.split(b" ", 1)[0] in subjects)
    for quad in parse(citations, format=RdfFormat.N_QUADS):
        yield quad.subject.value, quad.object.value
