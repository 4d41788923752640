"""The embedded store: a pyoxigraph database inside each release of the build."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import RdfFormat, Store

STORE_DIR = "store"


def create(directory: Path, quads: Path) -> Store:
    """Bulk-load an N-Quads file into a new on-disk store and compact it."""
    store = Store(str(directory))
    store.bulk_load(path=str(quads), format=RdfFormat.N_QUADS)
    store.optimize()
    store.flush()
    return store


def open_read_only(directory: Path) -> Store:
    """Open a built store for serving: no reload, and no writer may touch it meanwhile."""
    if not (directory / "CURRENT").exists():
        raise FileNotFoundError(f"{directory} holds no store: run `planlod build` first")
    return Store.read_only(str(directory))


def in_memory(quads: Path) -> Store:
    """A temporary in-memory store with the same content, for tests and one-off queries."""
    store = Store()
    store.load(path=str(quads), format=RdfFormat.N_QUADS)
    return store
