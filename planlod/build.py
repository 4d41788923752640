"""``planlod build``: source → graph → validation → dumps and store, published atomically.

A build writes a complete release into a temporary directory next to the live one
and only then points ``current`` at it (an atomic symlink swap). A build that fails
or is killed at any point leaves the previous release served unchanged.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from planlod import __version__
from planlod import dataset as datasets
from planlod import store as stores
from planlod.catalog import describe_dataset
from planlod.config import ONTOLOGY_DIR, Settings
from planlod.dataset import DatasetInfo
from planlod.graph import new_dataset, to_graph
from planlod.ingest import parse
from planlod.model import Plan
from planlod.sdg import goals_graph, suggest
from planlod.vocab import JCP, ONTOLOGY_IRI, RDF, SDG_GOALS_GRAPH

RELEASES = "releases"
CURRENT = "current"
DUMPS = {
    "dataset.nq": "nquads",
    "dataset.trig": "trig",
    "dataset.nt": "nt",
    "dataset.ttl": "turtle",
    "dataset.jsonld": "json-ld",
}
STATS_FILE = "stats.json"
SOURCES = "sources"

Step = Callable[[str], None]


class BuildError(RuntimeError):
    """A build that cannot publish; the previous release stays live."""


@dataclass
class Compiled:
    dataset: Dataset
    plans: list[tuple[DatasetInfo, Plan]] = field(default_factory=list)


def compile_all(settings: Settings, step: Step = lambda _: None) -> Compiled:
    """Parse every plan folder and turn it into named graphs, with the shared vocabulary."""
    infos = datasets.discover(settings.data_dir)
    if not infos:
        raise BuildError(f"no plan folder (with dataset.toml) under {settings.data_dir}")
    compiled = Compiled(new_dataset())
    for info in infos:
        step(f"parse {info.key}")
        plan = parse(info.source.file, info.source.encoding)
        to_graph(plan, info, settings.base_iri, compiled.dataset)
        suggest(plan, info, settings.base_iri, compiled.dataset)
        describe_dataset(info, settings.base_iri, compiled.dataset)
        compiled.plans.append((info, plan))
    step("shared vocabulary")
    add_vocabulary(compiled.dataset)
    return compiled


def add_vocabulary(dataset: Dataset) -> None:
    """The ontology and the SDG goals, each in a graph of its own."""
    ontology = dataset.graph(URIRef(ONTOLOGY_IRI))
    ontology.parse(ONTOLOGY_DIR / "plan.ttl", format="turtle")
    goals = dataset.graph(URIRef(SDG_GOALS_GRAPH))
    for triple in goals_graph():
        goals.add(triple)


def union(dataset: Dataset) -> Graph:
    graph = Graph()
    for prefix, ns in dataset.namespaces():
        graph.bind(prefix, ns)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def statistics(compiled: Compiled) -> dict:
    """Counts that a person can check against the source at a glance."""
    ds = compiled.dataset
    by_class = Counter(str(o) for s, p, o, _ in ds.quads((None, RDF.type, None, None)))
    return {
        "planlod_version": __version__,
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "quads": sum(1 for _ in ds.quads((None, None, None, None))),
        "graphs": sorted(str(g.identifier) for g in ds.graphs() if len(g)),
        "plans": [
            {
                "key": info.key,
                "source": str(info.source.file),
                "source_sha256": hashlib.sha256(info.source.file.read_bytes()).hexdigest(),
                "chapters": len(plan.chapters),
                "policies": len(plan.policies),
                "initiatives": len(plan.initiatives),
                "commitments": len(plan.commitments),
                "sector_plans": len(plan.sector_plans),
                "glossary_terms": len(plan.glossary),
            }
            for info, plan in compiled.plans
        ],
        "classes": {
            name: by_class[str(JCP[name])]
            for name in (
                "Plan",
                "Chapter",
                "Policy",
                "Initiative",
                "Commitment",
                "SectorPlan",
                "GlossaryTerm",
                "SdgSuggestion",
            )
        },
    }


def write_release(compiled: Compiled, directory: Path, step: Step = lambda _: None) -> dict:
    """Write dumps, store and statistics of ``compiled`` into the empty ``directory``."""
    flat = None
    for name, fmt in DUMPS.items():
        step(f"write {name}")
        if fmt in ("nt", "turtle"):
            flat = flat if flat is not None else union(compiled.dataset)
            flat.serialize(directory / name, format=fmt, encoding="utf-8")
        else:
            compiled.dataset.serialize(directory / name, format=fmt, encoding="utf-8")
    step("write dataset.nt.gz")
    with open(directory / "dataset.nt", "rb") as src, gzip.GzipFile(directory / "dataset.nt.gz", "wb", mtime=0) as dst:
        shutil.copyfileobj(src, dst)
    step("copy the sources")
    for info, _ in compiled.plans:
        # The release is self-contained: provenance links point at the very text that was parsed.
        copy = directory / SOURCES / info.key / "source.txt"
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(info.source.file, copy)
    step("load the store")
    stores.create(directory / stores.STORE_DIR, directory / "dataset.nq")
    stats = statistics(compiled)
    (directory / STATS_FILE).write_text(json.dumps(stats, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return stats


@contextmanager
def _staging(out: Path) -> Iterator[Path]:
    releases = out / RELEASES
    releases.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=releases))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def publish(staging: Path, out: Path, keep: int) -> Path:
    """Move a finished release into place and swap ``current`` to it atomically."""
    digest = hashlib.sha256((staging / "dataset.nq").read_bytes()).hexdigest()[:12]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    release = out / RELEASES / f"{stamp}-{digest}"
    staging.rename(release)
    release.chmod(0o755)  # mkdtemp made it private
    link = out / CURRENT
    tmp_link = out / f".{CURRENT}.{os.getpid()}"
    tmp_link.unlink(missing_ok=True)
    tmp_link.symlink_to(Path(RELEASES) / release.name)
    os.replace(tmp_link, link)
    _prune(out, keep, release)
    return release


def _prune(out: Path, keep: int, live: Path) -> None:
    releases = sorted(p for p in (out / RELEASES).iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in releases[: max(0, len(releases) - keep - 1)]:
        if old != live:
            shutil.rmtree(old, ignore_errors=True)
    for stale in (out / RELEASES).glob(".staging-*"):
        # Left by a killed build; no live process writes there (its pid would own it).
        shutil.rmtree(stale, ignore_errors=True)


def current_release(out: Path) -> Path | None:
    link = out / CURRENT
    return link.resolve() if link.exists() else None


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    """One build at a time per output directory."""
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    with open(out / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"another build is writing {out}; wait for it to finish") from None
        yield


@dataclass
class BuildResult:
    release: Path
    stats: dict
    report: object


def run(settings: Settings, out: Path | None = None, step: Step = lambda _: None) -> BuildResult:
    """The whole build. Raises :class:`BuildError` (or a source error) and publishes nothing on failure."""
    from planlod import validate

    out = Path(out or settings.build_dir)
    with _locked(out):
        compiled = compile_all(settings, step)
        step("validate")
        report = validate.check(compiled.dataset)
        if not report.conforms:
            raise BuildError(
                f"validation found {len(report.violations)} violation(s); nothing was published.\n" + report.summary()
            )
        with _staging(out) as staging:
            stats = write_release(compiled, staging, step)
            validate.write_report(report, staging)
            step("publish")
            release = publish(staging, out, settings.keep_releases)
    return BuildResult(release, stats, report)
