"""The SHACL engines a check can run on: pyshacl (the reference) and pyshacl-turbo.

pyshacl is the project's reference implementation. pyshacl-turbo is a Rust engine with
pyshacl's ``validate()`` signature and report graph; on this project's shapes it gives the
same verdicts, focus nodes, shapes and messages (``tests/test_shacl_engines.py`` runs both
over every mutation case and a synthetic corpus sample and requires identical findings) in
a fraction of the time, so it is the default. ``PLANLOD_SHACL_ENGINE=pyshacl`` selects the
reference for a run.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib.metadata import version
from typing import Any

ENGINES = {"turbo": "pyshacl-turbo", "pyshacl": "pyshacl"}  # setting value → distribution
DEFAULT_ENGINE = "turbo"


class UnknownEngine(ValueError):
    """A SHACL engine name that is not one of :data:`ENGINES`."""


def validator(engine: str) -> Callable[..., tuple[bool, Any, str]]:
    """The ``validate`` function of ``engine`` (imported on first use: both are slow to import)."""
    if engine == "turbo":
        from pyshacl_turbo import validate
    elif engine == "pyshacl":
        from pyshacl import validate
    else:
        raise UnknownEngine(f"unknown SHACL engine {engine!r}: choose one of {', '.join(ENGINES)}")
    return validate


@cache
def signature(engine: str) -> str:
    """The engine and its version, for naming remembered verdicts."""
    return f"{ENGINES[engine]} {version(ENGINES[engine])}"
