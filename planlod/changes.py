"""What changed between two builds, so harvesters re-harvest only that.

Every release keeps a digest per resource (``digests.tsv``) and the history of changes
(``changes.json``): for each build, the resources added, removed and changed since the
release before it. A resource's digest is an order-independent hash of its statements
(those with it, or one of its ``#`` parts, as subject, in any graph). The source
document and its line excerpts are bookkeeping of provenance, not content: they change
with any edit of the file, so they are left out and an edited paragraph is one change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

DIGESTS_FILE = "digests.tsv"
CHANGES_FILE = "changes.json"
HISTORY = 200  # builds kept in the feed
MODULUS = 2**256


def _subject_key(line: str) -> str | None:
    if not line.startswith("<"):
        return None
    iri = line[1 : line.index(">")]
    return iri.split("#", 1)[0]


def digests(nquads: Path, base: str) -> dict[str, str]:
    """Resource IRI → digest of its statements, streaming over an N-Quads file."""
    sums: dict[str, int] = {}
    prefix = f"{base}id/"
    with open(nquads, encoding="utf-8") as lines:
        for line in lines:
            key = _subject_key(line)
            if key is None or not key.startswith(prefix) or key.endswith("/source"):
                continue
            value = int.from_bytes(hashlib.sha256(line.strip().encode("utf-8")).digest(), "big")
            sums[key] = (sums.get(key, 0) + value) % MODULUS  # a sum: the order of lines does not matter
    return {key: f"{value:064x}" for key, value in sums.items()}


def read_digests(release: Path | None) -> dict[str, str] | None:
    if release is None or not (release / DIGESTS_FILE).exists():
        return None
    with open(release / DIGESTS_FILE, encoding="utf-8") as f:
        return dict(line.rstrip("\n").split("\t", 1) for line in f if line.strip())


def write_digests(directory: Path, found: dict[str, str]) -> None:
    with open(directory / DIGESTS_FILE, "w", encoding="utf-8") as f:
        for key in sorted(found):
            f.write(f"{key}\t{found[key]}\n")


@dataclass(frozen=True)
class Entry:
    release: str
    built_at: str
    added: list[str]
    removed: list[str]
    changed: list[str]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff(before: dict[str, str] | None, after: dict[str, str], release: str, built_at: str) -> Entry:
    before = before or {}
    return Entry(
        release=release,
        built_at=built_at,
        added=sorted(after.keys() - before.keys()),
        removed=sorted(before.keys() - after.keys()),
        changed=sorted(k for k in after.keys() & before.keys() if after[k] != before[k]),
    )


def read_history(release: Path | None) -> list[dict]:
    if release is None or not (release / CHANGES_FILE).exists():
        return []
    return json.loads((release / CHANGES_FILE).read_text(encoding="utf-8"))["builds"]


def record(staging: Path, previous: Path | None, base: str, release_name: str) -> Entry:
    """Write the new release's digests and its change history (the previous one plus this build)."""
    found = digests(staging / "dataset.nq", base)
    write_digests(staging, found)
    built_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    entry = diff(read_digests(previous), found, release_name, built_at)
    history = read_history(previous)
    if not entry.empty:
        history = [entry.__dict__, *history][:HISTORY]
    version = len(history)
    payload = {"version": version, "builds": history}
    (staging / CHANGES_FILE).write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return entry


def last_changed(history: list[dict], base: str, plans: Iterable[str]) -> dict[str, str]:
    """When each plan (``272116/5th``) last changed, from the history (newest build first).

    A plan no build in the history touched (its history was cut) is left out.
    """
    found: dict[str, str] = {}
    wanted = {f"{base}id/{key}": key for key in plans}
    for entry in history:
        for iri in (*entry["added"], *entry["removed"], *entry["changed"]):
            key = wanted.get(_plan_of(iri))
            if key is not None and key not in found:
                found[key] = entry["built_at"]
    return found


def _plan_of(iri: str) -> str:
    """``{base}id/272116/5th`` for any resource of that plan (``…/5th/initiative/7-1-2``)."""
    head, _, rest = iri.partition("/id/")
    return f"{head}/id/{'/'.join(rest.split('/')[:2])}"
