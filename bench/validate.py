"""What the quality gate costs on the real data, next to what making the data costs.

    python bench/validate.py [--repeat N]

Times, on the real plan (chapter 7 of Ibaraki's 5th plan): parsing the source, making
its graphs (plan, SDG suggestions, vocabulary), the SHACL shapes, and the OWL reasoner
(owlready2 + HermiT, a fresh World and JVM each time, no cached proof). Prints the median
and the fastest of N runs per step (wall time: HermiT runs in a Java process), and the
ratio of validation to parse + graph. No assertion anywhere: the numbers are for people,
and the tests stay free of timings.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planlod import dataset as datasets  # noqa: E402
from planlod import pipeline, reason, validate  # noqa: E402
from planlod.config import DEFAULT_BASE_IRI  # noqa: E402
from planlod.graph import new_dataset, to_graph  # noqa: E402
from planlod.ingest import parse  # noqa: E402
from planlod.sdg import suggest  # noqa: E402

PLAN_FOLDER = ROOT / "data" / "272116-ibaraki-5th"


def timed(work: Callable[[], object], repeat: int) -> tuple[list[float], object]:
    seconds, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        seconds.append(time.perf_counter() - start)
    return seconds, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per step (default 5)")
    args = parser.parse_args()
    if not reason.java_available():
        sys.exit("no Java: the OWL reasoner (HermiT) cannot run; install a Java runtime")

    info = datasets.load(PLAN_FOLDER)

    def parsed():
        return parse(info.source.file, info.source.encoding, info.plan.draft)

    def graphs():
        data = new_dataset()
        to_graph(plan, info, DEFAULT_BASE_IRI, data)
        suggest(plan, info, DEFAULT_BASE_IRI, data)
        pipeline.add_vocabulary(data)
        return data

    rows = {}
    rows["parse"], plan = timed(parsed, args.repeat)
    rows["graph"], data = timed(graphs, args.repeat)
    # The first check parses the shapes and prepares their queries; a build pays that once per process.
    shacl_runs, report = timed(lambda: validate.check(data), args.repeat + 1)
    first_shacl, rows["SHACL"] = shacl_runs[0], shacl_runs[1:]
    rows["OWL (HermiT)"], findings = timed(lambda: reason.check(data), args.repeat)
    assert report.conforms and not findings, "the real data should pass the gate"

    triples = sum(len(g) for g in data.graphs())
    print(f"real plan {info.key}: {triples} triples checked (plan, suggestions, vocabulary); {args.repeat} runs each")
    print(f"{'step':<14}{'median':>10}{'fastest':>10}")
    for step, seconds in rows.items():
        print(f"{step:<14}{statistics.median(seconds):>9.3f}s{min(seconds):>9.3f}s")
    print(f"{'SHACL, first':<14}{first_shacl:>9.3f}s  (shapes parsed, queries prepared)")
    making = statistics.median(rows["parse"]) + statistics.median(rows["graph"])
    shacl = statistics.median(rows["SHACL"])
    owl = statistics.median(rows["OWL (HermiT)"])
    print(f"validation / (parse + graph): SHACL {shacl / making:.1f}x, SHACL + OWL {(shacl + owl) / making:.1f}x")


if __name__ == "__main__":
    main()
