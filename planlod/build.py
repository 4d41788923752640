"""``planlod build``: source → graph → validation → dumps and store, published atomically.

A build streams plan by plan (see :mod:`planlod.pipeline`): each plan is parsed,
turned into named graphs, validated with the shared vocabulary and appended to
``dataset.nq``, then dropped, so memory stays bounded however many plans there are.
The store is then bulk-loaded from that file, and the other dumps are written from the
store (:mod:`planlod.dumps`). With many plans, the per-plan work runs in a process pool.

Everything is written into a temporary directory next to the live release and only
then is ``current`` pointed at it (an atomic symlink swap). A build that fails or is
killed at any point leaves the previous release served unchanged.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Dataset

from planlod import __version__, changes, dumps, locate, pipeline
from planlod import dataset as datasets
from planlod import store as stores
from planlod.config import Settings
from planlod.dataset import DatasetInfo
from planlod.graph import new_dataset
from planlod.messages import LANGUAGES, PlanError, phrase
from planlod.model import Plan
from planlod.pipeline import Census, Clock, PlanResult
from planlod.progress import Step, quiet
from planlod.vocab import PREFIXES

if TYPE_CHECKING:
    from planlod.validate import Report

RELEASES = "releases"
CURRENT = "current"
NQUADS = dumps.NQUADS
DUMPS = dumps.NAMES
STATS_FILE = "stats.json"
SOURCES = "sources"
# Below this many plans a process pool costs more (starting workers) than it saves.
POOL_THRESHOLD = 8

__all__ = ["BuildError", "BuildResult", "Compiled", "compile_all", "current_release", "publish", "run"]


class BuildError(PlanError):
    """A build that cannot publish; the previous release stays live."""


# -- everything in memory: one small corpus, for tests and tools ---------------------------


@dataclass
class Compiled:
    dataset: Dataset
    plans: list[tuple[DatasetInfo, Plan]] = field(default_factory=list)


def compile_all(settings: Settings, step: Step = quiet) -> Compiled:
    """Parse every plan folder into one in-memory rdflib Dataset, with the shared vocabulary.

    Convenient for a few plans; :func:`run` streams instead and scales to a national corpus.
    """
    infos = _discover(settings)
    compiled = Compiled(new_dataset())
    for done, info in enumerate(infos, start=1):
        plan, _ = pipeline.compile_plan(info, settings.base_iri, compiled.dataset)
        compiled.plans.append((info, plan))
        step(phrase("progress.parse", plan=info.key), done=done, total=len(infos))
    step(phrase("progress.vocabulary"))
    pipeline.add_vocabulary(compiled.dataset)
    return compiled


def add_vocabulary(dataset: Dataset) -> None:
    """The ontology and the SDG goals, each in a graph of its own."""
    pipeline.add_vocabulary(dataset)


def _discover(settings: Settings) -> list[DatasetInfo]:
    infos = datasets.discover(settings.data_dir)
    if not infos:
        raise BuildError.of("build.no_plans", settings.data_dir)
    return infos


# -- the streaming build ------------------------------------------------------------------------


@dataclass
class BuildResult:
    release: Path
    stats: dict
    report: Report  # merged over all plans
    published: bool = True  # False: nothing changed since the live release, which stays


# Written anew by every build (times, the history), or not comparable byte for byte (the store's files).
_NOT_CONTENT = frozenset((STATS_FILE, changes.CHANGES_FILE, changes.DIGESTS_FILE, stores.STORE_DIR))


def same_content(staging: Path, live: Path) -> bool:
    """Whether a new build holds exactly what the live release holds: every dump, source and report."""

    def files(root: Path) -> set[Path]:
        return {p.relative_to(root) for p in root.rglob("*") if p.is_file() and p.relative_to(root).parts[0]
                not in _NOT_CONTENT}  # fmt: skip

    ours = files(staging)
    return ours == files(live) and all(filecmp.cmp(staging / f, live / f, shallow=False) for f in sorted(ours))


def run(settings: Settings, out: Path | None = None, step: Step = quiet, workers: int | None = None) -> BuildResult:
    """The whole build. Raises :class:`BuildError` (or a source error) and publishes nothing on failure.

    ``workers`` is the number of processes for the per-plan work; by default one per
    core once there are enough plans to pay for starting them.
    """
    out = Path(out or settings.build_dir)
    clock = Clock()
    started = time.perf_counter()
    if settings.reasoner:
        from planlod.reason import require_java

        require_java()  # before any work, not after the first plan
    with _locked(out):
        infos = _discover(settings)
        with _staging(out) as staging:
            with clock("plans"):
                tally = _stream_plans(
                    infos, settings.base_iri, staging, _workers(workers, len(infos)), step, settings.reasoner
                )
            if not tally.report.conforms:
                # No store yet: the cited source lines are read from the N-Quads just staged.
                where = locate.locations(staging / NQUADS, tally.report.sorted(), infos, settings.base_iri)
                summary = {lang: tally.report.summary(lang, where=where) for lang in LANGUAGES}
                raise BuildError.of("build.violations", count=len(tally.report.violations), summary=summary)
            step(phrase("progress.load"))
            with clock("load"):
                store = stores.create(staging / stores.STORE_DIR, staging / NQUADS)
            with clock("dumps"):
                dumps.write_all(staging, step)
                dumps.write_plans(staging, [info.key for info in infos], step)
            del store  # closes the database before the directory is renamed
            from planlod import validate

            validate.write_report(tally.report, staging)
            live = current_release(out)
            if live is not None and same_content(staging, live):
                # Nothing changed: the live release stays, so its dumps, catalogue, ETags,
                # Last-Modified and dcterms:modified stay exactly as harvesters saw them.
                step(phrase("progress.unchanged"))
                shutil.rmtree(staging, ignore_errors=True)
                return BuildResult(live, tally.statistics(clock.seconds), tally.report, published=False)
            step(phrase("progress.changes"))
            name = release_name(staging)
            with clock("changes"):
                changes.record(staging, current_release(out), settings.base_iri, name)
            clock.seconds["total"] = time.perf_counter() - started
            stats = tally.statistics(clock.seconds)
            (staging / STATS_FILE).write_text(json.dumps(stats, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            step(phrase("progress.publish"))
            release = publish(staging, out, settings.keep_releases, name)
    return BuildResult(release, stats, tally.report)


def _workers(requested: int | None, plans: int) -> int:
    if requested is not None:
        return max(1, requested)
    if plans < POOL_THRESHOLD:
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _stream_plans(
    infos: list[DatasetInfo], base: str, staging: Path, workers: int, step: Step, reasoner: bool = False
) -> _Tally:
    """Write the vocabulary and every plan's graphs to ``dataset.nq``, validating each plan on the way.

    With the reasoner, plans left to prove are handed to HermiT in batches as they come in, on
    the same workers; their findings join the report before the build decides to publish.
    """
    tally = _Tally()
    tally.report.reasoned = reasoner
    vocabulary = pipeline.vocabulary_dataset()
    with _executor(workers) as executor, open(staging / NQUADS, "wb") as nquads:
        proving = _Proving(executor, vocabulary) if reasoner else None
        nquads.write(pipeline.nquads(vocabulary, tally.census))
        for done, result in enumerate(_processed(infos, base, executor, reasoner), start=1):
            nquads.write(result.nquads)
            dumps.write_plan(staging, result.info.key, result.nquads)
            _copy_source(result.info, staging)
            tally.add(result)
            if proving is not None:
                proving.add(result.pending)
            step(phrase("progress.plan", plan=result.info.key), done=done, total=len(infos))
        if proving is not None:
            step(phrase("progress.reasoner"))
            tally.report.findings.extend(proving.findings())
    return tally


class _Inline:
    """An executor that runs each call at once, for builds too small to pay for worker processes."""

    def map(self, fn: Callable[..., Any], *iterables: Iterable[Any]) -> Iterator[Any]:
        return map(fn, *iterables)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        future: Future = Future()
        future.set_result(fn(*args))
        return future


@contextmanager
def _executor(workers: int) -> Iterator[Any]:
    if workers <= 1:
        yield _Inline()
        return
    # "spawn": a fresh interpreter per worker, safe whatever threads the caller runs (a progress bar).
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"))
    try:
        yield pool
    finally:
        # On failure, do not wait for the remaining plans.
        pool.shutdown(wait=True, cancel_futures=True)


def _processed(infos: Sequence[DatasetInfo], base: str, executor: Any, reasoner: bool = False) -> Iterator[PlanResult]:
    """Each plan processed, in order, by ``executor``."""
    for result in executor.map(pipeline.process_in_worker, infos, [base] * len(infos), [reasoner] * len(infos)):
        if isinstance(result, pipeline.Failure):
            raise result.error()
        yield result


class _Proving:
    """Plans waiting for HermiT, sent off in batches of :data:`planlod.reason.BATCH` as they fill."""

    def __init__(self, executor: Any, vocabulary: Dataset) -> None:
        from planlod import reason

        self.reason = reason
        self.executor = executor
        self.vocabulary = reason.vocabulary_ntriples(vocabulary)
        self.waiting: list = []
        self.futures: list[Future] = []

    def add(self, pending: list) -> None:
        self.waiting.extend(pending)
        if len(self.waiting) >= self.reason.BATCH:
            self._send()

    def _send(self) -> None:
        if self.waiting:
            self.futures.append(self.executor.submit(self.reason.prove, self.vocabulary, self.waiting))
            self.waiting = []

    def findings(self) -> list:
        self._send()
        return [finding for future in self.futures for finding in future.result()]


def _copy_source(info: DatasetInfo, directory: Path) -> None:
    # The release is self-contained: provenance links point at the very text that was parsed.
    copy = directory / SOURCES / info.key / "source.txt"
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(info.source.file, copy)


@dataclass
class _Tally:
    """What the build keeps of each plan once its quads are on disk: numbers and findings."""

    census: Census = field(default_factory=Census)
    plans: list[dict] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    report: Report = field(default_factory=lambda: _empty_report())

    def add(self, result: PlanResult) -> None:
        self.census.add(result.census)
        info = result.info
        self.plans.append(
            {
                "key": info.key,
                "source": str(info.source.file),
                "source_sha256": _sha256(info.source.file),
                **result.counts,
                "synthetic": info.publication.synthetic,
            }
        )
        for stage, seconds in result.cpu_seconds.items():
            self.seconds[f"{stage}_cpu"] = self.seconds.get(f"{stage}_cpu", 0.0) + seconds
        self.report.findings.extend(result.findings)
        if result.report:
            self.report.results.parse(data=result.report, format="nt")

    def statistics(self, build_seconds: dict[str, float]) -> dict:
        """Counts that a person can check against the source at a glance, and what the build cost."""
        return {
            "planlod_version": __version__,
            "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "quads": self.census.quads,
            "graphs": sorted(g for g in self.census.graphs if not g.startswith("urn:x-rdflib:")),
            "plans": self.plans,
            "classes": self.census.counted_classes(),
            # `*_cpu`: CPU seconds of the per-plan stages, summed over plans and workers; the others: wall time.
            "build_seconds": {k: round(v, 3) for k, v in {**self.seconds, **build_seconds}.items()},
        }


def _empty_report() -> Report:
    from planlod import validate  # pyshacl is slow to import; `planlod --help` need not wait

    report = validate.Report()
    for prefix, ns in PREFIXES.items():
        report.results.bind(prefix, ns)
    return report


def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


# -- staging and publishing -------------------------------------------------------------------


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


def release_name(staging: Path) -> str:
    """When it was built and what it holds: ``20261125T123456789012Z-<sha256 of dataset.nq>``."""
    digest = _sha256(staging / NQUADS)[:12]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{digest}"


def publish(staging: Path, out: Path, keep: int, name: str | None = None) -> Path:
    """Move a finished release into place and swap ``current`` to it atomically."""
    release = out / RELEASES / (name or release_name(staging))
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
            raise BuildError.of("build.locked", out) from None
        yield
