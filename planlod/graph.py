"""The plan as RDF: :class:`planlod.model.Plan` → named graphs of an rdflib ``Dataset``.

The city's word goes into the plan graph (``…/graph/plan``) as ``@ja`` literals, with
the source lines every resource came from. Anything this project derives goes
elsewhere (see :mod:`planlod.sdg`).
"""

from __future__ import annotations

import hashlib

from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from planlod.dataset import DatasetInfo
from planlod.iri import PLAN_GRAPH, Kind, Minter
from planlod.model import Actor, Chapter, Commitment, GlossaryTerm, Initiative, Plan, Policy, SectorPlan, Span, Text
from planlod.vocab import CPOV, DCAT, DCTERMS, FOAF, IC, JCP, ORG, PREFIXES, PROV, RDF, RDFS, SKOS, WIKIDATA, XSD

ADMS = Namespace("http://www.w3.org/ns/adms#")
ADMS_UNDER_DEVELOPMENT = URIRef("http://purl.org/adms/status/UnderDevelopment")
ACTOR_CONCEPTS = {Actor.CITY: JCP.city, Actor.CITIZENS: JCP.citizen, Actor.BUSINESSES: JCP.business}


def ja(text: str) -> Literal:
    return Literal(text, lang="ja")


def en(text: str) -> Literal:
    return Literal(text, lang="en")


def local_name(prop: URIRef) -> str:
    """``jcp:goal`` → ``goal``, ``skos:definition`` → ``definition``: the name of a text in its IRI."""
    return str(prop).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def new_dataset() -> Dataset:
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    return ds


def minter_for(info: DatasetInfo, base: str) -> Minter:
    return Minter(base, info.municipality.code, info.plan.id)


def to_graph(plan: Plan, info: DatasetInfo, base: str, dataset: Dataset | None = None) -> Dataset:
    """Add the plan graph of ``plan`` to ``dataset`` (a new one by default) and return it."""
    dataset = dataset if dataset is not None else new_dataset()
    mint = minter_for(info, base)
    graph = dataset.graph(mint.graph(PLAN_GRAPH))
    _PlanWriter(graph, mint, info).write(plan)
    return dataset


class _PlanWriter:
    def __init__(self, graph: Graph, mint: Minter, info: DatasetInfo) -> None:
        self.g = graph
        self.mint = mint
        self.info = info
        self.terms: dict[tuple[str, int], URIRef] = {}

    def add(self, s: Node, p: Node, o: Node) -> None:
        self.g.add((s, p, o))

    def titled(self, node: URIRef, kind: URIRef, notation: str, title: str, position: int | None) -> None:
        """What every structural resource has: type, notation, title and its plan."""
        self.add(node, RDF.type, kind)
        self.add(node, SKOS.notation, Literal(notation))
        self.add(node, DCTERMS.title, ja(title))
        self.add(node, RDFS.label, ja(title))
        self.add(node, JCP.partOfPlan, self.mint.plan)
        if position is not None:
            self.add(node, JCP.position, Literal(position, datatype=XSD.positiveInteger))

    def synthetic(self, node: URIRef, what_ja: str, what_en: str) -> None:
        """Say so on every resource of a generated plan, so nobody mistakes it for a real city's word."""
        if not self.info.publication.synthetic:
            return
        self.add(node, DCTERMS.type, JCP.synthetic)
        self.add(node, RDFS.comment, ja(f"合成データ(実在しない{what_ja})"))
        self.add(node, RDFS.comment, en(f"Synthetic data, not a real {what_en}"))

    def derived_from(self, node: URIRef, span: Span) -> None:
        excerpt = self.mint.excerpt(span)
        self.add(node, PROV.wasDerivedFrom, excerpt)
        if (excerpt, RDF.type, JCP.SourceExcerpt) in self.g:
            return
        self.add(excerpt, RDF.type, JCP.SourceExcerpt)
        self.add(excerpt, DCTERMS.isPartOf, self.mint.source)
        self.add(excerpt, JCP.startLine, Literal(span.first, datatype=XSD.positiveInteger))
        self.add(excerpt, JCP.endLine, Literal(span.last, datatype=XSD.positiveInteger))
        lines = f"{span.first}" if span.first == span.last else f"{span.first}–{span.last}"
        self.add(excerpt, RDFS.label, ja(f"原資料 {lines}行"))
        self.add(excerpt, RDFS.label, en(f"source lines {lines}"))

    def text(self, node: URIRef, prop: URIRef, text: Text, policy: Policy) -> None:
        """The wording on the resource, and a jcp:Text with the lines and ※ marks of this text alone."""
        self.add(node, prop, ja(text.value))
        text_node = self.mint.text(node, local_name(prop))
        self.add(node, JCP.hasText, text_node)
        self.add(text_node, RDF.type, JCP.Text)
        self.add(text_node, JCP.textOf, node)
        self.add(text_node, JCP.textProperty, prop)
        self.add(text_node, JCP.partOfPlan, self.mint.plan)
        self.derived_from(text_node, text.span)
        for number in text.footnote_marks:
            term = self.terms.get((policy.notation, number))
            # An unresolved mark gets no link; the SHACL gate reports it.
            if term is not None:
                self.add(node, JCP.mentions, term)
                self.add(text_node, JCP.mentions, term)

    # -- resources -------------------------------------------------------------------

    def write(self, plan: Plan) -> None:
        for policy in plan.policies:
            for term in policy.glossary:
                self.terms[(policy.notation, term.number)] = self.mint(Kind.TERM, term.notation)
        self.municipality()
        self.source(plan)
        self.plan(plan)
        for chapter in plan.chapters:
            self.chapter(chapter)

    def municipality(self) -> None:
        m = self.info.municipality
        node = self.mint.municipality
        for kind in (JCP.Municipality, CPOV.PublicOrganisation, ORG.Organization):
            self.add(node, RDF.type, kind)
        self.add(node, SKOS.prefLabel, ja(m.name_ja))
        self.add(node, SKOS.prefLabel, en(m.name_en))
        self.add(node, RDFS.label, ja(m.name_ja))
        self.add(node, RDFS.label, en(m.name_en))
        self.add(node, SKOS.altLabel, ja(f"{m.prefecture_ja}{m.name_ja}"))
        self.add(node, SKOS.altLabel, en(f"{m.name_en}, {m.prefecture_en}"))
        self.add(node, DCTERMS.identifier, Literal(m.code))
        self.add(node, SKOS.notation, Literal(m.code))
        if m.homepage:
            self.add(node, FOAF.homepage, URIRef(m.homepage))
        self.add(node, IC["市区町村コード"], self.mint.area)
        if m.wikidata:
            self.add(node, SKOS.exactMatch, WIKIDATA[m.wikidata])
        self.synthetic(node, "地方公共団体", "municipality")

    def source(self, plan: Plan) -> None:
        s = self.info.source
        node = self.mint.source
        self.add(node, RDF.type, PROV.Entity)
        self.add(node, RDF.type, FOAF.Document)
        self.add(node, DCTERMS.title, ja(s.title_ja))
        self.add(node, DCTERMS.title, en(s.title_en))
        self.add(node, RDFS.label, ja(s.title_ja))
        self.add(node, RDFS.label, en(s.title_en))
        self.add(node, DCTERMS.format, Literal("text/plain"))
        self.add(node, DCTERMS.extent, Literal(f"{plan.line_count} lines"))
        self.add(node, DCTERMS.creator, self.mint.municipality)
        digest = hashlib.sha256(s.file.read_bytes()).hexdigest()
        self.add(node, DCTERMS.identifier, Literal(f"sha256:{digest}"))
        if s.scope_ja:
            self.add(node, DCTERMS.coverage, ja(s.scope_ja))
        if s.scope_en:
            self.add(node, DCTERMS.coverage, en(s.scope_en))
        if s.sdg_note_ja:
            self.add(node, JCP.sdgNote, ja(s.sdg_note_ja))
        if s.sdg_note_en:
            self.add(node, JCP.sdgNote, en(s.sdg_note_en))
        self.synthetic(node, "資料", "source document")

    def plan(self, plan: Plan) -> None:
        p = self.info.plan
        node = self.mint.plan
        self.add(node, RDF.type, JCP.Plan)
        self.add(node, SKOS.notation, Literal(p.id))
        for lit in (ja(p.title_ja), en(p.title_en)):
            self.add(node, DCTERMS.title, lit)
            self.add(node, RDFS.label, lit)
        self.add(node, DCTERMS.creator, self.mint.municipality)
        self.add(node, DCTERMS.publisher, self.mint.municipality)
        self.add(node, DCTERMS.spatial, self.mint.municipality)
        self.add(node, JCP.glossary, self.mint.glossary)
        self.add(node, PROV.wasDerivedFrom, self.mint.source)
        self.synthetic(node, "計画", "plan")
        if p.issued:
            self.add(node, DCTERMS.issued, Literal(p.issued))
        if p.draft:
            self.add(node, ADMS.status, ADMS_UNDER_DEVELOPMENT)
        if p.period_start or p.period_end:
            period = URIRef(f"{node}#period")
            self.add(node, DCTERMS.temporal, period)
            self.add(period, RDF.type, DCTERMS.PeriodOfTime)
            if p.period_start:
                self.add(period, DCAT.startDate, Literal(p.period_start))
            if p.period_end:
                self.add(period, DCAT.endDate, Literal(p.period_end))
        for chapter in plan.chapters:
            self.add(node, JCP.hasChapter, self.mint(Kind.CHAPTER, chapter.notation))
        glossary = self.mint.glossary
        self.add(glossary, RDF.type, SKOS.ConceptScheme)
        self.add(glossary, SKOS.prefLabel, ja(f"{p.title_ja} 用語解説"))
        self.add(glossary, SKOS.prefLabel, en(f"Glossary of {p.title_en}"))
        self.add(glossary, RDFS.label, ja(f"{p.title_ja} 用語解説"))
        self.add(glossary, JCP.partOfPlan, node)

    def chapter(self, chapter: Chapter) -> None:
        node = self.mint(Kind.CHAPTER, chapter.notation)
        self.titled(node, JCP.Chapter, chapter.notation, chapter.title, int(chapter.notation))
        self.add(node, JCP.division, ja(chapter.division))
        self.add(node, JCP.chapterOf, self.mint.plan)
        for span in chapter.spans:
            self.derived_from(node, span)
        for policy in chapter.policies:
            self.add(node, JCP.hasPolicy, self.mint(Kind.POLICY, policy.notation))
            self.policy(policy, node)

    def policy(self, policy: Policy, chapter: URIRef) -> None:
        node = self.mint(Kind.POLICY, policy.notation)
        self.titled(node, JCP.Policy, policy.notation, policy.title, policy.position)
        self.add(node, JCP.policyOf, chapter)
        self.text(node, JCP.necessity, policy.necessity, policy)
        self.text(node, JCP.direction, policy.direction, policy)
        if policy.sdg_positioning:
            self.text(node, JCP.sdgPositioning, policy.sdg_positioning, policy)
        self.derived_from(node, policy.span)
        for term in policy.glossary:
            self.term(term, node, policy)
        for sector_plan in policy.sector_plans:
            self.sector_plan(sector_plan, node, policy)
        for initiative in policy.initiatives:
            self.add(node, JCP.hasInitiative, self.mint(Kind.INITIATIVE, initiative.notation))
            self.initiative(initiative, node, policy)

    def initiative(self, initiative: Initiative, policy_node: URIRef, policy: Policy) -> None:
        node = self.mint(Kind.INITIATIVE, initiative.notation)
        self.titled(node, JCP.Initiative, initiative.notation, initiative.title, initiative.position)
        self.add(node, JCP.initiativeOf, policy_node)
        self.text(node, JCP.currentSituation, initiative.situation, policy)
        self.text(node, JCP.goal, initiative.goal, policy)
        self.derived_from(node, initiative.span)
        self.derived_from(node, initiative.listed_at)
        for commitment in initiative.commitments:
            self.commitment(commitment, node, initiative, policy)

    def commitment(
        self, commitment: Commitment, initiative_node: URIRef, initiative: Initiative, policy: Policy
    ) -> None:
        actor = commitment.actor
        node = self.mint.commitment(initiative.notation, actor.key)
        self.add(node, RDF.type, JCP.Commitment)
        self.add(node, SKOS.notation, Literal(f"{initiative.notation}-{actor.key}"))
        # Labels are navigation aids made from the initiative and actor names, not text of the plan.
        self.add(node, RDFS.label, ja(f"{initiative.notation} {initiative.title}《{actor.ja}》"))
        self.add(node, RDFS.label, en(f"Initiative {initiative.notation}: {actor.en}"))
        self.add(node, JCP.partOfPlan, self.mint.plan)
        self.add(node, JCP.actor, ACTOR_CONCEPTS[actor])
        self.add(node, JCP.commitmentOf, initiative_node)
        self.add(initiative_node, JCP.hasCommitment, node)
        self.text(node, JCP.statement, commitment.text, policy)
        self.derived_from(node, commitment.span)

    def sector_plan(self, sector_plan: SectorPlan, policy_node: URIRef, policy: Policy) -> None:
        node = self.mint(Kind.SECTOR_PLAN, sector_plan.notation)
        self.titled(node, JCP.SectorPlan, sector_plan.notation, sector_plan.name, sector_plan.position)
        if sector_plan.description:
            self.text(node, DCTERMS.description, sector_plan.description, policy)
        self.add(node, JCP.sectorPlanOf, policy_node)
        self.add(policy_node, JCP.hasSectorPlan, node)
        self.derived_from(node, sector_plan.span)

    def term(self, term: GlossaryTerm, policy_node: URIRef, policy: Policy) -> None:
        node = self.terms[(policy.notation, term.number)]
        self.add(node, RDF.type, JCP.GlossaryTerm)
        self.add(node, RDF.type, SKOS.Concept)
        self.add(node, SKOS.notation, Literal(term.notation))
        self.add(node, SKOS.prefLabel, ja(term.label))
        self.add(node, RDFS.label, ja(term.label))
        self.text(node, SKOS.definition, term.definition, policy)
        self.add(node, SKOS.inScheme, self.mint.glossary)
        self.add(node, SKOS.topConceptOf, self.mint.glossary)
        self.add(self.mint.glossary, SKOS.hasTopConcept, node)
        self.add(node, JCP.footnoteMark, Literal(f"※{term.number}"))
        self.add(node, JCP.definedIn, policy_node)
        self.add(node, JCP.partOfPlan, self.mint.plan)
        self.derived_from(node, term.span)
