"""A least-recently-used cache bounded in bytes, for answers whose size varies by orders of magnitude."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

from cachetools import LRUCache


class ByteCache:
    """A least-recently-used cache bounded in bytes (of the values' ``size``), safe across threads.

    One value may take at most a quarter of it, so a single large answer cannot empty it.
    """

    def __init__(self, max_bytes: int, size: Callable[[Any], int]) -> None:
        self.max_bytes = max_bytes
        self._entries: LRUCache = LRUCache(maxsize=max(max_bytes, 1), getsizeof=size)
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            return self._entries.get(key)

    def __setitem__(self, key: Hashable, value: Any) -> None:
        if self._size(value) > self.max_bytes // 4:
            return
        with self._lock:
            self._entries[key] = value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    @property
    def bytes(self) -> int:
        with self._lock:
            return int(self._entries.currsize)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def body_size(entry: tuple[bytes, dict[str, str]]) -> int:
    """What a cached (body, headers) pair costs, roughly: its body and a little for the rest."""
    return len(entry[0]) + 256
