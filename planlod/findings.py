"""What the quality gate found: findings with bilingual messages, and the report that gathers them.

Both the SHACL shapes (:mod:`planlod.validate`) and the OWL reasoner (:mod:`planlod.reason`)
report :class:`Finding`\\ s, so the CLI, the build and the quality graph treat them alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal

from planlod.messages import Lang, phrase
from planlod.vocab import PREFIXES, RDF, SH

SEVERITIES = ("Violation", "Warning", "Info")
SEVERITY_ORDER = {name: rank for rank, name in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Finding:
    severity: str  # Violation | Warning | Info
    focus: str  # the IRI (or blank node id) the finding is about
    path: str | None
    value: str | None
    messages: dict[str, str]  # language tag → text; shapes give "ja" and "en"
    shape: str  # the SHACL shape, or the reasoner check, that found it
    component: str

    def message(self, lang: str = "en") -> str:
        return self.messages.get(lang) or self.messages.get("en") or next(iter(self.messages.values()), "")

    def line(self, lang: Lang = "en", where: str | None = None) -> str:
        """One line for a person: where in their files (when known), how serious, what, about what."""
        text = phrase("finding.line", severity=phrase(f"finding.severity.{self.severity}"),
                      message=self.message(lang), focus=self.focus).text(lang)  # fmt: skip
        return f"{where}: {text}" if where else text


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    # The sh:ValidationResult nodes of the SHACL runs (the reasoner's findings are not SHACL results).
    results: Graph = field(default_factory=Graph)
    reasoned: bool = False  # whether the OWL reasoner ran

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def conforms(self) -> bool:
        """The gate's verdict: no violation (warnings and notes are published with the data)."""
        return not self.violations

    def counts(self) -> Counter[str]:
        return Counter(f.severity for f in self.findings)

    def sorted(self) -> list[Finding]:
        return sorted(self.findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.focus, f.path or ""))

    def summary(self, lang: Lang = "en", limit: int = 20, where: Mapping[int, str] | None = None) -> str:
        """One :meth:`Finding.line` per finding (the first ``limit`` in :meth:`sorted` order)."""
        where = where or {}
        lines = [f.line(lang, where.get(i)) for i, f in enumerate(self.sorted()[:limit])]
        if len(self.findings) > limit:
            lines.append(phrase("finding.more", count=len(self.findings) - limit).text(lang))
        return "\n".join(lines)

    def shacl_report(self) -> Graph:
        """The standard SHACL validation report: one sh:ValidationReport over every result.

        sh:conforms follows pyshacl's ``allow_warnings``: true when nothing is a violation.
        """
        graph = Graph()
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns)
        graph += self.results
        node = BNode()
        graph.add((node, RDF.type, SH.ValidationReport))
        graph.add((node, SH.conforms, Literal(not any(self.results.triples((None, SH.resultSeverity, SH.Violation))))))
        for result in self.results.subjects(RDF.type, SH.ValidationResult):
            graph.add((node, SH.result, result))
        return graph
