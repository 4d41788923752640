"""Where an IRI of the data lives on this server, and back.

``{base}id/…`` is served at ``/id/…`` on whatever host the server runs; the ontology
(``https://w3id.org/jp-cityplan/def``) at ``/def``. Other IRIs found in the data (the
UN's SDG goals, for example) are shown at ``/browse?iri=…``.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import current_app

from planlod.vocab import ONTOLOGY_IRI

VOCAB_BASE = ONTOLOGY_IRI.rsplit("/", 1)[0] + "/"  # https://w3id.org/jp-cityplan/


def base() -> str:
    return current_app.config["PLANLOD"].base_iri


def iri_for_path(path: str) -> str:
    """``id/272116/5th/policy/7-1`` → the IRI it serves; ``def…`` → the ontology's."""
    path = path.lstrip("/")
    if path == "def" or path.startswith("def/"):
        return VOCAB_BASE + path
    return base() + path


def local_path(iri: str) -> str | None:
    """The path on this server that serves ``iri`` (with its #fragment), or None."""
    for prefix in (base(), VOCAB_BASE):
        if iri.startswith(prefix):
            rest = iri[len(prefix) :]
            if rest.startswith(("id/", "def")) or rest == "id":
                path, hash_, fragment = rest.partition("#")
                return "/" + quote(path, safe="/-._~") + (hash_ + fragment)
    return None


def href(iri: str) -> str:
    """A link for ``iri`` in a page: its local path, or the browse view for foreign IRIs."""
    local = local_path(iri)
    if local is not None:
        return local
    return "/browse?" + urlencode({"iri": iri})


def doc_path(resource_path: str, suffix: str) -> str:
    """``/id/…/7-1-2`` + ``ttl`` → ``/doc/…/7-1-2.ttl``; ``/def`` → ``/doc/def.ttl``."""
    rest = resource_path.lstrip("/")
    if rest.startswith("id/"):
        rest = rest[3:]
    return f"/doc/{rest}.{suffix}"
