"""All settings in one typed place.

Defaults suit a checkout of this repository; every field can be set from the
environment as ``PLANLOD_<FIELD>`` (``PLANLOD_BASE_IRI``, ``PLANLOD_QUERY_TIMEOUT``…),
and the CLI and the app factory pass explicit overrides on top.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from planlod.shacl_engines import DEFAULT_ENGINE, ENGINES

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
SHAPES_DIR = ROOT / "shapes"
QUERIES_DIR = ROOT / "queries"

DEFAULT_BASE_IRI = "https://w3id.org/jp-cityplan/"
ONTOLOGY_NS = "https://w3id.org/jp-cityplan/def#"


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/planlod``, or ``~/.cache/planlod``."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "planlod"


class ConfigError(ValueError):
    """A setting with a value that cannot be used."""


@dataclass(frozen=True)
class Settings:
    # IRIs: {base_iri}id/{lgcode}/{plan}/{kind}/{notation}
    base_iri: str = DEFAULT_BASE_IRI
    # Where plan folders (each with dataset.toml and its source) live.
    data_dir: Path = ROOT / "data"
    # Where `planlod build` publishes; `build_dir/current` is the live release.
    build_dir: Path = ROOT / "build"
    # "embedded" (pyoxigraph in the build) or "sparql+http://host:port/…" for an external store.
    store: str = "embedded"
    # The Graph Store Protocol endpoint of an external store, when it is not Oxigraph's /store.
    store_gsp: str = ""
    # Seconds between two looks at an external store's release graph.
    release_check: float = 10.0
    # SPARQL endpoint limits.
    query_timeout: float = 10.0
    max_query_bytes: int = 20_000
    max_response_bytes: int = 50_000_000
    # Processes that run user SPARQL, so a runaway query can be killed (one per core is plenty).
    query_workers: int = 2
    # Incoming links listed on a resource (the actor concepts are pointed at by every commitment).
    max_inverse: int = 500
    # Rendered pages and data documents kept in memory per server process.
    page_cache_size: int = 4096
    # Where reasoner proofs and SHACL verdicts of unchanged plans are kept between builds.
    cache_dir: Path = field(default_factory=default_cache_dir)
    # Releases kept next to the live one, so a bad build can be rolled back by hand.
    keep_releases: int = 2
    # Prove each plan consistent with the ontology (HermiT, which needs Java) in build and validate.
    reasoner: bool = True
    # The SHACL engine of build and validate: "turbo" (pyshacl-turbo, fast) or "pyshacl" (the reference).
    shacl_engine: str = DEFAULT_ENGINE

    def __post_init__(self) -> None:
        if not self.base_iri.endswith("/") or "://" not in self.base_iri:
            raise ConfigError(f"base_iri must be an absolute IRI ending with '/', got {self.base_iri!r}")
        if self.shacl_engine not in ENGINES:
            raise ConfigError(f"shacl_engine must be one of {', '.join(ENGINES)}, got {self.shacl_engine!r}")
        if self.query_timeout <= 0:
            raise ConfigError("query_timeout must be positive")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``PLANLOD_*`` variables, then explicit overrides (None means unset)."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f"PLANLOD_{f.name.upper()}")
            if raw is not None:
                values[f.name] = _convert(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


_BOOLEANS = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def _convert(name: str, kind: Any, raw: str) -> Any:
    kind = kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))
    try:
        if kind == "Path":
            return Path(raw)
        if kind == "float":
            return float(raw)
        if kind == "int":
            return int(raw)
        if kind == "bool":
            return _BOOLEANS[raw.strip().lower()]
    except (ValueError, KeyError):
        raise ConfigError(f"PLANLOD_{name.upper()} must be a {kind}, got {raw!r}") from None
    return raw
