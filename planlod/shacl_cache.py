"""Remembered SHACL verdicts, so a rebuild checks only the plans that changed.

A national corpus is mostly unchanged from one build to the next, and pyshacl costs
about a second per plan. An entry is named after everything the verdict depends on:
the plan's own graphs (every statement, sorted), the shapes files, the vocabulary files
and the SHACL engine with its version and planlod's. The build always checks a plan against the
project's own vocabulary files, so those files stand for the vocabulary graphs. Entries
hold the findings and the SHACL results; one that cannot be read is ignored and redone.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from rdflib import BNode, Dataset

from planlod import __version__
from planlod.config import ONTOLOGY_DIR, SHAPES_DIR
from planlod.findings import Finding, Report
from planlod.shacl_engines import DEFAULT_ENGINE, signature
from planlod.vocab import ONTOLOGY_IRI, SDG_GOALS_GRAPH

VOCABULARY_FILES = ("plan.ttl", "sdg-goals.ttl")


def default_cache() -> Path:
    """``shacl/`` in the settings' ``cache_dir`` (``PLANLOD_CACHE_DIR``), beside the reasoner's proofs."""
    from planlod.config import Settings

    return Settings.from_env().cache_dir / "shacl"


def key(dataset: Dataset, shapes_dir: Path = SHAPES_DIR, engine: str = DEFAULT_ENGINE) -> str | None:
    """The entry's name, or None when the plan's graphs hold blank nodes (no stable name)."""
    digest = hashlib.sha256(f"{signature(engine)} planlod {__version__}\n".encode())
    for path in [*sorted(shapes_dir.glob("*.ttl")), *(ONTOLOGY_DIR / name for name in VOCABULARY_FILES)]:
        digest.update(path.name.encode() + b"\n" + path.read_bytes())
    lines = []
    for graph in dataset.graphs():
        name = str(graph.identifier)
        if name in (ONTOLOGY_IRI, SDG_GOALS_GRAPH):
            continue
        for triple in graph:
            if any(isinstance(term, BNode) for term in triple):
                return None
            lines.append(" ".join(term.n3() for term in triple) + f" <{name}> .")
    for line in sorted(lines):
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()


def load(cache: Path, name: str) -> Report | None:
    path = cache / f"{name}.json"
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        report = Report(findings=[Finding(**finding) for finding in entry["findings"]])
        if entry["results"]:
            report.results.parse(data=entry["results"], format="nt")
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or unreadable: check again
    return report


def keep(cache: Path, name: str, report: Report) -> None:
    cache.mkdir(parents=True, exist_ok=True)
    results = report.results.serialize(format="nt", encoding="utf-8").decode("utf-8") if len(report.results) else ""
    entry = {"findings": [asdict(finding) for finding in report.findings], "results": results}
    partial = cache / f".{name}.{os.getpid()}"
    partial.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    partial.replace(cache / f"{name}.json")  # whole entries only, even with parallel workers
