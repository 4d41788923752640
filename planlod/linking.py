"""Cross-plan links: suggest which initiatives of two plans correspond, for a person to decide.

``planlod link --from A --to B`` compares every initiative of plan A with every initiative
of plan B on three kinds of evidence and writes the best candidates into A's review file
(``links.toml`` in A's folder). Nothing is published until a person sets a suggestion's
``status`` to ``accepted``; the build then publishes the accepted links as ``skos:closeMatch``
or ``skos:relatedMatch`` in a VoID linkset with its provenance. Initiatives of different
cities are never ``owl:sameAs``: they are different things that correspond.

Evidence and weights (the score is in 0…1):
- 0.6 × cosine similarity of tf-idf vectors of content words (nouns and verbs by SudachiPy's
  part of speech, in their normalised form) of title (counted three times), situation, goal
  and what each actor will do;
- 0.25 × Jaccard overlap of the glossary terms the initiatives' texts mark (by label);
- 0.15 × Jaccard overlap of the content words of their policies' sector plans.

The proposed relation follows the score: ``closeMatch`` from :data:`CLOSE_MATCH` up,
``relatedMatch`` below it, nothing under the minimum score. The threshold comes from the
labelled pairs in ``tests/fixtures/links-999997-272116.toml`` (see :data:`CLOSE_MATCH`).
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

from planlod import tomltext
from planlod.dataset import DatasetInfo
from planlod.graph import en, ja, minter_for
from planlod.iri import Kind
from planlod.messages import PlanError
from planlod.vocab import DCTERMS, PROV, RDF, RDFS, SKOS, VOID, XSD

LINKS_FILE = "links.toml"
RELATIONS = {"closeMatch", "relatedMatch"}
STATUSES = {"suggested", "accepted", "rejected"}

# What a content word is, by SudachiPy's part of speech (UniDic's tag set). Nouns and verbs
# only: particles, auxiliaries, suffixes, pronouns, adjectives and symbols carry no topic.
CONTENT_POS = {"名詞", "動詞"}
# Nouns that are numbers, or adverbial (ため, それぞれ, 今後: time, amount or manner), and
# verbs that only help another word (する, なる, ある, いる, できる).
FUNCTION_SUBPOS = {"数詞", "副詞可能", "非自立可能"}
# Formal nouns, which UniDic tags as ordinary nouns: they stand for "the thing", "the fact".
# とも is how SudachiPy splits とともに (と + とも + に).
FORMAL_NOUNS = {"こと", "もの", "ため", "とき", "ところ", "ほか", "よう", "うち", "わけ", "とも", "等", "方"}
# Verbs that, right after a particle, form a compound particle (による, に対する, に関する,
# に基づく, における, に向けた, を通じて, に伴う, に応じた, に沿った, にあたって, として):
# grammar, not topic.
COMPOUND_PARTICLE_VERBS = {
    "よる", "因る", "対する", "関する", "基づく", "おく", "於く", "向ける", "通じる", "通ずる", "伴う", "応じる",
    "沿う", "当たる", "際する",
}  # fmt: skip
# Words of the plan format itself, not of any topic: every initiative has 《現状と課題》 and
# 《目標》, most titles end in 〜の推進, most texts say 〜が求められています / 〜する必要が
# あります, and a sector plan is a 計画, 指針 or 方針. Measured: 指針 was offered as the shared
# sector plan of 協働による地域づくり and コミュニティ施設の整備, which share no topic. The IDF
# below down-weights what is common in the two plans compared; this list covers the format
# words that a small plan happens to use rarely. Measured on the labelled pairs: without the
# list the closeMatch pairs (from 0.243) and the others (up to 0.25) overlap; with it they
# are 0.24 and 0.30 against 0.236.
GENERIC_WORDS = {
    "推進", "取り組み", "取り組む", "施策", "計画", "指針", "方針", "基本", "ビジョン", "構想", "目標", "課題",
    "現状", "必要", "求める", "図る", "努める", "進める", "行う", "実施", "充実", "向上", "本市", "作り",
}  # fmt: skip
# A title names the topic; the body also says why and how. Measured on the labelled pairs: with
# titles counted once, 職員の育成 goes to 7-3-2 (人事制度) rather than 7-3-1 (職員の能力開発); twice
# fixes it by a hair (0.223 against 0.217), three times clearly (0.240 against 0.182).
TITLE_WEIGHT = 3
WEIGHTS = {"text": 0.6, "terms": 0.25, "sector_plans": 0.15}
# From the labelled pairs (tests/fixtures/links-999997-272116.toml), whose scores fall into two
# groups: 0.24 and less (every relatedMatch pair, every unlabelled one, and one closeMatch pair
# worded differently, 職員の育成/職員の能力開発) and 0.30 and more (the other closeMatch pairs).
# 0.27 lies in the middle of the gap. A pair below it is proposed as relatedMatch, which a
# reviewer can upgrade; on the labelled set no relatedMatch pair is proposed as closeMatch.
CLOSE_MATCH = 0.27
MIN_SCORE = 0.15
METHOD = (
    "planlod link: SudachiPy nouns and verbs of title (×3), situation, goal and commitments (tf-idf cosine) 0.6"
    " + shared glossary terms 0.25 + sector plans 0.15; closeMatch from 0.27, relatedMatch below"
)

INITIATIVES = """
PREFIX jcp: <https://w3id.org/jp-cityplan/def#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?plan ?initiative ?notation ?title ?situation ?goal (SAMPLE(?cityName) AS ?city)
       (GROUP_CONCAT(DISTINCT ?termLabel; separator="\\u001f") AS ?terms)
       (GROUP_CONCAT(DISTINCT ?sectorPlan; separator="\\u001f") AS ?sectorPlans)
       (GROUP_CONCAT(DISTINCT ?statement; separator="\\u001f") AS ?statements)
WHERE {
  ?initiative a jcp:Initiative ; jcp:partOfPlan ?plan ; skos:notation ?notation ; dcterms:title ?title ;
              jcp:currentSituation ?situation ; jcp:goal ?goal ; jcp:initiativeOf ?policy .
  OPTIONAL { ?plan dcterms:creator/skos:prefLabel ?cityName FILTER(lang(?cityName) = "ja") }
  OPTIONAL { { ?initiative jcp:mentions ?term } UNION { ?c jcp:commitmentOf ?initiative ; jcp:mentions ?term }
             ?term skos:prefLabel ?termLabel }
  OPTIONAL { ?policy jcp:hasSectorPlan/dcterms:title ?sectorPlan }
  OPTIONAL { ?initiative jcp:hasCommitment/jcp:statement ?statement }
}
GROUP BY ?plan ?initiative ?notation ?title ?situation ?goal
"""


class LinkError(PlanError):
    """A review file or a plan reference that cannot be used (worded from the message catalogue)."""


@cache
def _tokenizer():  # noqa: ANN202 — sudachipy's types
    from sudachipy import Dictionary

    return Dictionary().tokenizer()


@dataclass(frozen=True)
class Word:
    """A content word: ``norm`` to match on (シティー, 其々), ``shown`` as the text spells it (シティ, それぞれ)."""

    norm: str
    shown: str
    start: int  # offsets in the NFKC form of the text
    end: int


def words_of(text: str) -> list[Word]:
    """The content words of ``text``: nouns and verbs that say what it is about."""
    from sudachipy import SplitMode

    words = []
    previous_pos = ""
    for m in _tokenizer().tokenize(unicodedata.normalize("NFKC", text), SplitMode.C):
        pos = m.part_of_speech()
        if _is_content(pos, m.dictionary_form(), m.normalized_form(), previous_pos):
            words.append(Word(m.normalized_form(), m.dictionary_form(), m.begin(), m.end()))
        previous_pos = pos[0]
    return words


def _is_content(pos: tuple[str, ...], lemma: str, norm: str, previous_pos: str) -> bool:
    if pos[0] not in CONTENT_POS or pos[1] in FUNCTION_SUBPOS or pos[2] in FUNCTION_SUBPOS:
        return False
    if lemma in FORMAL_NOUNS or norm in GENERIC_WORDS or len(norm) < 2:
        return False
    return not (pos[0] == "動詞" and previous_pos == "助詞" and lemma in COMPOUND_PARTICLE_VERBS)


def content_words(text: str) -> list[str]:
    """Normalised content words: what two texts about the same topic share, whatever their wording."""
    return [w.norm for w in words_of(text)]


@dataclass
class Initiative:
    iri: str
    notation: str
    title: str
    words: Counter  # normalised content word → weighted count (title words count TITLE_WEIGHT times)
    terms: dict[str, str]  # glossary term, normalised → its label as the plan writes it
    sector_plans: dict[str, set[str]]  # title of each sector plan of the policy → its normalised content words
    city: str = ""  # the municipality's name, for reviewers
    text: str = ""  # title, situation, goal and commitments, NFKC: where evidence is quoted from
    phrases: list[list[Word]] = field(default_factory=list)  # runs of adjacent content words in ``text``

    def label(self) -> str:
        return f"{self.city} {self.notation} {self.title}".strip()

    @property
    def sector_words(self) -> set[str]:
        return {w for words in self.sector_plans.values() for w in words}

    def sector_plans_with(self, words: set[str]) -> list[str]:
        return [title for title, own in self.sector_plans.items() if own & words]


def initiatives_of(store: Store, plan_iri: str) -> list[Initiative]:
    """Every initiative of one plan, with the words, terms and sector plans it is compared on."""
    rows = store.query(
        INITIATIVES, use_default_graph_as_union=True, substitutions={Variable("plan"): NamedNode(plan_iri)}
    )
    found = [_initiative(row) for row in rows]
    return sorted(found, key=lambda i: [int(p) for p in i.notation.split("-")])


def _initiative(row) -> Initiative:  # noqa: ANN001 — a pyoxigraph QuerySolution
    title = row["title"].value
    texts = [row[name].value for name in ("title", "situation", "goal")] + _split(row["statements"])
    text = unicodedata.normalize("NFKC", " ".join(texts))
    words = words_of(text)
    counts = Counter(w.norm for w in words)
    title_end = len(unicodedata.normalize("NFKC", title))
    counts.update(Counter(w.norm for w in words if w.end <= title_end for _ in range(TITLE_WEIGHT - 1)))
    terms = {unicodedata.normalize("NFKC", t): t for t in _split(row["terms"])}
    sector_plans = {name: {w.norm for w in words_of(name)} for name in _split(row["sectorPlans"])}
    return Initiative(
        row["initiative"].value, row["notation"].value, title, counts, terms, sector_plans,
        row["city"].value if row["city"] is not None else "", text, _phrases(words),
    )  # fmt: skip


def _phrases(words: list[Word]) -> list[list[Word]]:
    """Runs of content words with nothing between them (シティ+プロモーション, 電子+自治体)."""
    runs: list[list[Word]] = []
    for w in words:
        if runs and runs[-1][-1].end == w.start:
            runs[-1].append(w)
        else:
            runs.append([w])
    return runs


def _split(term: object) -> list[str]:
    value = getattr(term, "value", "") if term is not None else ""
    return [v for v in value.split("\u001f") if v]


def _idf(documents: list[Counter]) -> dict[str, float]:
    """Smoothed IDF without the usual +1: a word in every initiative compared weighs (almost) nothing.

    Measured on the labelled pairs: with the +1 (every word weighs at least 1), 7 of 8 top
    suggestions are right and an unlabelled pair scores 0.305, above most closeMatch pairs.
    """
    frequency = Counter(word for doc in documents for word in doc)
    count = len(documents)
    return {word: math.log((1 + count) / (1 + df)) for word, df in frequency.items()}


def _weights(words: Counter, idf: dict[str, float]) -> dict[str, float]:
    return {w: n * idf.get(w, 0.0) for w, n in words.items()}


def _cosine_parts(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
    """Each shared word's part of the cosine of ``a`` and ``b`` (the parts add up to the cosine)."""
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return {w: a[w] * b[w] / norm for w in a.keys() & b.keys() if a[w] * b[w] > 0} if norm else {}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def relation_for(score: float) -> str:
    """The relation proposed for a candidate: closeMatch only from :data:`CLOSE_MATCH` up."""
    return "closeMatch" if score >= CLOSE_MATCH else "relatedMatch"


@dataclass
class Suggestion:
    source: Initiative
    target: Initiative
    score: float
    evidence: list[str] = field(default_factory=list)

    @property
    def relation(self) -> str:
        return relation_for(self.score)


def suggest(
    ours: list[Initiative], theirs: list[Initiative], top: int = 3, min_score: float = MIN_SCORE
) -> list[Suggestion]:
    """The best ``top`` candidates in ``theirs`` for each initiative of ``ours``, from ``min_score`` up."""
    idf = _idf([i.words for i in ours + theirs])
    found = []
    for a in ours:
        scored = [s for b in theirs if (s := compare(a, b, idf)).score >= min_score]
        found += sorted(scored, key=lambda s: -s.score)[:top]
    return found


def compare(a: Initiative, b: Initiative, idf: dict[str, float]) -> Suggestion:
    """The score of ``a`` against ``b``, with the evidence a reviewer reads."""
    parts = _cosine_parts(_weights(a.words, idf), _weights(b.words, idf))
    text = sum(parts.values())
    terms = _jaccard(set(a.terms), set(b.terms))
    sectors = _jaccard(a.sector_words, b.sector_words)
    score = WEIGHTS["text"] * text + WEIGHTS["terms"] * terms + WEIGHTS["sector_plans"] * sectors
    evidence = [f"text {text:.2f}: 共通の語 {'・'.join(shared_phrases(a, b, parts))}" if parts else f"text {text:.2f}"]
    if shared := _as_written(a.terms, b.terms):
        evidence.append(f"glossary {terms:.2f}: 共通の用語 {'・'.join(shared)}")
    if shared := a.sector_words & b.sector_words:
        ours, theirs = "・".join(a.sector_plans_with(shared)), "・".join(b.sector_plans_with(shared))
        evidence.append(f"sector plans {sectors:.2f}: {ours} / {theirs}")
    return Suggestion(a, b, round(score, 3), evidence)


def _as_written(ours: dict[str, str], theirs: dict[str, str]) -> list[str]:
    """Shared items as each text writes them: ``ours`` spelling, and theirs after a slash when it differs."""
    return sorted(ours[k] if ours[k] == theirs[k] else f"{ours[k]}/{theirs[k]}" for k in ours.keys() & theirs.keys())


def shared_phrases(a: Initiative, b: Initiative, parts: dict[str, float], limit: int = 8) -> list[str]:
    """The words two texts share, heaviest first, quoted as the texts write them.

    A run of adjacent words that ``b`` writes exactly as ``a`` does is quoted whole
    (シティプロモーション, not シティー・プロモーション); other words by their dictionary form in
    ``a``'s spelling, with ``b``'s after a slash when it spells them otherwise.
    """
    theirs_shown = {}
    for run in b.phrases:
        for w in run:
            theirs_shown.setdefault(w.norm, w.shown)
    pieces = [piece for run in a.phrases for piece in _longest_common_pieces(run, a.text, b.text)]
    quoted: dict[str, float] = {}
    covered: set[str] = set()
    for phrase in sorted(pieces, key=len, reverse=True):  # 行政サービス before サービス alone
        if any(w.norm in parts for w in phrase) and not {w.norm for w in phrase} <= covered:
            text = a.text[phrase[0].start : phrase[-1].end] if len(phrase) > 1 else _shown(phrase[0], theirs_shown)
            weight = sum(parts.get(w.norm, 0.0) for w in phrase)
            quoted[text] = max(quoted.get(text, 0.0), weight)
            covered |= {w.norm for w in phrase}
    return [text for text, _ in sorted(quoted.items(), key=lambda item: -item[1])[:limit]]


def _shown(word: Word, theirs_shown: dict[str, str]) -> str:
    other = theirs_shown.get(word.norm, word.shown)
    return word.shown if other == word.shown else f"{word.shown}/{other}"


def _longest_common_pieces(run: list[Word], ours: str, theirs: str) -> list[list[Word]]:
    """Split ``run`` greedily into the longest pieces that ``theirs`` also contains verbatim (or single words)."""
    pieces = []
    i = 0
    while i < len(run):
        j = len(run)
        while j > i + 1 and ours[run[i].start : run[j - 1].end] not in theirs:
            j -= 1
        pieces.append(run[i:j])
        i = j
    return pieces


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
    text = path.read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, detail = tomltext.decode_error(exc)
        raise LinkError.of("link.not_toml", path, line, detail=detail) from None
    lines = text.split("\n")
    decisions = []
    for n, item in enumerate(raw.get("link", []), start=1):
        relation = item.get("relation", "closeMatch")
        status = item.get("status", "suggested")
        if relation not in RELATIONS or status not in STATUSES:
            line = tomltext.item_line(lines, "link", n)
            raise LinkError.of("link.relation_status", path, line, n=n, relation=relation, status=status)
        if "from" not in item or "to" not in item:
            raise LinkError.of("link.from_to", path, tomltext.item_line(lines, "link", n), n=n)
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


def write_review(path: Path, decisions: list[Decision], header: str, names: dict[str, str] | None = None) -> None:
    """Write the review file; ``names`` (notation or IRI → city, notation and title) become a comment per link."""
    names = names or {}
    lines = [f"# {line}" for line in header.splitlines()] + [""]
    for d in decisions:
        if d.source in names or d.target in names:
            lines.append(f"# {names.get(d.source, d.source)} → {names.get(d.target, d.target)}")
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
published, as skos:closeMatch or skos:relatedMatch in a VoID linkset. The relation proposed
follows the score (closeMatch from 0.27, relatedMatch below); change it if you judge otherwise.
Decisions are kept when planlod link runs again; suggestions are refreshed.
他の計画との対応の候補です。確認して status を "accepted"(採用)または "rejected"(不採用)にしてください。"""


def merge(existing: list[Decision], suggestions: list[Suggestion]) -> list[Decision]:
    """Keep every decision a person made; refresh the open suggestions."""
    decided = {(d.source, d.target): d for d in existing if d.status != "suggested"}
    merged = list(decided.values())
    for s in suggestions:
        if (s.source.notation, s.target.iri) in decided:
            continue
        merged.append(
            Decision(s.source.notation, s.target.iri, s.relation, "suggested", s.score, s.evidence, METHOD, "", "")
        )
    return sorted(merged, key=lambda d: ([int(p) for p in d.source.split("-")], -(d.score or 0)))


def today() -> str:
    return dt.date.today().isoformat()


def review(path: Path, ours: list[Initiative], theirs: list[Initiative], top: int, min_score: float) -> list[Decision]:
    """Refresh the review file at ``path``: new suggestions, every recorded decision kept."""
    decisions = merge(read_review(path), suggest(ours, theirs, top, min_score))
    names = {i.notation: i.label() for i in ours} | {i.iri: i.label() for i in theirs}
    write_review(path, decisions, REVIEW_HEADER, names)
    return decisions


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
