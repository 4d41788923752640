"""How long-running library calls report progress, without knowing who shows it.

The CLI turns these calls into a rich progress bar; tests and the server pass nothing.
"""

from __future__ import annotations

from typing import Protocol

from planlod.messages import Phrase


class Step(Protocol):
    def __call__(self, what: str | Phrase, done: int | None = None, total: int | None = None) -> None:
        """``what`` is happening (a catalogued phrase, worded by whoever shows it); with ``done``/``total``,
        that many of so many items are finished."""


def quiet(what: str | Phrase, done: int | None = None, total: int | None = None) -> None:
    """The default: report nothing."""
