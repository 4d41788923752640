"""The plan as plain Python objects: what the parser produces and the graph is made from.

Everything here is the city's word as read from the source, plus where it was read
(:class:`Span`). Nothing derived (SDG suggestions, labels in English) lives here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

FOOTNOTE_MARK = re.compile(r"※(\d+)")


@dataclass(frozen=True)
class Span:
    """An inclusive range of 1-based source lines."""

    first: int
    last: int

    def __post_init__(self) -> None:
        if self.first < 1 or self.last < self.first:
            raise ValueError(f"bad line span {self.first}-{self.last}")

    def union(self, other: Span) -> Span:
        return Span(min(self.first, other.first), max(self.last, other.last))

    @classmethod
    def covering(cls, spans: list[Span]) -> Span:
        return cls(min(s.first for s in spans), max(s.last for s in spans))


@dataclass(frozen=True)
class Text:
    """One text block of the source (a cell's paragraphs), verbatim but for layout spaces."""

    paragraphs: tuple[str, ...]
    span: Span

    @property
    def value(self) -> str:
        # Paragraph breaks are kept as newlines so pages can show them again.
        return "\n".join(self.paragraphs)

    @property
    def footnote_marks(self) -> list[int]:
        """The ``※N`` marks in order of appearance, without repeats."""
        seen: dict[int, None] = {}
        for m in FOOTNOTE_MARK.finditer(self.value):
            seen.setdefault(int(m.group(1)), None)
        return list(seen)


class Actor(Enum):
    """The three actors of the 各主体が行うこと column, shared by every plan."""

    CITY = ("city", "市", "City")
    CITIZENS = ("citizen", "市民", "Citizens")
    BUSINESSES = ("business", "事業者・団体", "Businesses and groups")

    def __init__(self, key: str, ja: str, en: str) -> None:
        self.key = key
        self.ja = ja
        self.en = en

    @classmethod
    def from_marker(cls, label: str) -> Actor | None:
        return next((a for a in cls if a.ja == label), None)


@dataclass(frozen=True)
class Commitment:
    actor: Actor
    text: Text

    @property
    def span(self) -> Span:
        return self.text.span


@dataclass(frozen=True)
class Initiative:
    notation: str  # e.g. "7-1-2"
    position: int  # ② → 2
    title: str
    situation: Text  # 現状と課題
    goal: Text  # 目標
    commitments: tuple[Commitment, ...]
    span: Span
    listed_at: Span  # the overview row that lists it

    def texts(self) -> list[Text]:
        return [self.situation, self.goal]


@dataclass(frozen=True)
class SectorPlan:
    notation: str  # e.g. "7-2-s3"
    position: int
    name: str
    description: Text | None
    span: Span


@dataclass(frozen=True)
class GlossaryTerm:
    notation: str  # e.g. "7-2-n4"
    number: int  # the N of ※N, restarting per policy
    label: str
    definition: Text
    span: Span


@dataclass(frozen=True)
class Policy:
    notation: str  # e.g. "7-1"
    position: int
    title: str
    necessity: Text  # 施策の必要性
    direction: Text  # 施策の方向性
    sdg_positioning: Text | None  # the SDGs 位置付け cell, when the export kept any text
    initiatives: tuple[Initiative, ...]
    sector_plans: tuple[SectorPlan, ...]
    glossary: tuple[GlossaryTerm, ...]
    span: Span

    def texts(self) -> list[Text]:
        return [self.necessity, self.direction]


@dataclass(frozen=True)
class Chapter:
    notation: str  # e.g. "7"
    title: str
    division: str  # the row-1 label the chapter is filed under, e.g. まちづくりを支える基盤
    spans: tuple[Span, ...]  # every overview row that names it
    policies: tuple[Policy, ...] = field(default=())


@dataclass(frozen=True)
class Plan:
    chapters: tuple[Chapter, ...]
    line_count: int

    @property
    def policies(self) -> list[Policy]:
        return [p for c in self.chapters for p in c.policies]

    @property
    def initiatives(self) -> list[Initiative]:
        return [i for p in self.policies for i in p.initiatives]

    @property
    def sector_plans(self) -> list[SectorPlan]:
        return [s for p in self.policies for s in p.sector_plans]

    @property
    def glossary(self) -> list[GlossaryTerm]:
        return [g for p in self.policies for g in p.glossary]

    @property
    def commitments(self) -> list[Commitment]:
        return [c for i in self.initiatives for c in i.commitments]
