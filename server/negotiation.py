"""One media-type table for content negotiation, file suffixes and ``?format=``.

Accept parsing (q-values, wildcards, specificity) is werkzeug's; this module only
says which representations exist and how they are named.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header


@dataclass(frozen=True)
class Format:
    key: str  # the file suffix and the ?format= value
    media_type: str
    label: str
    rdflib: str | None = None  # rdflib serializer name, for RDF formats
    aliases: tuple[str, ...] = ()  # other media types that mean the same thing
    graphs: bool = False  # keeps named graphs

    @property
    def content_type(self) -> str:
        if self.media_type.startswith("text/") or self.media_type.endswith(("json", "xml")):
            return f"{self.media_type}; charset=utf-8"
        return self.media_type


HTML = Format("html", "text/html", "HTML", aliases=("application/xhtml+xml",))
TURTLE = Format("ttl", "text/turtle", "Turtle", "turtle", ("application/x-turtle", "application/turtle"))
NTRIPLES = Format("nt", "application/n-triples", "N-Triples", "nt", ("text/plain",))
JSONLD = Format("jsonld", "application/ld+json", "JSON-LD", "json-ld", ("application/json",))
RDFXML = Format("rdf", "application/rdf+xml", "RDF/XML", "xml", ("application/xml",))
TRIG = Format("trig", "application/trig", "TriG", "trig", graphs=True)
NQUADS = Format("nq", "application/n-quads", "N-Quads", "nquads", graphs=True)
TEXT = Format("txt", "text/plain", "Text")

# Order matters: it breaks ties between formats a client likes equally (`*/*`, `application/*`).
RDF_FORMATS = (TURTLE, JSONLD, RDFXML, NTRIPLES, TRIG, NQUADS)
RESOURCE_FORMATS = (HTML, *RDF_FORMATS)


def accept_of(request: Request) -> MIMEAccept:
    """The request's Accept header; a missing or empty one accepts anything."""
    header = request.headers.get("Accept", "").strip()
    return parse_accept_header(header or "*/*", MIMEAccept)


def negotiate(accept: MIMEAccept, offered: tuple[Format, ...]) -> Format | None:
    """The offered format the client likes best; ties go to the order of ``offered``.

    An alias (``application/xml`` for RDF/XML, ``text/plain`` for N-Triples) counts only
    when the client names it: a wildcard such as ``application/*`` must not pick HTML
    because of its ``application/xhtml+xml`` alias.
    """
    named = {value.lower() for value, quality in accept if quality > 0 and "*" not in value}
    candidates: list[str] = []
    owner: dict[str, Format] = {}
    for fmt in offered:
        for media_type in (fmt.media_type, *(a for a in fmt.aliases if a in named)):
            if media_type not in owner:
                candidates.append(media_type)
                owner[media_type] = fmt
    match = accept.best_match(candidates)
    return owner[match] if match else None


def by_key(key: str | None, offered: tuple[Format, ...]) -> Format | None:
    """The offered format named by a suffix or ``?format=`` value."""
    key = (key or "").lower()
    return next((fmt for fmt in offered if fmt.key == key), None)


def split_suffix(path: str, offered: tuple[Format, ...]) -> tuple[str, Format | None]:
    """``…/7-1-2.ttl`` → (``…/7-1-2``, Turtle); a path without a known suffix is returned whole."""
    stem, dot, suffix = path.rpartition(".")
    if dot and "/" not in suffix:
        fmt = by_key(suffix, offered)
        if fmt is not None:
            return stem, fmt
    return path, None
