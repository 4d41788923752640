"""Minting IRIs: one predictable pattern, so another city can mint its own without asking.

``{base}id/{lgcode}/{plan}/{kind}/{notation}``, e.g.
``https://w3id.org/jp-cityplan/id/272116/5th/initiative/7-1-2``. Only this module
knows the pattern; the base is a setting and nothing else may depend on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from rdflib import URIRef

from planlod.model import Span


class Kind(StrEnum):
    CHAPTER = "chapter"
    POLICY = "policy"
    INITIATIVE = "initiative"
    SECTOR_PLAN = "sector-plan"
    TERM = "term"
    SDG_SUGGESTION = "sdg-suggestion"


@dataclass(frozen=True)
class Minter:
    base: str
    lgcode: str
    plan_id: str

    @property
    def municipality(self) -> URIRef:
        return URIRef(f"{self.base}id/{self.lgcode}")

    @property
    def area(self) -> URIRef:
        """e-Stat's standard area code LOD for the municipality: ``C`` + the code without its check digit."""
        return URIRef(f"http://data.e-stat.go.jp/lod/sac/C{self.lgcode[:5]}")

    @property
    def plan(self) -> URIRef:
        return URIRef(f"{self.base}id/{self.lgcode}/{self.plan_id}")

    def __call__(self, kind: Kind, notation: str) -> URIRef:
        return URIRef(f"{self.plan}/{kind.value}/{notation}")

    def commitment(self, initiative: str, actor_key: str) -> URIRef:
        return URIRef(f"{self(Kind.INITIATIVE, initiative)}/commitment/{actor_key}")

    def part(self, name: str) -> URIRef:
        """Plan-level resources without a notation: glossary, source, dataset, …"""
        return URIRef(f"{self.plan}/{name}")

    @property
    def glossary(self) -> URIRef:
        return self.part("glossary")

    @property
    def source(self) -> URIRef:
        return self.part("source")

    @property
    def dataset(self) -> URIRef:
        return self.part("dataset")

    def graph(self, name: str) -> URIRef:
        return self.part(f"graph/{name}")

    def text(self, resource: URIRef, name: str) -> URIRef:
        """One text of a resource (``…/initiative/7-3-1/text/goal``), named after its property."""
        return URIRef(f"{resource}/text/{name}")

    def excerpt(self, span: Span) -> URIRef:
        # RFC 5147 text/plain fragment: line=a,b selects the lines between the a-th and
        # b-th line ends, i.e. our 1-based lines a+1 … b.
        return URIRef(f"{self.source}#line={span.first - 1},{span.last}")


_EXCERPT = re.compile(r"(.+)#line=([0-9]+),([0-9]+)")


def excerpt_lines(iri: str) -> tuple[str, int, int] | None:
    """(source IRI, first line, last line) of an excerpt IRI as :meth:`Minter.excerpt` mints it; None otherwise."""
    m = _EXCERPT.fullmatch(iri)
    return (m.group(1), int(m.group(2)) + 1, int(m.group(3))) if m else None


PLAN_GRAPH = "plan"
SDG_GRAPH = "sdg-suggestions"
QUALITY_GRAPH = "quality"


def plan_of_graph(name: str, graph: str) -> str | None:
    """The IRI of the plan whose ``graph`` (e.g. :data:`PLAN_GRAPH`) is named ``name``; None if it is not one."""
    suffix = f"/graph/{graph}"
    return name.removesuffix(suffix) if name.endswith(suffix) else None


def plan_part(plan: str, name: str) -> URIRef:
    """A resource of the plan whose IRI is ``plan``, as :meth:`Minter.part` mints it."""
    return URIRef(f"{plan}/{name}")


def plan_of(iri: str, base: str) -> str | None:
    """The IRI of the plan an IRI minted under ``base`` belongs to (``…/id/272116/5th`` for any
    ``…/id/272116/5th/…``); None for the municipality and for IRIs not minted here."""
    rest = iri.removeprefix(f"{base}id/")
    if rest == iri:
        return None
    lgcode, _, after = rest.partition("/")
    plan_id = after.split("/", 1)[0].split("#", 1)[0]
    return f"{base}id/{lgcode}/{plan_id}" if lgcode and plan_id else None
