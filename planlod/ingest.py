"""Parse a plan's table export into :class:`planlod.model.Plan`.

The export (see ``planlod/guide/source-format.md``) repeats, per policy (施策):

1. ``1 施策の概要``: seven numbered rows (chapter, policy, SDGs, necessity, direction,
   initiatives, sector plans), continuation rows with an empty number;
2. ``2 取組の目標及び各主体が行うこと``: one block of rows per initiative, the header
   row repeated at will;
3. ``※N term`` footnote glossaries, numbered from 1 again in every policy.

Every structural surprise raises :class:`SourceError` naming file, line and what was
expected; nothing is guessed, so a build either has the whole plan or nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planlod.messages import phrase
from planlod.model import (
    Actor,
    Chapter,
    Commitment,
    GlossaryTerm,
    Initiative,
    Plan,
    Policy,
    SectorPlan,
    Span,
    Text,
)
from planlod.source import Line, SourceError, clip, compact, paragraphs, plain, read_lines, source_error

OVERVIEW_HEADING = re.compile(r"^(?:##\s*)?1\s*施策の概要$")
DETAIL_HEADING = re.compile(r"^(?:##\s*)?2\s*取組の目標及び各主体が行うこと$")
NOTE_HEADING = re.compile(r"^(?:##\s*)?※\s*(\d+)\s+(.+)$")

OVERVIEW_LABELS = {
    2: "施策",
    3: "SDGs位置付け",
    4: "施策の必要性",
    5: "施策の方向性",
    6: "施策内の取組",
    7: "分野別計画等",
}
REQUIRED_OVERVIEW_ROWS = (1, 2, 4, 5, 6)
OVERVIEW_COLUMNS = ("番号", "項目", "内容", "内容")
DETAIL_HEADER = ["取組", "現状と課題及び目標", "各主体が行うこと"]
SITUATION, GOAL = "現状と課題", "目標"
MARKER = re.compile(r"^《(.+?)》(.*)$")


@dataclass
class _Section:
    kind: str  # "overview" | "detail" | "note"
    heading: Line
    lines: list[Line] = field(default_factory=list)

    @property
    def rows(self) -> list[Line]:
        return [line for line in self.lines if not line.is_blank]

    @property
    def span(self) -> Span:
        last = max((line.last for line in self.rows), default=self.heading.last)
        return Span(self.heading.number, last)


def parse(path: Path | str, encoding: str = "utf-8", draft: bool = False) -> Plan:
    """Read a source file and return the whole plan, or raise :class:`SourceError`.

    An empty source is an error, unless the plan is a ``draft`` (a folder that
    ``planlod new-plan`` made and nobody has filled yet): then it is a plan with no
    chapters. A file emptied by accident is never published as an empty plan.
    """
    path = Path(path)
    lines = read_lines(path, encoding)
    count = lines[-1].last if lines else 0  # physical lines, as editors number them
    if draft and all(line.is_blank for line in lines):
        return Plan(chapters=(), line_count=count)
    sections = _split_sections(path, lines)
    return _Parser(path).plan(sections, count)


def _split_sections(path: Path, lines: list[Line]) -> list[_Section]:
    sections: list[_Section] = []
    for line in lines:
        if line.is_blank:
            if sections:
                sections[-1].lines.append(line)
            continue
        heading = line.text.strip()
        one_cell = len(line.cells) == 1
        if one_cell and OVERVIEW_HEADING.match(compact(heading)):
            sections.append(_Section("overview", line))
        elif one_cell and DETAIL_HEADING.match(compact(heading)):
            sections.append(_Section("detail", line))
        elif one_cell and NOTE_HEADING.match(heading):
            sections.append(_Section("note", line))
        elif heading.startswith("#"):
            raise source_error(path, line.number, "ingest.unknown_heading", heading=clip(line.text))
        elif not sections:
            raise source_error(path, line.number, "ingest.content_before_heading", text=clip(line.text))
        else:
            sections[-1].lines.append(line)
    if not sections:
        raise source_error(path, None, "ingest.no_policy")
    return sections


@dataclass
class _Listed:
    """An initiative as listed in the overview, waiting for its detail block."""

    notation: str
    title: str
    line: Line


@dataclass
class _Overview:
    chapter_notation: str
    chapter_title: str
    division: str
    chapter_line: Line
    notation: str
    title: str
    necessity: Text
    direction: Text
    sdg: Text | None
    listed: list[_Listed]
    sector_plans: list[SectorPlan]


class _Parser:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen_notations: dict[str, int] = {}

    def fail(self, line: Line | int | None, id: str, **params: Any) -> SourceError:
        number = line.number if isinstance(line, Line) else line
        return source_error(self.path, number, id, **params)

    def claim(self, notation: str, line: Line) -> None:
        if notation in self.seen_notations:
            raise self.fail(line, "ingest.duplicate_notation", notation=notation, first=self.seen_notations[notation])
        self.seen_notations[notation] = line.number

    # -- the whole file ---------------------------------------------------------------

    def plan(self, sections: list[_Section], line_count: int) -> Plan:
        groups: list[list[_Section]] = []
        for section in sections:
            if section.kind == "overview":
                groups.append([section])
            elif not groups:
                raise self.fail(section.heading, "ingest.section_before_overview", heading=clip(section.heading.text))
            else:
                groups[-1].append(section)
        policies = [self.policy(group) for group in groups]
        return Plan(chapters=self.chapters(policies), line_count=line_count)

    def chapters(self, parsed: list[tuple[_Overview, Policy]]) -> tuple[Chapter, ...]:
        chapters: list[Chapter] = []
        for overview, policy in parsed:
            current = chapters[-1] if chapters else None
            if current and current.notation == overview.chapter_notation:
                if (current.title, current.division) != (overview.chapter_title, overview.division):
                    raise self.fail(
                        overview.chapter_line,
                        "ingest.chapter_renamed",
                        chapter=current.notation,
                        title=current.title,
                        division=current.division,
                        first=current.spans[0].first,
                        found_title=overview.chapter_title,
                        found_division=overview.division,
                    )
                expected = f"{current.notation}-{len(current.policies) + 1}"
                chapters[-1] = Chapter(
                    current.notation,
                    current.title,
                    current.division,
                    current.spans + (Span(overview.chapter_line.number, overview.chapter_line.number),),
                    current.policies + (policy,),
                )
            else:
                if any(c.notation == overview.chapter_notation for c in chapters):
                    raise self.fail(overview.chapter_line, "ingest.chapter_repeated", chapter=overview.chapter_notation)
                if current and int(overview.chapter_notation) < int(current.notation):
                    raise self.fail(
                        overview.chapter_line,
                        "ingest.chapter_order",
                        chapter=overview.chapter_notation,
                        previous=current.notation,
                    )
                expected = f"{overview.chapter_notation}-1"
                self.claim(overview.chapter_notation, overview.chapter_line)
                chapters.append(
                    Chapter(
                        overview.chapter_notation,
                        overview.chapter_title,
                        overview.division,
                        (Span(overview.chapter_line.number, overview.chapter_line.number),),
                        (policy,),
                    )
                )
            if policy.notation != expected:
                raise self.fail(policy.span.first, "ingest.policy_order", notation=policy.notation, expected=expected)
        return tuple(chapters)

    # -- one policy ------------------------------------------------------------------

    def policy(self, group: list[_Section]) -> tuple[_Overview, Policy]:
        overview_section, rest = group[0], group[1:]
        overview = self.overview(overview_section)
        details = [s for s in rest if s.kind == "detail"]
        notes = [s for s in rest if s.kind == "note"]
        if not details:
            raise self.fail(overview_section.heading, "ingest.no_detail_section", policy=overview.notation)
        if len(details) > 1:
            raise self.fail(details[1].heading, "ingest.second_detail_section", policy=overview.notation)
        if rest[0].kind != "detail":
            raise self.fail(rest[0].heading, "ingest.notes_before_detail", policy=overview.notation)
        initiatives = self.initiatives(details[0], overview)
        glossary = self.glossary(notes, overview.notation)
        span = Span.covering([s.span for s in group])
        policy = Policy(
            notation=overview.notation,
            position=int(overview.notation.rsplit("-", 1)[1]),
            title=overview.title,
            necessity=overview.necessity,
            direction=overview.direction,
            sdg_positioning=overview.sdg,
            initiatives=tuple(initiatives),
            sector_plans=tuple(overview.sector_plans),
            glossary=tuple(glossary),
            span=span,
        )
        return overview, policy

    def overview(self, section: _Section) -> _Overview:
        rows: dict[int, Line] = {}
        listed: list[_Listed] = []
        sector_rows: list[Line] = []
        current = 0
        for line in section.rows:
            self.check_width(line, OVERVIEW_COLUMNS)
            number_cell = line.cell(0).strip()
            if not number_cell:
                if current not in (6, 7):
                    raise self.fail(line, "ingest.continuation_outside", text=clip(line.text))
                if plain(line.cell(1), self.path, line.number):
                    # Nothing reads this cell in a continuation row: text there would vanish unpublished.
                    raise self.fail(line, "ingest.continuation_label", text=clip(line.cell(1)))
            else:
                if not number_cell.isdigit() or not 1 <= int(number_cell) <= 7:
                    raise self.fail(line, "ingest.row_number", found=clip(number_cell))
                number = int(number_cell)
                if number in rows:
                    raise self.fail(line, "ingest.row_twice", number=number, first=rows[number].number)
                if number < current:
                    raise self.fail(line, "ingest.row_order", number=number, previous=current)
                label = compact(plain(line.cell(1), self.path, line.number))
                expected = OVERVIEW_LABELS.get(number)
                if expected and label != expected:
                    raise self.fail(line, "ingest.row_label", found=label, number=number, expected=expected)
                rows[number] = line
                current = number
            if current == 6:
                listed.append(self.listed_initiative(line))
            elif current == 7:
                sector_rows.append(line)
        missing = [n for n in REQUIRED_OVERVIEW_ROWS if n not in rows]
        if missing:
            names = [f"{n} {OVERVIEW_LABELS.get(n, '区分')}" for n in missing]
            raise self.fail(section.span.last, "ingest.missing_rows", rows=names, heading=section.heading.number)

        chapter_line = rows[1]
        chapter_notation = plain(chapter_line.cell(2), self.path, chapter_line.number)
        if not chapter_notation.isdigit():
            raise self.fail(chapter_line, "ingest.chapter_number", found=chapter_notation)
        policy_line = rows[2]
        notation = plain(policy_line.cell(2), self.path, policy_line.number)
        if not re.fullmatch(rf"{chapter_notation}-[1-9][0-9]*", notation):
            raise self.fail(policy_line, "ingest.policy_notation", chapter=chapter_notation, found=notation)
        self.claim(notation, policy_line)
        self.check_listed(listed, notation, section.heading)
        sdg_line = rows.get(3)
        sdg_paras = [] if sdg_line is None else self.cell_paragraphs(sdg_line, 2) + self.cell_paragraphs(sdg_line, 3)
        return _Overview(
            chapter_notation=chapter_notation,
            chapter_title=self.required_plain(chapter_line, 3, "term.chapter_title"),
            division=self.required_plain(chapter_line, 1, "term.division"),
            chapter_line=chapter_line,
            notation=notation,
            title=self.required_plain(policy_line, 3, "term.policy_title"),
            necessity=self.required_text(rows[4], "施策の必要性"),
            direction=self.required_text(rows[5], "施策の方向性"),
            sdg=Text(tuple(sdg_paras), sdg_line.span) if sdg_paras else None,
            listed=listed,
            sector_plans=self.sector_plans(sector_rows, notation),
        )

    def check_width(self, line: Line, columns: tuple[str, ...]) -> None:
        """A row may leave out empty trailing cells, but may not have more cells than the table."""
        if len(line.cells) > len(columns):
            raise self.fail(
                line,
                "ingest.too_many_cells",
                found=len(line.cells),
                expected=len(columns),
                columns=" ⇥ ".join(columns),
                extra=clip(line.cells[len(columns)]),
            )

    def cell_paragraphs(self, line: Line, index: int) -> list[str]:
        return paragraphs(line.cell(index), self.path, line.number)

    def required_plain(self, line: Line, index: int, what: str) -> str:
        value = plain(line.cell(index), self.path, line.number)
        if not value:
            raise self.fail(line, "ingest.empty_cell", what=phrase(what), column=index + 1)
        return value

    def required_text(self, line: Line, label: str) -> Text:
        paras = self.cell_paragraphs(line, 2)
        if not paras:
            raise self.fail(line, "ingest.empty_text", label=label)
        if self.cell_paragraphs(line, 3):
            raise self.fail(line, "ingest.fourth_cell", label=label, text=clip(line.cell(3)))
        return Text(tuple(paras), line.span)

    def listed_initiative(self, line: Line) -> _Listed:
        notation = plain(line.cell(2), self.path, line.number)
        title = plain(line.cell(3), self.path, line.number)
        if not notation or not title:
            raise self.fail(line, "ingest.listed_incomplete", notation=notation or "—", title=title or "—")
        return _Listed(notation, title, line)

    def check_listed(self, listed: list[_Listed], policy: str, heading: Line) -> None:
        if not listed:
            raise self.fail(heading, "ingest.no_initiatives", policy=policy)
        for k, item in enumerate(listed, start=1):
            expected = f"{policy}-{k}"
            self.claim(item.notation, item.line)
            if item.notation != expected:
                raise self.fail(item.line, "ingest.initiative_order", found=item.notation, expected=expected)

    def sector_plans(self, rows: list[Line], policy: str) -> list[SectorPlan]:
        found: list[tuple[str, list[str], Line, Line]] = []  # name, description, first line, last line
        for line in rows:
            name = plain(line.cell(2), self.path, line.number)
            description = self.cell_paragraphs(line, 3)
            if not name and not description:
                continue
            previous = found[-1] if found else None
            # A description too long for its cell wraps onto the next row's name cell:
            # the previous plan has no description yet and this row has nothing else.
            if previous and not previous[1] and name and not description:
                found[-1] = (previous[0], [name], previous[2], line)
                continue
            if not name:
                raise self.fail(line, "ingest.sector_plan_name", text=clip(line.cell(3)))
            found.append((name, description, line, line))
        plans = []
        for position, (name, description, first, last) in enumerate(found, start=1):
            # The description sits on the last row, whether it wrapped or not.
            text = Text(tuple(description), last.span) if description else None
            plans.append(SectorPlan(f"{policy}-s{position}", position, name, text, Span(first.number, last.last)))
        return plans

    # -- section 2 -------------------------------------------------------------------

    def initiatives(self, section: _Section, overview: _Overview) -> list[Initiative]:
        blocks: list[list[Line]] = []
        open_block = False
        for line in section.rows:
            self.check_width(line, tuple(DETAIL_HEADER))
            if [compact(line.cell(k)) for k in range(3)] == DETAIL_HEADER:
                open_block = False
            elif line.cell(0).strip():
                blocks.append([line])
                open_block = True
            elif open_block:
                blocks[-1].append(line)
            else:
                raise self.fail(line, "ingest.continuation_without_initiative", text=clip(line.text))
        result = []
        for index, block in enumerate(blocks):
            result.append(self.initiative(block, index, overview))
        if len(result) < len(overview.listed):
            missing = overview.listed[len(result)]
            raise self.fail(missing.line, "ingest.listed_without_block", notation=missing.notation)
        return result

    def initiative(self, block: list[Line], index: int, overview: _Overview) -> Initiative:
        head = block[0]
        heading = plain(head.cell(0), self.path, head.number)
        position = circled_number(heading[:1])
        if position is None:
            raise self.fail(head, "ingest.initiative_number", found=clip(heading))
        if position != index + 1:
            raise self.fail(head, "ingest.block_order", found=heading[:1], expected=circled(index + 1))
        if index >= len(overview.listed):
            raise self.fail(head, "ingest.block_not_listed", found=heading[:1], policy=overview.notation)
        listed = overview.listed[index]
        title = heading[1:]
        if compact(title) != compact(listed.title):
            raise self.fail(
                head,
                "ingest.block_title",
                found=heading[:1],
                title=title,
                notation=listed.notation,
                listed=listed.title,
                line_listed=listed.line.number,
            )
        span = Span(head.number, block[-1].last)
        texts = self.marked(block, 1, (SITUATION, GOAL), listed.notation)
        actors = tuple(a.ja for a in Actor)
        by_actor = self.marked(block, 2, actors, listed.notation, empty_ok=True)
        commitments = tuple(
            Commitment(actor, by_actor[actor.ja]) for actor in Actor if by_actor.get(actor.ja) is not None
        )
        return Initiative(
            notation=listed.notation,
            position=position,
            title=listed.title,
            situation=texts[SITUATION],
            goal=texts[GOAL],
            commitments=commitments,
            span=span,
            listed_at=Span(listed.line.number, listed.line.last),
        )

    def marked(
        self,
        block: list[Line],
        index: int,
        labels: tuple[str, ...],
        notation: str,
        empty_ok: bool = False,
    ) -> dict[str, Text | None]:
        """Split one column of an initiative's block at its 《label》 markers.

        A text belongs to the marker that begins its cell, or to a marker standing
        alone in the column's previous non-empty cell. Nothing else is attributed: a
        text whose marker was lost is an error, never a text of the actor above it.
        Every label must be there, once, at the start of a cell.
        """
        column = DETAIL_HEADER[index]
        cells = [(line, paras) for line in block if (paras := self.cell_paragraphs(line, index))]
        found = [phrase("ingest.marker_at", label=m.group(1), line=line.number)
                 for line, paras in cells if (m := MARKER.match(paras[0]))]  # fmt: skip
        groups: dict[str, list[tuple[Line, str]]] = {}
        marker_lines: dict[str, Line] = {}
        alone: str | None = None  # a marker alone in its cell, whose text is the next cell
        for line, paras in cells:
            for later in paras[1:]:
                if inner := MARKER.match(later):
                    raise self.fail(line, "ingest.marker_inside_cell", label=inner.group(1), column=column)
            m = MARKER.match(paras[0])
            if m is None:
                if alone is None:
                    raise self.fail(
                        line, "ingest.unmarked_text", text=clip(paras[0]), column=column, notation=notation,
                        found=found or [phrase("ingest.no_markers")],
                    )  # fmt: skip
                groups[alone] = [(line, p) for p in paras]
                alone = None
                continue
            label = m.group(1)
            if label not in labels:
                raise self.fail(line, "ingest.unknown_marker", label=label, column=column, expected=_markers(labels))
            if label in groups:
                first = marker_lines[label].number
                raise self.fail(line, "ingest.marker_twice", label=label, column=column, first=first)
            rest = [text for text in (m.group(2).strip(), *paras[1:]) if text]
            groups[label] = [(line, text) for text in rest]
            marker_lines[label] = line
            alone = None if rest else label
        for label in labels:
            if label not in groups:
                raise self.fail(
                    block[0], "ingest.missing_marker", label=label, column=column, notation=notation,
                    found=found or [phrase("ingest.no_markers")],
                )  # fmt: skip
        result: dict[str, Text | None] = {}
        for label in labels:
            items = groups[label]
            if not items:
                if not empty_ok:
                    raise self.fail(marker_lines[label], "ingest.marker_without_text", label=label, notation=notation)
                result[label] = None
                continue
            first = marker_lines[label].number
            last = max(line.last for line, _ in items)
            result[label] = Text(tuple(p for _, p in items), Span(first, last))
        return result

    # -- footnote glossaries ---------------------------------------------------------

    def glossary(self, notes: list[_Section], policy: str) -> list[GlossaryTerm]:
        terms = []
        for expected, section in enumerate(notes, start=1):
            m = NOTE_HEADING.match(section.heading.cells[0].strip())
            assert m  # the section was classified by this pattern
            number = int(m.group(1))
            if number != expected:
                raise self.fail(
                    section.heading, "ingest.footnote_order", number=number, policy=policy, expected=expected
                )
            label = plain(m.group(2), self.path, section.heading.number)
            paras: list[str] = []
            for line in section.rows:
                if len(line.cells) > 1:
                    raise self.fail(line, "ingest.footnote_table_row", number=number, label=label)
                paras.extend(paragraphs(line.cells[0], self.path, line.number))
            if not paras:
                raise self.fail(section.heading, "ingest.footnote_empty", number=number, label=label)
            span = section.span
            definition = Text(tuple(paras), Span(section.rows[0].number, span.last))
            terms.append(GlossaryTerm(f"{policy}-n{number}", number, label, definition, span))
        return terms


def _markers(labels: tuple[str, ...]) -> str:
    return "".join(f"《{label}》" for label in labels)


_CIRCLED_RANGES = ((0x2460, 1, 20), (0x3251, 21, 35), (0x32B1, 36, 50))


def circled_number(char: str) -> int | None:
    """①…㊿ → 1…50; anything else → None."""
    if len(char) != 1:
        return None
    code = ord(char)
    for start, first, last in _CIRCLED_RANGES:
        if start <= code <= start + (last - first):
            return first + code - start
    return None


def circled(number: int) -> str:
    for start, first, last in _CIRCLED_RANGES:
        if first <= number <= last:
            return chr(start + number - first)
    return f"({number})"
