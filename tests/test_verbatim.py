"""Every paragraph of the source is in the graph, verbatim apart from layout spaces.

This walks the source on its own terms (regular expressions over raw lines, nothing
from the parser), so a parser bug that drops or alters text cannot hide here.
"""

from __future__ import annotations

import html
import re

import pytest
from rdflib import Literal

from planlod.iri import PLAN_GRAPH

HEADER_WORDS = {
    "施策", "SDGs位置付け", "施策の必要性", "施策の方向性", "施策内の取組", "分野別計画等",
    "取組", "現状と課題及び目標", "各主体が行うこと",
}  # fmt: skip
NOT_TEXT = re.compile(r"^(?:[0-9]+(?:-[0-9]+)*|《[^》]+》)$")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", html.unescape(text))


def source_units(lines: list[str]) -> list[tuple[int, str]]:
    """(line, text) for every paragraph, cell text, footnote label and definition."""
    units: list[tuple[int, str]] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip() or re.match(r"^(##\s*)?[12]\s*(施策の概要|取組の目標及び各主体が行うこと)\s*$", line):
            continue
        note = re.match(r"^(?:##\s*)?※\d+\s+(.+)$", line)
        if note:
            units.append((n, squeeze(note.group(1))))
            continue
        for cell in line.split("\t"):
            pieces = re.findall(r"<p>(.*?)</p>", cell) if "<p>" in cell else [cell]
            for piece in pieces:
                text = squeeze(piece)
                text = re.sub(r"^[\u2460-\u2473]", "", text)  # ① numbering of initiative rows
                if text and text not in HEADER_WORDS and not NOT_TEXT.match(text):
                    units.append((n, text))
    return units


@pytest.fixture(scope="module")
def ja_literals(compiled) -> list[str]:
    plan_graphs = [g for g in compiled.dataset.graphs() if str(g.identifier).endswith(f"/graph/{PLAN_GRAPH}")]
    return [
        squeeze(str(o))
        for g in plan_graphs
        for o in g.objects()
        if isinstance(o, Literal) and o.language == "ja"
    ]


def test_the_walk_finds_the_whole_source(source_lines):
    units = source_units(source_lines)
    # Sanity of the independent walk itself: it must see a lot, including the tricky rows.
    assert len(units) > 200
    assert any(n == 89 for n, _ in units)  # 7-2 ⑦ texts without <p>
    assert any(n == 269 for n, _ in units)  # footnote without ##


def test_every_paragraph_is_in_the_graph_verbatim(source_lines, ja_literals):
    haystack = "\n".join(ja_literals)
    missing = [(n, text) for n, text in source_units(source_lines) if text not in haystack]
    assert missing == []


def test_paragraphs_are_whole_literals_or_whole_paragraphs_of_one(source_lines, ja_literals):
    # A paragraph must not be split across literals: each one sits inside a single literal.
    for n, text in source_units(source_lines):
        assert any(text in literal for literal in ja_literals), f"line {n}: {text[:30]}"


def test_text_literals_are_japanese(compiled):
    from planlod.vocab import DCTERMS, JCP, SKOS

    text_properties = [
        JCP.necessity, JCP.direction, JCP.currentSituation, JCP.goal, JCP.statement,
        DCTERMS.description, SKOS.definition, DCTERMS.title,
    ]  # fmt: skip
    plan_graph = next(g for g in compiled.dataset.graphs() if str(g.identifier).endswith(f"/graph/{PLAN_GRAPH}"))
    seen = 0
    for prop in text_properties:
        for _, value in plan_graph.subject_objects(prop):
            assert isinstance(value, Literal)
            if prop == DCTERMS.title and value.language == "en":
                continue  # the plan's English title comes from dataset.toml
            assert value.language == "ja", (prop, value)
            assert "<" not in value and "&amp;" not in value
            seen += 1
    assert seen > 150
