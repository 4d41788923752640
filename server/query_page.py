"""What the query page's editor needs: the examples as plain SPARQL, and the data's prefixes and terms.

The examples are the named queries of ``queries/`` as a person would write them: parameters
by their names (``?actor``, not grlc's ``?_actor``), defaults bound by an inline ``VALUES``
block, and a comment that says which variables are parameters and what they accept.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from planlod.config import ONTOLOGY_DIR
from planlod.queries import NamedQuery, Parameter, with_values
from planlod.vocab import PREFIXES
from server.backend import named_queries

CLASS_TYPES = (OWL.Class, RDFS.Class)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
CARRIES = URIRef(f"{PREFIXES['jcp']}carries")  # the properties of other vocabularies a class carries


def examples() -> list[dict[str, str]]:
    """Every named query, runnable as it stands: name, summary and text."""
    return [{"name": q.name, "summary": q.summary, "text": example_text(q)} for q in named_queries().values()]


def example_text(query: NamedQuery) -> str:
    body = query.plain_text
    defaults = {p.name: p.to_term(p.default) for p in query.parameters if p.default is not None}
    body = with_values(body, defaults)
    if not query.parameters:
        return body
    notes = "\n".join(f"#   ?{p.name}: {describe(p)}" for p in query.parameters)
    return f"# {query.summary}\n# Parameters / パラメータ:\n{notes}\n{body}"


def describe(param: Parameter) -> str:
    kind = f"{param.type} @{param.lang}" if param.lang else param.type
    words = [("required" if param.required else "optional") + f", {kind}"]
    if param.enum:
        words.append("one of " + ", ".join(param.enum))
    if param.default is not None:
        words.append(f"bound to {param.default!r} in VALUES below")
    else:
        words.append("unbound here (every value); bind it with VALUES to choose one")
    return "; ".join(words)


def editor_config(lang: str, endpoint: str) -> dict[str, Any]:
    """The JSON the editor script reads: endpoint, language, prefixes and the vocabulary to complete."""
    classes, properties = vocabulary_terms()
    return {
        "endpoint": endpoint,
        "lang": lang,
        "prefixes": {prefix: str(ns) for prefix, ns in PREFIXES.items()},
        "classes": classes,
        "properties": properties,
    }


@cache
def vocabulary_terms() -> tuple[list[str], list[str]]:
    """Classes and properties of the ontology, and the properties of other vocabularies its classes carry."""
    graph = Graph().parse(ONTOLOGY_DIR / "plan.ttl", format="turtle")
    classes = {s for t in CLASS_TYPES for s in graph.subjects(RDF.type, t) if isinstance(s, URIRef)}
    properties = {s for t in PROPERTY_TYPES for s in graph.subjects(RDF.type, t) if isinstance(s, URIRef)}
    properties |= {o for o in graph.objects(None, CARRIES) if isinstance(o, URIRef)}
    properties.add(RDF.type)
    return sorted(map(str, classes)), sorted(map(str, properties))


# YASGUI's results table resizes its columns with column-resizer, which writes two fixed
# stylesheets into <style> elements, and its syntax-error tooltip underlines with one style
# attribute. The query page allows exactly these by their hashes (CSP Level 3), nothing else
# inline: a new YASGUI version with other text fails the browser tests' console check.
INLINE_STYLES = (
    " .grip-resizable{table-layout:fixed;} .grip-resizable > tbody > tr > td, .grip-resizable > tbody > tr > th"
    "{overflow:hidden} .grip-padding > tbody > tr > td, .grip-padding > tbody > tr > th{padding-left:0!important;"
    " padding-right:0!important;} .grip-container{ height:0px; position:relative;} .grip-handle{margin-left:-5px;"
    " position:absolute; z-index:5; } .grip-handle .grip-resizable{position:absolute;background-color:red;"
    "filter:alpha(opacity=1);opacity:0;width:10px;height:100%;cursor: col-resize;top:0px} .grip-lastgrip"
    "{position:absolute; width:1px; } .grip-drag{ border-left:1px dotted black;\t} .grip-flex{width:auto!important;}"
    " .grip-handle.grip-disabledgrip .grip-resizable{cursor:default; display:none;}",
    "*{cursor:col-resize!important}",
)
INLINE_STYLE_ATTRIBUTES = ("text-decoration:underline",)


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def editor_style_sources() -> str:
    """The ``style-src`` sources of the query page: our files and YASGUI's fixed inline styles."""
    hashes = " ".join(csp_hash(text) for text in (*INLINE_STYLES, *INLINE_STYLE_ATTRIBUTES))
    return f"'self' 'unsafe-hashes' {hashes}"
