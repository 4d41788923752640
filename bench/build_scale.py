"""How the build grows with the corpus: 1, 100 and 1,741 synthetic plans (not part of the tests).

    python bench/build_scale.py                      # 1, 100, 1741 plans; writes bench/RESULTS.md
    python bench/build_scale.py --sizes 1,10 --no-write

For each size it synthesises a corpus (`planlod synth`) in a temporary folder and runs
`planlod build` on it in a child process, so that the child's memory can be measured
on its own: the peak resident memory of the whole process tree (the build and its
workers, sampled every 0.1 s) and the largest single process (``ru_maxrss``). The
build's own stage timings come from the release's ``stats.json``: the per-plan stages
(parse, graph, N-Quads, SHACL) in CPU seconds summed over plans and workers, which a
busy machine does not inflate; "all plans" (those stages in the worker pool), load,
dumps and total in wall-clock seconds.

The table gives each cost per plan and the growth ratios 100/1 and 1741/100 of those
per-plan costs: a ratio near 1 means the cost grows linearly with the corpus.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
MARK = "build_scale"
STAGES = (
    "parse_cpu",
    "graph_cpu",
    "shacl_cpu",
    "owl_cpu",
    "serialize_cpu",
    "plans",
    "load",
    "dumps",
    "changes",
    "total",
)
STAGE_NAMES = {
    "parse_cpu": "parse (CPU)",
    "graph_cpu": "graph (CPU)",
    "serialize_cpu": "N-Quads (CPU)",
    "shacl_cpu": "SHACL (CPU)",
    "owl_cpu": "OWL, Python side (CPU; HermiT runs in Java)",
    "plans": "all plans (wall)",
    "load": "store bulk load",
    "dumps": "other dumps",
    "changes": "change feed digests",
    "total": "build total",
}


def child(data_dir: Path, out: Path, workers: int | None) -> None:
    """Run one build (in this child process) and print what it measured as JSON."""
    from planlod import build
    from planlod.config import Settings

    # From the environment, so PLANLOD_REASONER (set by --no-reasoner) applies as it would for a user.
    result = build.run(Settings.from_env(data_dir=data_dir, build_dir=out), workers=workers)
    print(json.dumps({"release": str(result.release), "stats": result.stats}))


class TreeMemory:
    """Peak resident memory of a process and all its descendants, sampled from /proc.

    It also samples the machine's load average: other work on the machine slows the
    build's wall-clock stages (not its CPU seconds), and the table should say so.
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self.loads: list[float] = []
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._done.wait(0.1):
            self.peak = max(self.peak, sum(_rss(pid) for pid in _tree(self.pid)))
            self.loads.append(os.getloadavg()[0])


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        todo.extend(int(c) for c in children)
    return found


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def measure(size: int, workdir: Path, workers: int | None, reasoner: bool) -> dict:
    from planlod import synth

    corpus = workdir / f"corpus-{size}"
    started = time.perf_counter()
    synth.generate(size, corpus)
    synth_seconds = time.perf_counter() - started
    out = workdir / f"build-{size}"
    command = [sys.executable, __file__, "--child", str(corpus), str(out)]
    if workers:
        command += ["--workers", str(workers)]
    started = time.perf_counter()
    # A cache folder of its own: nothing proved or checked by an earlier build is reused.
    env = {**os.environ, "PLANLOD_REASONER": "1" if reasoner else "0", "PLANLOD_CACHE_DIR": str(workdir / "cache")}
    shutil.rmtree(workdir / "cache", ignore_errors=True)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    with TreeMemory(process.pid) as memory:
        output, _ = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode:
        raise SystemExit(f"build of {size} plans failed (exit {process.returncode})")
    # The largest single process among all children waited for so far (sizes run in ascending order).
    max_process = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    done = json.loads(output.strip().splitlines()[-1])
    release = Path(done["release"])
    sizes = {p.name: p.stat().st_size for p in release.iterdir() if p.is_file()}
    store = sum(p.stat().st_size for p in (release / "store").rglob("*") if p.is_file())
    peer = oxigraph_load(release / "dataset.nq", workdir / f"peer-{size}")
    row = {
        "plans": size,
        "quads": done["stats"]["quads"],
        "seconds": done["stats"]["build_seconds"],
        "wall": wall,
        "synth": synth_seconds,
        "peak_tree_bytes": memory.peak,
        "peak_process_bytes": max_process,
        "load_average": sum(memory.loads) / len(memory.loads) if memory.loads else os.getloadavg()[0],
        "nq_bytes": sizes.get("dataset.nq", 0),
        "release_bytes": sum(sizes.values()) + store,
        "store_bytes": store,
        "oxigraph_load": peer,
    }
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    return row


def oxigraph_load(nquads: Path, location: Path) -> float:
    """Wall seconds of the peer: `oxigraph load` of the build's own N-Quads into a fresh store.

    The build's target is a small multiple of this: loading its output is the least any
    build of the same data must do.
    """
    started = time.perf_counter()
    subprocess.run(["oxigraph", "load", "--location", str(location), "--file", str(nquads)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    seconds = time.perf_counter() - started
    shutil.rmtree(location, ignore_errors=True)
    return seconds


def machine() -> dict[str, str]:
    import pyoxigraph
    import pyshacl
    import rdflib

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line
    )
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": f"{os.cpu_count()} × {cpu}",
        "ram": f"{memory_kb / 1024**2:.1f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__,
        "rdflib": rdflib.__version__,
        "pyshacl": pyshacl.__version__,
    }


def table(rows: list[dict]) -> str:
    def per_plan(row: dict, stage: str) -> float:
        return row["seconds"].get(stage, 0.0) / row["plans"]

    head = ["cost per plan"] + [_plans(r["plans"]) for r in rows]
    ratios = list(zip(rows, rows[1:], strict=False))
    head += [f"{b['plans']:,}/{a['plans']:,} ratio" for a, b in ratios]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]

    def ratio(a: float, b: float) -> str:
        return f"{b / a:.2f}" if a else "–"

    for stage in STAGES:
        if not any(r["seconds"].get(stage) for r in rows):
            continue
        cells = [STAGE_NAMES[stage]] + [f"{per_plan(r, stage) * 1000:.0f} ms" for r in rows]
        cells += [ratio(per_plan(a, stage), per_plan(b, stage)) for a, b in ratios]
        lines.append("| " + " | ".join(cells) + " |")
    for label, key, unit in (
        ("quads", "quads", 1),
        ("N-Quads dump", "nq_bytes", 1024),
        ("release on disk", "release_bytes", 1024),
    ):
        cells = [label] + [f"{r[key] / r['plans'] / unit:,.0f}{' KiB' if unit > 1 else ''}" for r in rows]
        cells += [ratio(a[key] / a["plans"], b[key] / b["plans"]) for a, b in ratios]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("| whole build | " + " | ".join(_plans(r["plans"]) for r in rows) + " |")
    lines.append("|" + " --- |" * (len(rows) + 1))
    lines.append("| wall time | " + " | ".join(_duration(r["wall"]) for r in rows) + " |")
    lines.append("| `oxigraph load` of its N-Quads (peer, same run) | "
                 + " | ".join(_duration(r["oxigraph_load"]) for r in rows) + " |")  # fmt: skip
    ratios_to_peer = (f"{r['wall'] / r['oxigraph_load']:.1f}×" for r in rows)
    lines.append("| build ÷ peer (target ≤ 10) | " + " | ".join(ratios_to_peer) + " |")
    lines.append("| peak memory, build + workers | " + " | ".join(_gib(r["peak_tree_bytes"]) for r in rows) + " |")
    lines.append("| peak memory, largest process | " + " | ".join(_gib(r["peak_process_bytes"]) for r in rows) + " |")
    lines.append("| quads | " + " | ".join(f"{r['quads']:,}" for r in rows) + " |")
    lines.append(
        "| machine load average during the build | " + " | ".join(f"{r['load_average']:.1f}" for r in rows) + " |"
    )
    lines.append("| release on disk | " + " | ".join(_gib(r["release_bytes"]) for r in rows) + " |")
    lines.append("| `planlod synth` | " + " | ".join(_duration(r["synth"]) for r in rows) + " |")
    return "\n".join(lines)


def _plans(count: int) -> str:
    return f"{count:,} plan" + ("s" if count != 1 else "")


def _gib(value: float) -> str:
    return f"{value / 1024**3:.2f} GiB" if value >= 1024**3 / 10 else f"{value / 1024**2:.0f} MiB"


def _duration(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def write_results(text: str, variant: str) -> None:
    """Replace this variant's section of RESULTS.md (or add it), leaving the other sections alone."""
    start, end = f"<!-- {MARK}{variant}:start -->", f"<!-- {MARK}{variant}:end -->"
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if start in old:
        head, _, rest = old.partition(start)
        _, _, tail = rest.partition(end)
    else:
        head, tail = old.rstrip("\n") + "\n\n", "\n"
    RESULTS.write_text(f"{head}{start}\n{text}\n{end}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,100,1741", help="comma-separated corpus sizes, ascending")
    parser.add_argument("--workers", type=int, help="build worker processes (default: the build's own choice)")
    parser.add_argument("--no-write", action="store_true", help=f"print only; do not update {RESULTS.name}")
    parser.add_argument(
        "--no-reasoner", dest="reasoner", action="store_false", help="build without the OWL reasoner (HermiT)"
    )
    parser.add_argument("--child", nargs=2, metavar=("DATA", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]), args.workers)
        return
    sizes = sorted(int(s) for s in args.sizes.split(","))
    rows = []
    with tempfile.TemporaryDirectory(prefix="planlod-bench-") as workdir:
        for size in sizes:
            print(f"building {size} synthetic plan(s)…", file=sys.stderr, flush=True)
            rows.append(measure(size, Path(workdir), args.workers, args.reasoner))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    info = machine()
    gate = "SHACL and OWL reasoner" if args.reasoner else "SHACL only (--no-reasoner)"
    command = "python bench/build_scale.py" + ("" if args.reasoner else " --no-reasoner")
    text = "\n".join(
        [
            f"## Build: {', '.join(f'{n:,}' for n in sizes)} synthetic plans, {gate} (`{command}`)",
            "",
            "Measured " + info.pop("date") + " on " + "; ".join(f"{k} {v}" for k, v in info.items()) + ".",
            "",
            table(rows),
            "",
            "```json",
            json.dumps(rows, indent=1),
            "```",
        ]
    )
    print(text)
    if not args.no_write:
        write_results(text, "" if args.reasoner else ":no-reasoner")


if __name__ == "__main__":
    main()
