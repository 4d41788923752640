"""Processes as /proc shows them: a server's process tree, its memory, and who is still alive."""

from __future__ import annotations

import os
from pathlib import Path


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of ``pid``, or None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return fields[0], int(fields[1])


def is_running(pid: int) -> bool:
    """Alive and not a zombie (a zombie runs nothing; it waits for its parent to reap it)."""
    stat = _stat(pid)
    return stat is not None and stat[0] != "Z"


def descendants(root: int) -> set[int]:
    """Every process below ``root``."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            parents.setdefault(stat[1], []).append(int(entry))
    found: set[int] = set()
    todo = [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except (FileNotFoundError, ProcessLookupError):
        return ""


def query_processes(marker: str) -> set[int]:
    """Running query workers and brokers whose command line mentions ``marker`` (a build directory)."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            line = command_line(int(entry))
            if ("planlod.queryworker" in line or "planlod.querybroker" in line) and marker in line:
                found.add(int(entry))
    return {pid for pid in found if is_running(pid)}


def rss_bytes(pids: set[int]) -> int:
    """The resident memory of ``pids`` together (VmRSS: anonymous, file-backed and shared pages)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total
