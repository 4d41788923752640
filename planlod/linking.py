"""Cross-plan links: suggest which initiatives of two plans correspond, for a person to decide.

``planlod link --from A --to B`` compares every initiative of plan A with every initiative
of plan B on three kinds of evidence and writes the best candidates into A's review file
(``links.toml`` in A's folder). Nothing is published until a person sets a suggestion's
``status`` to ``accepted``; the build then publishes the accepted links as ``skos:closeMatch``
(or ``skos:relatedMatch``) in a VoID linkset with its provenance. Initiatives of different
cities are never ``owl:sameAs``: they are different things that correspond.

Evidence and weights (the score is in 0…1):
- 0.6 × cosine similarity of tf-idf vectors of content words (nouns, verbs, adjectives,
  normalised by SudachiPy, a real Japanese tokenizer) of title, situation and goal;
- 0.25 × Jaccard overlap of the glossary terms the initiatives' texts mark (by label);
- 0.15 × Jaccard overlap of the content words of their policies' sector plans.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pyoxigraph import NamedNode, Store, Variable
from rdflib import Dataset, Graph, Literal, URIRef

from planlod.dataset import DatasetInfo
from planlod.graph import en, ja, minter_for
from planlod.iri import Kind
from planlod.vocab import DCTERMS, PROV, RDF, RDFS, SKOS, VOID, XSD

LINKS_FILE = "links.toml"
RELATIONS = {"closeMatch", "relatedMatch"}
STATUSES = {"suggested", "accepted", "rejected"}
CONTENT_POS = {"名詞", "動詞", "形容詞"}
STOPWORDS = {"為る", "成る", "有る", "居る", "行う", "図る", "努める", "進める", "こと", "もの", "ため", "等", "様々"}
WEIGHTS = {"text": 0.6, "terms": 0.25, "sector_plans": 0.15}
METHOD = (
    "planlod link: SudachiPy content words (tf-idf cosine) 0.6 + shared glossary terms 0.25 + sector plans 0.15"
)

INITIATIVES = """
PREFIX jcp: <https://w3id.org/jp-cityplan/def#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?plan ?initiative ?notation ?title ?situation ?goal
       (GROUP_CONCAT(DISTINCT ?termLabel; separator="\\u001f") AS ?terms)
       (GROUP_CONCAT(DISTINCT ?sectorPlan; separator="\\u001f") AS ?sectorPlans)
WHERE {
  ?initiative a jcp:Initiative ; jcp:partOfPlan ?plan ; skos:notation ?notation ; dcterms:title ?title ;
              jcp:currentSituation ?situation ; jcp:goal ?goal ; jcp:initiativeOf ?policy .
  OPTIONAL { { ?initiative jcp:mentions ?term } UNION { ?c jcp:commitmentOf ?initiative ; jcp:mentions ?term }
             ?term skos:prefLabel ?termLabel }
  OPTIONAL { ?policy jcp:hasSectorPlan/dcterms:title ?sectorPlan }
}
GROUP BY ?plan ?initiative ?notation ?title ?situation ?goal
"""


class LinkError(ValueError):
    """A review file or a plan reference that cannot be used."""


@cache
def _tokenizer():  # noqa: ANN202 — sudachipy's types
    from sudachipy import Dictionary

    return Dictionary().tokenizer()


def content_words(text: str) -> list[str]:
    """Normalised content words: what two texts about the same topic share, whatever their wording."""
    from sudachipy import SplitMode

    words = []
    for morpheme in _tokenizer().tokenize(unicodedata.normalize("NFKC", text), SplitMode.C):
        pos = morpheme.part_of_speech()
        word = morpheme.normalized_form()
        if pos[0] in CONTENT_POS and pos[1] not in ("数詞", "非自立可能") and word not in STOPWORDS and len(word) > 1:
            words.append(word)
    return words


@dataclass
class Initiative:
    iri: str
    notation: str
    title: str
    words: Counter
    terms: set[str]
    sector_words: set[str]


def initiatives_of(store: Store, plan_iri: str) -> list[Initiative]:
    """Every initiative of one plan, with the words, terms and sector plans it is compared on."""
    rows = store.query(
        INITIATIVES, use_default_graph_as_union=True, substitutions={Variable("plan"): NamedNode(plan_iri)}
    )
    found = []
    for row in rows:
        text = " ".join(row[name].value for name in ("title", "situation", "goal"))
        terms = {unicodedata.normalize("NFKC", t) for t in _split(row["terms"])}
        sector_words = {w for name in _split(row["sectorPlans"]) for w in content_words(name)}
        found.append(
            Initiative(
                row["initiative"].value, row["notation"].value, row["title"].value,
                Counter(content_words(text)), terms, sector_words,
            )
        )  # fmt: skip
    return sorted(found, key=lambda i: [int(p) for p in i.notation.split("-")])


def _split(term: object) -> list[str]:
    value = getattr(term, "value", "") if term is not None else ""
    return [v for v in value.split("\u001f") if v]


def _idf(documents: list[Counter]) -> dict[str, float]:
    frequency = Counter(word for doc in documents for word in doc)
    count = len(documents)
    return {word: math.log((1 + count) / (1 + df)) + 1 for word, df in frequency.items()}


def _cosine(a: Counter, b: Counter, idf: dict[str, float]) -> float:
    weights_a = {w: n * idf.get(w, 1.0) for w, n in a.items()}
    weights_b = {w: n * idf.get(w, 1.0) for w, n in b.items()}
    dot = sum(weights_a[w] * weights_b[w] for w in weights_a.keys() & weights_b.keys())
    norm = math.sqrt(sum(v * v for v in weights_a.values())) * math.sqrt(sum(v * v for v in weights_b.values()))
    return dot / norm if norm else 0.0


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


@dataclass
class Suggestion:
    source: Initiative
    target: Initiative
    score: float
    evidence: list[str] = field(default_factory=list)


def suggest(
    ours: list[Initiative], theirs: list[Initiative], top: int = 3, min_score: float = 0.15
) -> list[Suggestion]:
    """The best ``top`` candidates in ``theirs`` for each initiative of ``ours``, above ``min_score``."""
    idf = _idf([i.words for i in ours + theirs])
    found = []
    for a in ours:
        scored = []
        for b in theirs:
            text = _cosine(a.words, b.words, idf)
            terms = _jaccard(a.terms, b.terms)
            sectors = _jaccard(a.sector_words, b.sector_words)
            score = WEIGHTS["text"] * text + WEIGHTS["terms"] * terms + WEIGHTS["sector_plans"] * sectors
            if score < min_score:
                continue
            shared = sorted(a.words.keys() & b.words.keys(), key=lambda w: -idf.get(w, 1.0))[:8]
            evidence = [f"text {text:.2f}: 共通の語 {'・'.join(shared)}" if shared else f"text {text:.2f}"]
            if a.terms & b.terms:
                evidence.append(f"glossary {terms:.2f}: 共通の用語 {'・'.join(sorted(a.terms & b.terms))}")
            if a.sector_words & b.sector_words:
                evidence.append(f"sector plans {sectors:.2f}: {'・'.join(sorted(a.sector_words & b.sector_words))}")
            scored.append(Suggestion(a, b, round(score, 3), evidence))
        found += sorted(scored, key=lambda s: -s.score)[:top]
    return found


# -- the review file --------------------------------------------------------------------


@dataclass
class Decision:
    source: str  # notation of an initiative of this plan
    target: str  # IRI of an initiative of another plan
    relation: str
    status: str
    score: float | None
    evidence: list[str]
    method: str
    reviewed_by: str
    reviewed_on: str


def read_review(path: Path) -> list[Decision]:
    if not path.exists():
        return []
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise LinkError(f"{path}: not valid TOML: {exc}") from None
    decisions = []
    for n, item in enumerate(raw.get("link", []), start=1):
        relation = item.get("relation", "closeMatch")
        status = item.get("status", "suggested")
        if relation not in RELATIONS or status not in STATUSES:
            raise LinkError(
                f"{path}: link {n}: relation must be closeMatch or relatedMatch and status one of "
                f"suggested, accepted, rejected (never owl:sameAs between different cities' initiatives)"
            )
        if "from" not in item or "to" not in item:
            raise LinkError(f"{path}: link {n} needs `from` (a notation of this plan) and `to` (an IRI)")
        decisions.append(
            Decision(
                str(item["from"]), str(item["to"]), relation, status, item.get("score"),
                list(item.get("evidence", [])), str(item.get("method", "")), str(item.get("reviewed_by", "")),
                str(item.get("reviewed_on", "")),
            )
        )  # fmt: skip
    return decisions


def _toml_string(value: str) -> str:
    # A JSON string is a valid TOML basic string: same quotes and escapes.
    return json.dumps(value, ensure_ascii=False)


def write_review(path: Path, decisions: list[Decision], header: str) -> None:
    lines = [f"# {line}" for line in header.splitlines()] + [""]
    for d in decisions:
        lines.append("[[link]]")
        lines.append(f"from = {_toml_string(d.source)}")
        lines.append(f"to = {_toml_string(d.target)}")
        lines.append(f"relation = {_toml_string(d.relation)}")
        lines.append(f"status = {_toml_string(d.status)}")
        if d.score is not None:
            lines.append(f"score = {d.score}")
        lines.append("evidence = [" + ", ".join(_toml_string(e) for e in d.evidence) + "]")
        lines.append(f"method = {_toml_string(d.method)}")
        lines.append(f"reviewed_by = {_toml_string(d.reviewed_by)}")
        lines.append(f"reviewed_on = {_toml_string(d.reviewed_on)}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


REVIEW_HEADER = """Cross-plan links of this plan, for a person to review (planlod link writes suggestions here).
Set status = "accepted" (or "rejected") and fill reviewed_by / reviewed_on; only accepted links are
published, as skos:closeMatch or skos:relatedMatch in a VoID linkset. Decisions are kept when
planlod link runs again; suggestions are refreshed.
他の計画との対応の候補です。確認して status を "accepted"(採用)または "rejected"(不採用)にしてください。"""


def merge(existing: list[Decision], suggestions: list[Suggestion]) -> list[Decision]:
    """Keep every decision a person made; refresh the open suggestions."""
    decided = {(d.source, d.target): d for d in existing if d.status != "suggested"}
    merged = list(decided.values())
    for s in suggestions:
        if (s.source.notation, s.target.iri) in decided:
            continue
        merged.append(
            Decision(s.source.notation, s.target.iri, "closeMatch", "suggested", s.score, s.evidence, METHOD, "", "")
        )
    return sorted(merged, key=lambda d: ([int(p) for p in d.source.split("-")], -(d.score or 0)))


def today() -> str:
    return dt.date.today().isoformat()



# -- publishing the accepted links ------------------------------------------------------


def add_accepted_links(info: DatasetInfo, base: str, dataset: Dataset) -> Graph | None:
    """The accepted links of a plan's review file, as VoID linksets in ``…/graph/links``."""
    decisions = [d for d in read_review(info.directory / LINKS_FILE) if d.status == "accepted"]
    if not decisions:
        return None
    mint = minter_for(info, base)
    graph = dataset.graph(mint.graph("links"))
    by_target: dict[tuple[str, str], list[Decision]] = {}
    for d in decisions:
        target_plan = d.target.split("/initiative/", 1)[0]
        by_target.setdefault((target_plan, d.relation), []).append(d)
    for (target_plan, relation), items in sorted(by_target.items()):
        predicate = SKOS[relation]
        key = target_plan.removeprefix(f"{base}id/").replace("/", "-")
        linkset = mint.part(f"linkset/{key}-{relation}")
        activity = mint.part(f"activity/link-review-{key}")
        graph.add((linkset, RDF.type, VOID.Linkset))
        graph.add((linkset, VOID.subjectsTarget, mint.dataset))
        graph.add((linkset, VOID.objectsTarget, URIRef(f"{target_plan}/dataset")))
        graph.add((linkset, VOID.linkPredicate, predicate))
        graph.add((linkset, VOID.triples, Literal(len(items))))
        title_ja, title_en = info.plan.title_ja, info.plan.title_en
        graph.add((linkset, RDFS.label, ja(f"{title_ja} と {target_plan} の取組の対応({relation})")))
        graph.add((linkset, RDFS.label, en(f"Initiatives of {title_en} matched to {target_plan} ({relation})")))
        graph.add((linkset, PROV.wasGeneratedBy, activity))
        graph.add((activity, RDF.type, PROV.Activity))
        graph.add((activity, RDFS.label, ja("機械的な候補の提示と、人による確認")))
        graph.add((activity, RDFS.label, en("Suggested by planlod link, accepted by a person")))
        for method in sorted({d.method for d in items if d.method}):
            graph.add((activity, DCTERMS.description, Literal(method)))
        for reviewer in sorted({d.reviewed_by for d in items if d.reviewed_by}):
            graph.add((linkset, DCTERMS.contributor, Literal(reviewer)))
        for day in sorted({d.reviewed_on for d in items if d.reviewed_on}):
            graph.add((linkset, DCTERMS.modified, Literal(day, datatype=XSD.date)))
        for d in items:
            graph.add((mint(Kind.INITIATIVE, d.source), predicate, URIRef(d.target)))
    return graph
