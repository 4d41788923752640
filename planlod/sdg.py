"""SDG goals and this project's SDG *suggestions*, kept apart from the city's word.

The plan graph asserts no SDG positioning the source does not state (Ibaraki's SDGs cells are
empty: its dataset.toml's sdg_note says why). This module publishes the 17 goals and, in a
graph of its own, keyword-based suggestions: each with the method that produced it
and a reason naming the words and texts that matched.

A suggestion is a resource of its own (a ``jcp:SdgSuggestion`` pointing at the policy or
initiative with ``jcp:suggestionFor``); nothing is said *on* the city's resources, so a
format without named graphs (Turtle, N-Triples), or someone merging many cities'
triples, still cannot mistake a suggestion for the city's positioning.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef

from planlod.config import ONTOLOGY_DIR, SDG_KEYWORDS_FILE
from planlod.dataset import DatasetInfo
from planlod.graph import en, ja, minter_for
from planlod.iri import SDG_GRAPH, Kind
from planlod.model import Plan, Policy, Text
from planlod.vocab import DCTERMS, JCP, PROV, RDF, RDFS, SDG, SKOS

GOALS_FILE = ONTOLOGY_DIR / "sdg-goals.ttl"
RULES_FILE = SDG_KEYWORDS_FILE


def goals_graph() -> Graph:
    graph = Graph()
    graph.parse(GOALS_FILE, format="turtle")
    return graph


@dataclass(frozen=True)
class Rules:
    version: str
    keywords: dict[int, tuple[str, ...]]

    @classmethod
    def load(cls, path: Path = RULES_FILE) -> Rules:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        keywords = {int(goal): tuple(spec["keywords"]) for goal, spec in raw["goals"].items()}
        if not all(1 <= goal <= 17 for goal in keywords):
            raise ValueError(f"{path}: goals must be numbered 1-17")
        return cls(str(raw["version"]), keywords)


@dataclass(frozen=True)
class _Field:
    ja: str
    en: str
    value: str


def _fields_of_policy(policy: Policy) -> list[_Field]:
    return [
        _Field("施策名", "title", policy.title),
        _Field("施策の必要性", "necessity", policy.necessity.value),
        _Field("施策の方向性", "direction", policy.direction.value),
    ]


def _fields_of(title: str, situation: Text, goal: Text) -> list[_Field]:
    return [
        _Field("取組名", "title", title),
        _Field("現状と課題", "current situation", situation.value),
        _Field("目標", "goal", goal.value),
    ]


def suggest(plan: Plan, info: DatasetInfo, base: str, dataset: Dataset, rules: Rules | None = None) -> Graph:
    """Add the suggestion graph for ``plan`` to ``dataset`` and return it."""
    rules = rules or Rules.load()
    mint = minter_for(info, base)
    # Each plan's suggestions disclaim in its own municipality's name (a town is not a 市).
    who_ja, who_en = info.municipality.name_ja, info.municipality.name_en
    graph = dataset.graph(mint.graph(SDG_GRAPH))
    activity = mint.part("activity/sdg-keyword-match")
    graph.add((activity, RDF.type, PROV.Activity))
    graph.add((activity, RDFS.label, ja("SDGs対応の機械的な提案(キーワード照合)")))
    graph.add((activity, RDFS.label, en("Derived SDG suggestions (keyword matching)")))
    graph.add(
        (
            activity,
            DCTERMS.description,
            ja(
                "施策・取組の名称と本文に、SDGsの各目標に対応づけた手がかり語が現れるかを照合した。"
                f"手がかり語の一覧は data/sdg-keywords.toml(版 {rules.version})。{who_ja}が示した位置付けではない。"
            ),
        )
    )
    graph.add(
        (
            activity,
            DCTERMS.description,
            en(
                "Matched the titles and texts of policies and initiatives against keywords listed per SDG goal "
                f"in data/sdg-keywords.toml (version {rules.version}). Not {who_en}'s positioning."
            ),
        )
    )
    name = mint.graph(SDG_GRAPH)
    graph.add((name, PROV.wasGeneratedBy, activity))
    graph.add((name, RDFS.label, ja(f"SDGs対応の提案(機械的な提案であり{who_ja}の見解ではありません)")))
    graph.add((name, RDFS.label, en(f"SDG suggestions (derived by planlod, not {who_en}'s positioning)")))

    targets: list[tuple[str, URIRef, list[_Field]]] = []
    for policy in plan.policies:
        targets.append((policy.notation, mint(Kind.POLICY, policy.notation), _fields_of_policy(policy)))
        for initiative in policy.initiatives:
            targets.append(
                (
                    initiative.notation,
                    mint(Kind.INITIATIVE, initiative.notation),
                    _fields_of(initiative.title, initiative.situation, initiative.goal),
                )
            )
    for notation, node, fields in targets:
        for goal, keywords in sorted(rules.keywords.items()):
            hits = [(kw, f) for f in fields for kw in keywords if kw in f.value]
            if hits:
                suggestion = mint(Kind.SDG_SUGGESTION, f"{notation}-g{goal}")
                _add_suggestion(graph, suggestion, node, notation, goal, hits, activity, who_en)
    return graph


def _add_suggestion(
    graph: Graph,
    node: URIRef,
    target: URIRef,
    notation: str,
    goal: int,
    hits: list[tuple[str, _Field]],
    activity: URIRef,
    who_en: str,
) -> None:
    goal_iri = SDG[str(goal)]
    graph.add((node, RDF.type, JCP.SdgSuggestion))
    graph.add((node, RDF.type, PROV.Entity))
    graph.add((node, SKOS.notation, Literal(f"{notation}-g{goal}")))
    graph.add((node, RDFS.label, ja(f"提案:{notation} → SDGs目標{goal}")))
    graph.add((node, RDFS.label, en(f"Suggestion: {notation} → SDG {goal}")))
    graph.add((node, JCP.suggestionFor, target))
    graph.add((node, JCP.suggestedGoal, goal_iri))
    graph.add((node, PROV.wasGeneratedBy, activity))
    for keyword in dict.fromkeys(kw for kw, _ in hits):
        graph.add((node, JCP.matchedKeyword, ja(keyword)))
    by_field: dict[_Field, list[str]] = {}
    for keyword, f in hits:
        by_field.setdefault(f, []).append(keyword)
    where_ja = "、".join(f"{f.ja}に" + "".join(f"「{kw}」" for kw in kws) for f, kws in by_field.items())
    where_en = "; ".join(f"the {f.en} contains " + ", ".join(f"「{kw}」" for kw in kws) for f, kws in by_field.items())
    reason_ja = f"{where_ja}が含まれるため、目標{goal}に関係する可能性があります(機械的な提案)。"
    reason_en = f"Suggested because {where_en}: it may relate to Goal {goal} (derived, not {who_en}'s)."
    graph.add((node, JCP.reason, ja(reason_ja)))
    graph.add((node, JCP.reason, en(reason_en)))
