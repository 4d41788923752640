"""All settings in one typed place, and where the tool's own files are.

A value comes from, in this order (later wins): the defaults here, the site's
``planlod.toml`` (see ``planlod/site.py``), the environment as ``PLANLOD_<FIELD>``
(``PLANLOD_BASE_IRI``, ``PLANLOD_QUERY_TIMEOUT``…), and the explicit overrides the CLI
and the app factory pass. The site is ``--site``/``PLANLOD_SITE_DIR``, else the nearest
folder from the current one upward that holds a ``planlod.toml``, else the current folder.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from planlod import site
from planlod.messages import PlanError, phrase
from planlod.shacl_engines import DEFAULT_ENGINE, ENGINES

PACKAGE_DIR = Path(__file__).resolve().parent
# The repository, when planlod runs from a checkout (editable install or PYTHONPATH). Tests,
# benchmarks and `planlod synth` read its files; the tool itself reads only tool_dir()s.
ROOT = PACKAGE_DIR.parent


def tool_dir(name: str) -> Path:
    """One of the tool's folders (ontology, shapes, queries, docs, data).

    The repository keeps each at its top level; a wheel carries it as ``planlod/_data/NAME``
    (pyproject.toml maps one onto the other), so there is one copy to edit.
    """
    shipped = PACKAGE_DIR / "_data" / name
    return shipped if shipped.is_dir() else ROOT / name


ONTOLOGY_DIR = tool_dir("ontology")
SHAPES_DIR = tool_dir("shapes")
QUERIES_DIR = tool_dir("queries")
DOCS_DIR = tool_dir("docs")
SDG_KEYWORDS_FILE = tool_dir("data") / "sdg-keywords.toml"

# A query worker (Python, pyoxigraph and the open store) reserves about 85 MiB before any query.
MIN_QUERY_MEMORY_MIB = 128

DEFAULT_BASE_IRI = "https://w3id.org/jp-cityplan/"
ONTOLOGY_NS = "https://w3id.org/jp-cityplan/def#"


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/planlod``, or ``~/.cache/planlod``."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "planlod"


def is_base_url(url: str) -> bool:
    """An http(s) URL with a host, no query or fragment, ending with '/': a base to append paths to."""
    parts = urlsplit(url)
    return (
        parts.scheme in ("http", "https") and bool(parts.hostname) and not parts.query and not parts.fragment
        and url.endswith("/")
    )  # fmt: skip


class ConfigError(PlanError):
    """A setting with a value that cannot be used (worded from the message catalogue)."""


@dataclass(frozen=True)
class Settings:
    # The site folder (with planlod.toml); data_dir and build_dir default to folders inside it.
    site_dir: Path = field(default_factory=Path.cwd)
    # What the site says about itself (planlod.toml's [site] and [operator]): shown on every page
    # and in the catalogue. The operator publishes the site; each plan's publisher is in its dataset.toml.
    site_title_ja: str = "総合計画 Linked Open Data"
    site_title_en: str = "Comprehensive plans as Linked Open Data"
    operator_ja: str = ""
    operator_en: str = ""
    operator_url: str = ""
    contact_email: str = ""
    # IRIs: {base_iri}id/{lgcode}/{plan}/{kind}/{notation}
    base_iri: str = DEFAULT_BASE_IRI
    # Where plan folders (each with dataset.toml and its source) live; relative to site_dir.
    data_dir: Path = Path("data")
    # Where `planlod build` publishes; `build_dir/current` is the live release. Relative to site_dir.
    build_dir: Path = Path("build")
    # The server's public base URL (https://example.org/): every absolute URL it writes (catalogue,
    # VoID, sitemap, feeds, OpenAPI, the SPARQL service) starts with it, never with a request's Host.
    # Empty: `planlod serve` uses the address it binds.
    public_url: str = ""
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
    # Rows per page of the query page's HTML results (counted and sliced in the query worker).
    html_rows: int = 500
    # Processes that run user SPARQL, so a runaway query can be killed; one more is kept warm as a spare.
    query_workers: int = 3
    # Seconds after which a query needs one of the query_workers - 1 places for long queries (a client
    # holds at most (query_workers - 1) // 2 of them, at least one); without one it is stopped (429/503).
    query_long_after: float = 1.0
    # Memory limit of each query worker in MiB (RLIMIT_DATA: heap and anonymous mappings); over it, 503.
    query_memory_mib: int = 320
    # Run query workers even where seccomp cannot close their network. Never on a public server.
    allow_unsandboxed_queries: bool = False
    # The request header naming the client behind a trusted proxy (e.g. X-Forwarded-For, whose last entry
    # counts); empty: the connection's address. Fair shares of the query workers are per client.
    client_header: str = ""
    # The Unix socket of the query broker that `planlod serve` starts for its HTTP processes (empty:
    # each process has its own query workers).
    query_broker: str = ""
    # Incoming links listed on a resource (the actor concepts are pointed at by every commitment).
    max_inverse: int = 500
    # Rendered pages and data documents kept in memory per server process.
    page_cache_size: int = 4096
    # The home page outlines every plan's chapters, policies and initiatives up to this many plans;
    # a larger site lists its plans only (each plan's page has its outline): at 101 plans the
    # outline was 0.7 MB, and at 1,741 it would be about 12 MB.
    home_outline_plans: int = 10
    # Bytes of /sparql answers kept per server process and release (a release never changes its answers).
    result_cache_bytes: int = 64_000_000
    # Bytes of whole responses (pages, documents, /sparql GETs) replayed in front of Flask per process.
    fast_path_bytes: int = 64_000_000
    # Where reasoner proofs and SHACL verdicts of unchanged plans are kept between builds.
    cache_dir: Path = field(default_factory=default_cache_dir)
    # Releases kept next to the live one, so a bad build can be rolled back by hand.
    keep_releases: int = 2
    # Prove each plan consistent with the ontology (HermiT, which needs Java) in build and validate.
    reasoner: bool = True
    # The SHACL engine of build and validate: "turbo" (pyshacl-turbo, fast) or "pyshacl" (the reference).
    shacl_engine: str = DEFAULT_ENGINE

    def __post_init__(self) -> None:
        # A frozen dataclass: fix up the paths in place, once, as construction does.
        object.__setattr__(self, "site_dir", self.site_dir.absolute())
        for name in ("data_dir", "build_dir"):
            path = getattr(self, name)
            if not path.is_absolute():
                object.__setattr__(self, name, self.site_dir / path)
        if not self.base_iri.endswith("/") or "://" not in self.base_iri:
            raise ConfigError.of("config.base_iri", value=self.base_iri)
        if self.shacl_engine not in ENGINES:
            raise _setting_error("config.shacl_engine", "shacl_engine", self.shacl_engine, engines=list(ENGINES))
        if self.public_url and not is_base_url(self.public_url):
            raise _setting_error("config.public_url", "public_url", self.public_url)
        for name, minimum, why in _MINIMUMS:
            value = getattr(self, name)
            if value <= minimum if why == "positive" else value < minimum:
                raise _setting_error(f"config.{why}", name, value, minimum=minimum)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then the site's planlod.toml, then ``PLANLOD_*`` variables, then explicit
        overrides (None means unset). Relative paths in the environment and the overrides are
        taken from the current folder, those in planlod.toml from the site folder."""
        environ = os.environ if environ is None else environ
        kinds = {f.name: _kind(f.type) for f in fields(cls)}
        env: dict[str, Any] = {}
        for name, kind in kinds.items():
            raw = environ.get(f"PLANLOD_{name.upper()}")
            if raw is not None:
                env[name] = _convert(name, kind, raw)
        given = {k: v for k, v in overrides.items() if v is not None}
        site_dir = Path(given.get("site_dir") or env.get("site_dir") or site.find(Path.cwd()) or Path.cwd())
        from_site = site.settings_values(site_dir.absolute(), kinds)
        values = {**from_site, **_absolute(env), **_absolute(given), "site_dir": site_dir}
        return cls(**values)

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


# Settings that must be at least so much (0: more than 0), and the message that says why.
_MINIMUMS = (
    ("query_timeout", 0, "positive"),
    ("query_long_after", 0, "positive"),
    ("html_rows", 1, "at_least"),
    ("query_workers", 2, "query_workers"),
    ("query_memory_mib", MIN_QUERY_MEMORY_MIB, "query_memory"),
)


def _setting_error(id: str, name: str, value: Any, **params: Any) -> ConfigError:
    return ConfigError.of(id, name=name, variable=f"PLANLOD_{name.upper()}", value=value, **params)


_BOOLEANS = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def _kind(kind: Any) -> str:
    return kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))


def _absolute(values: dict[str, Any]) -> dict[str, Any]:
    return {k: Path(v).absolute() if isinstance(v, Path) else v for k, v in values.items()}


def _convert(name: str, kind: str, raw: str) -> Any:
    """A ``PLANLOD_*`` variable's text as the field's type."""
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
        term = "term.env_bool" if kind == "bool" else site.TYPE_TERMS.get(kind, "term.type_str")
        example = _ENV_EXAMPLES[kind]
        raise _setting_error("config.env_value", name, raw, expected=phrase(term), example=example) from None
    return raw


_ENV_EXAMPLES = {"float": "10", "int": "3", "bool": "1"}
