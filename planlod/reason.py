"""OWL consistency: the ontology and each plan's data, loaded into owlready2 and checked by HermiT.

The shapes say what must be there; the ontology says what things are. HermiT proves, plan
by plan, that no resource has to be two things the ontology keeps apart (its classes are
pairwise disjoint, and domains and ranges imply classes), that no functional property has
two different values, and that every class can have members. Findings name the IRIs at
fault, as the shapes' findings do.

Three steps, each only if the one before passed:

1. **Declarations.** OWL 2 DL needs to know whether a term is a class, an object, data or
   annotation property. Undeclared, HermiT's parser guesses silently, and a guess can pun
   a term as two kinds. So every term the data uses must be declared in the ontology.
2. **Consistency.** ontology + data (N-Triples, which owlready2 reads and Turtle it does
   not) in a fresh owlready2 ``World``, classified by HermiT.
3. **Blame.** An inconsistent ontology tells no more than that. To name the resources,
   each one is turned into a class made of what is said about it (its types and values as
   superclasses) and HermiT classifies again: a resource whose class cannot have members
   is one the data gets wrong. A consistent ontology makes every such class satisfiable,
   so nothing innocent is blamed.

HermiT is Java: without ``java`` on the PATH, :func:`check` raises :class:`JavaMissing`.

A proof is kept: with a cache folder, a graph HermiT found consistent once (same triples,
same owlready2 and HermiT) is not proved again, so rebuilding unchanged plans costs no JVM.
Failures are never cached; they are worked out, and blamed, every time.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from planlod.findings import Finding
from planlod.iri import PLAN_GRAPH, SDG_GRAPH, plan_of_graph, plan_part
from planlod.messages import PlanError
from planlod.vocab import ONTOLOGY_IRI, OWL, PREFIXES, RDF, RDFS, SDG_GOALS_GRAPH

REASONER = "HermiT"
CHECK_DECLARATION = "owl:declaration"
CHECK_CONSISTENCY = "owl:consistency"
CHECK_SATISFIABILITY = "owl:satisfiability"

# Predicates with a meaning of their own in OWL 2 (RDF mapping), never declared by us.
_BUILT_IN = (str(RDF), str(RDFS), str(OWL))
_PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
# Subjects of these types (and blank nodes: restrictions, lists) are the ontology, not data.
_SCHEMA_TYPES = {
    OWL.Ontology,
    OWL.Class,
    RDFS.Class,
    RDFS.Datatype,
    OWL.AllDisjointClasses,
    OWL.Restriction,
    *_PROPERTY_KINDS,
    OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty,
    OWL.TransitiveProperty,
    OWL.SymmetricProperty,
}


class JavaMissing(PlanError):
    """The OWL reasoner was asked for, and there is no Java to run it (worded from the message catalogue)."""


class ReasonerError(RuntimeError):
    """HermiT failed for another reason than an inconsistency (a bug, not a finding)."""


def java_available() -> bool:
    return shutil.which(_java()) is not None


def require_java() -> None:
    if not java_available():
        raise JavaMissing.of("reason.java_missing", reasoner=REASONER, java=_java())


def default_cache() -> Path:
    """Where proofs are kept: ``reasoner/`` in the settings' ``cache_dir`` (``PLANLOD_CACHE_DIR``)."""
    from planlod.config import Settings

    return Settings.from_env().cache_dir / "reasoner"


def check(dataset: Dataset, cache: Path | None = None) -> list[Finding]:
    """Check every plan of ``dataset`` (with the vocabulary graphs in it) for OWL consistency."""
    require_java()
    findings, pending = prepare(dataset, cache)
    for batch in batches(pending):
        findings.extend(prove(vocabulary_ntriples(dataset), batch))
    return findings


# Plans proved by one HermiT run. One JVM and one owlready2 world per plan cost ~2 s whatever
# the plan's size; a batch of 20 synthetic plans took 5 s (0.25 s a plan), while 60 took 22 s:
# owlready2's loading and HermiT's realisation grow faster than the data, so batches stay small.
BATCH = 20


@dataclass(frozen=True)
class Pending:
    """One plan waiting for the reasoner, as plain data that crosses process boundaries."""

    plan: str
    ntriples: bytes  # the plan's own graphs (plan and suggestions), without the shared vocabulary
    proof: str | None  # the cache entry to write once it is proved


def prepare(dataset: Dataset, cache: Path | None = None) -> tuple[list[Finding], list[Pending]]:
    """Per plan of ``dataset``: its declaration findings, or else what is left to prove.

    A plan with a proof in ``cache`` needs no reasoner; one with undeclared terms cannot be
    given to it (HermiT would guess what the terms are).
    """
    findings: list[Finding] = []
    pending: list[Pending] = []
    for plan, own, vocabulary in _plans(dataset):
        graph = _union([*own, *vocabulary])
        found = undeclared(graph)
        if found:
            findings.extend(found)
            continue
        proof = _proof(graph, cache)
        if proof is not None and proof.exists():
            continue
        ntriples = _union(own).serialize(format="nt", encoding="utf-8")
        pending.append(Pending(plan, ntriples, str(proof) if proof else None))
    return findings, pending


def batches(pending: list[Pending], size: int = BATCH) -> Iterator[list[Pending]]:
    for start in range(0, len(pending), size):
        yield pending[start : start + size]


def prove(vocabulary: bytes, batch: list[Pending]) -> list[Finding]:
    """HermiT once over ``batch`` with the vocabulary; on failure, halves until the plans at fault are found.

    Sound by monotonicity: a union with a model gives each plan in it a model, and a class
    that can have members in the union can in each part. So a clean batch proves every plan
    in it, and only a failing batch costs more runs (two halves, down to single plans, which
    are checked and blamed exactly as :func:`check_graph` does for one plan).
    """
    outcome = _hermit(vocabulary + b"".join(p.ntriples for p in batch))
    if outcome.consistent and not outcome.unsatisfiable:
        for pending in batch:
            _keep(Path(pending.proof) if pending.proof else None)
        return []
    if len(batch) == 1:
        graph = Graph().parse(data=vocabulary + batch[0].ntriples, format="nt")
        return check_graph(graph, batch[0].plan)
    half = len(batch) // 2
    return prove(vocabulary, batch[:half]) + prove(vocabulary, batch[half:])


def vocabulary_ntriples(dataset: Dataset) -> bytes:
    """The ontology and the SDG goals of ``dataset`` as N-Triples, the part every batch shares."""
    graphs = {str(g.identifier): g for g in dataset.graphs()}
    return _union([graphs[n] for n in (ONTOLOGY_IRI, SDG_GOALS_GRAPH) if n in graphs]).serialize(
        format="nt", encoding="utf-8"
    )


def inputs(dataset: Dataset) -> Iterator[tuple[str, Graph]]:
    """Per plan: its plan and suggestion graphs with the ontology and the SDG goals."""
    for plan, own, vocabulary in _plans(dataset):
        yield plan, _union([*own, *vocabulary])


def _plans(dataset: Dataset) -> Iterator[tuple[str, list[Graph], list[Graph]]]:
    """Per plan: its own graphs that the reasoner sees (the city's and the derived SDG
    suggestions), and the shared vocabulary graphs."""
    graphs = {str(g.identifier): g for g in dataset.graphs()}
    vocabulary = [graphs[name] for name in (ONTOLOGY_IRI, SDG_GOALS_GRAPH) if name in graphs]
    for name in sorted(graphs):
        plan = plan_of_graph(name, PLAN_GRAPH)
        if plan is not None:
            wanted = (name, str(plan_part(plan, f"graph/{SDG_GRAPH}")))
            yield plan, [graphs[n] for n in wanted if n in graphs], vocabulary


def check_graph(graph: Graph, focus: str, cache: Path | None = None) -> list[Finding]:
    """The three steps over one graph; ``focus`` names it when nothing narrower can be blamed."""
    findings = undeclared(graph)
    if findings:
        return findings
    proof = _proof(graph, cache)
    if proof is not None and proof.exists():
        return []
    outcome = _hermit(graph.serialize(format="nt", encoding="utf-8"))
    if outcome.consistent and not outcome.unsatisfiable:
        _keep(proof)
        return []
    if outcome.consistent:
        return [_unsatisfiable(iri) for iri in outcome.unsatisfiable]
    culprits = blamed(_hermit(as_classes(graph).serialize(format="nt", encoding="utf-8")).unsatisfiable, graph)
    return [_inconsistent(iri) for iri in culprits] or [_inconsistent(focus)]


def _proof(graph: Graph, cache: Path | None) -> Path | None:
    """The cache entry for ``graph``: named after its triples and the reasoner's version.

    Blank nodes (the ontology's lists and restrictions) get new labels every time a file is
    parsed, so they are named canonically first (RGDA1, on the few triples that have them).
    """
    if cache is None:
        return None
    ground, blank = [], []
    for triple in graph:
        (blank if any(isinstance(term, BNode) for term in triple) else ground).append(triple)
    digest = hashlib.sha256(f"owlready2 {version('owlready2')}\n".encode())
    for line in sorted(_ntriples(ground) + _canonical(frozenset(blank))):
        digest.update(line + b"\n")
    return cache / digest.hexdigest()


def _ntriples(triples: list) -> list[bytes]:
    return [f"{s.n3()} {p.n3()} {o.n3()} .".encode() for s, p, o in triples]


@lru_cache(maxsize=4)
def _canonical(blank: frozenset) -> list[bytes]:
    """The blank-node triples with canonical labels. Cached: they are the shared ontology's, which a
    build copies into every plan's check with the same labels, and canonicalising is the costly part."""
    graph = Graph()
    for triple in blank:
        graph.add(triple)
    return _ntriples(list(to_canonical_graph(graph)))


def _keep(proof: Path | None) -> None:
    if proof is None:
        return
    proof.parent.mkdir(parents=True, exist_ok=True)
    # Written aside, then renamed: several build workers may prove the same graph at once.
    fd, tmp = tempfile.mkstemp(dir=proof.parent, prefix=".proof-")
    os.close(fd)
    os.replace(tmp, proof)


# -- 1. declarations -------------------------------------------------------------------------


def undeclared(graph: Graph) -> list[Finding]:
    """Terms used without the declaration OWL 2 DL needs, or declared as two kinds, or misused."""
    findings = []
    used_as_class = set(graph.objects(None, RDF.type)) | set(graph.objects(None, RDFS.subClassOf))
    used_as_class |= set(graph.objects(None, RDFS.domain))
    declared_classes = set(graph.subjects(RDF.type, OWL.Class))
    for cls in sorted(c for c in used_as_class if isinstance(c, URIRef) and not str(c).startswith(_BUILT_IN)):
        if cls not in declared_classes:
            findings.append(
                _declaration(
                    cls,
                    f"{cls} はクラスとして使われていますが、オントロジーで owl:Class と宣言されていません。",
                    f"{cls} is used as a class but the ontology does not declare it an owl:Class.",
                )
            )
    for prop in sorted({p for p in graph.predicates() if not str(p).startswith(_BUILT_IN)}):
        findings.extend(_property_findings(graph, prop))
    return findings


def _property_findings(graph: Graph, prop: URIRef) -> list[Finding]:
    kinds = [k for k in _PROPERTY_KINDS if (prop, RDF.type, k) in graph]
    names = " / ".join(_short(k) for k in kinds)
    if not kinds:
        return [
            _declaration(
                prop,
                f"{prop} が使われていますが、オントロジーで種類(owl:ObjectProperty・owl:DatatypeProperty・"
                "owl:AnnotationProperty)が宣言されていません。推論器が推測することになります。",
                f"{prop} is used but the ontology does not declare its kind (owl:ObjectProperty, "
                "owl:DatatypeProperty or owl:AnnotationProperty): a reasoner would have to guess.",
            )
        ]
    if len(kinds) > 1:
        return [
            _declaration(
                prop,
                f"{prop} が {names} の両方として宣言されています。OWL 2 DL では許されません。",
                f"{prop} is declared as {names} at once, which OWL 2 DL does not allow.",
            )
        ]
    if kinds[0] == OWL.AnnotationProperty:
        return []  # an annotation may have any value
    wrong = Literal if kinds[0] == OWL.ObjectProperty else (URIRef, BNode)
    bad = next((o for o in graph.objects(None, prop) if isinstance(o, wrong)), None)
    if bad is None:
        return []
    what_ja, what_en = ("リテラル", "a literal") if isinstance(bad, Literal) else ("IRI", "an IRI")
    return [
        _declaration(
            prop,
            f"{prop} は {names} ですが、値に{what_ja} {bad} があります。",
            f"{prop} is an {names} but has {what_en} as a value: {bad}.",
            value=str(bad),
        )
    ]


# -- 2. consistency ----------------------------------------------------------------------------


@dataclass
class _Outcome:
    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)


def _hermit(ntriples: bytes) -> _Outcome:
    """Load the graph into a fresh owlready2 World and let HermiT classify it."""
    import owlready2  # only where the reasoner runs

    world = owlready2.World()
    try:
        ontology = world.get_ontology("urn:planlod:reasoning")
        ontology.load(fileobj=io.BytesIO(ntriples), format="ntriples")
        try:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            return _Outcome(consistent=False)
        except owlready2.OwlReadyJavaError as exc:
            raise ReasonerError(f"{REASONER} failed: {str(exc).strip().splitlines()[-1]}") from None
        return _Outcome(True, sorted(c.iri for c in world.inconsistent_classes() if c.iri != str(OWL.Nothing)))
    finally:
        world.close()


# -- 3. blame ------------------------------------------------------------------------------------

LINKS = "urn:planlod:links:"


def as_classes(graph: Graph) -> Graph:
    """The ontology, with every resource of the data turned into classes of what is said about it.

    Each resource ``i`` becomes two classes. ``i`` itself (OWL 2 lets an IRI name a class
    and an individual) stands for its own description: ``i a C`` becomes ``i ⊑ C``, a data
    value ``i p v`` becomes ``i ⊑ ∃p.{v}`` and an object value ``i ⊑ ∃p.⊤`` (enough for
    domains). ``<urn:planlod:links:i>`` adds its links, ``⊑ ∃p.j`` for each ``i p j``, where
    ``j`` is the class of j's own description (enough for ranges).

    If the data has a model, each of these classes has a member (the resource), so a class
    that cannot have one names a resource the data gets wrong: a description that contradicts
    itself, or else a link to something of the wrong kind. Going one link deep only, a fault
    is not also blamed on everything that points at it. Annotations say nothing to OWL and
    are left out.
    """
    schema = _schema_nodes(graph)
    kinds = {p: k for k in (OWL.ObjectProperty, OWL.DatatypeProperty) for p in graph.subjects(RDF.type, k)}
    out = Graph()
    resources: set[Node] = set()
    for s, p, o in graph:
        if s in schema:
            out.add((s, p, o))
            continue
        resources.add(s)
        if p == RDF.type:
            out.add((s, RDFS.subClassOf, o))
        elif kinds.get(p) == OWL.ObjectProperty:
            resources.add(o)
            out.add((s, RDFS.subClassOf, _restriction(out, p, OWL.someValuesFrom, OWL.Thing)))
            out.add((_links(s), RDFS.subClassOf, _restriction(out, p, OWL.someValuesFrom, o)))
        elif kinds.get(p) == OWL.DatatypeProperty:
            out.add((s, RDFS.subClassOf, _restriction(out, p, OWL.hasValue, o)))
    for node in resources:
        out.add((node, RDF.type, OWL.Class))
        out.add((_links(node), RDF.type, OWL.Class))
        out.add((_links(node), RDFS.subClassOf, node))
    return out


def blamed(unsatisfiable: list[str], graph: Graph) -> list[str]:
    """The resources to blame, from the unsatisfiable classes of :func:`as_classes`.

    A resource whose own description cannot hold is at fault. So is one whose links cannot
    hold, unless it links to a resource at fault in itself: then that one is to blame.
    """
    own = {iri for iri in unsatisfiable if not iri.startswith(LINKS)}
    links = {iri.removeprefix(LINKS) for iri in unsatisfiable if iri.startswith(LINKS)} - own
    linking = {r for r in links if not any(str(o) in own for o in graph.objects(URIRef(r), None))}
    return sorted(own | linking)


def _links(node: Node) -> URIRef:
    return URIRef(f"{LINKS}{node}")


def _schema_nodes(graph: Graph) -> set[Node]:
    schema = {s for s, t in graph.subject_objects(RDF.type) if t in _SCHEMA_TYPES}
    return schema | {s for s in graph.subjects() if isinstance(s, BNode)}


def _restriction(graph: Graph, prop: Node, kind: URIRef, value: Node) -> BNode:
    node = BNode()
    graph.add((node, RDF.type, OWL.Restriction))
    graph.add((node, OWL.onProperty, prop))
    graph.add((node, kind, value))
    return node


# -- findings --------------------------------------------------------------------------------


def _declaration(term: URIRef, ja: str, en: str, value: str | None = None) -> Finding:
    return Finding("Violation", str(term), None, value, {"ja": ja, "en": en}, CHECK_DECLARATION, "OWL 2 DL")


def _unsatisfiable(iri: str) -> Finding:
    return Finding(
        "Violation",
        iri,
        None,
        None,
        {
            "ja": f"クラス {iri} は要素を持てません(充足不能)。オントロジーの定義が矛盾しています。",
            "en": f"The class {iri} cannot have any member (it is unsatisfiable): the ontology contradicts itself.",
        },
        CHECK_SATISFIABILITY,
        REASONER,
    )


def _inconsistent(iri: str) -> Finding:
    return Finding(
        "Violation",
        iri,
        None,
        None,
        {
            "ja": f"{iri} についての記述がオントロジーと矛盾します。互いに素なクラスに属するか、"
            "定義域・値域・関数的プロパティに反しています。",
            "en": f"What the data says about {iri} contradicts the ontology: it would belong to disjoint classes, "
            "or breaks a domain, a range or a functional property.",
        },
        CHECK_CONSISTENCY,
        REASONER,
    )


def _java() -> str:
    import owlready2

    return owlready2.JAVA_EXE


def _union(graphs: list[Graph]) -> Graph:
    out = Graph()
    for prefix, ns in PREFIXES.items():
        out.bind(prefix, ns)
    for graph in graphs:
        out += graph
    return out


def _short(term: URIRef) -> str:
    return f"owl:{str(term).rsplit('#', 1)[-1]}"
