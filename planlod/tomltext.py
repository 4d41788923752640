"""Where a key is in a TOML file a person wrote: ``tomllib`` gives values, not line numbers.

Shared by ``dataset.toml`` (planlod/dataset.py) and ``planlod.toml`` (planlod/site.py), so
that an error about a key can name the line to look at.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence

_HEADER = re.compile(r"\[\s*([A-Za-z0-9_.-]+)\s*\]\s*(#.*)?")
_ITEM = re.compile(r"\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]\s*(#.*)?")
_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def key_line(lines: Sequence[str], table: str, key: str | None = None) -> int | None:
    """The line of ``key = …`` under ``[table]`` (or of ``[table]`` itself), as the file has it."""
    current = None
    header = None
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if m := _HEADER.fullmatch(stripped):
            current = m.group(1)
            header = number if current == table and header is None else header
        elif key is not None and current == table and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return header


def item_line(lines: Sequence[str], array: str, n: int) -> int | None:
    """The line of the ``n``-th (1-based) ``[[array]]`` header."""
    headers = [number for number, line in enumerate(lines, start=1) if _item(line) == array]
    return headers[n - 1] if n <= len(headers) else None


def _item(line: str) -> str | None:
    m = _ITEM.fullmatch(line.strip())
    return m.group(1) if m else None


def decode_error(exc: tomllib.TOMLDecodeError) -> tuple[int | None, str]:
    """The line ``tomllib`` names in its error, and the error without it."""
    at = _AT.search(str(exc))
    if at is None:
        return None, str(exc)
    return int(at.group(1)), str(exc)[: at.start()].strip()
