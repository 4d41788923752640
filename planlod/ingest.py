"""Parse a plan's table export into :class:`planlod.model.Plan`.

The export (see ``docs/source-format.md``) repeats, per policy (施策):

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
from planlod.source import Line, SourceError, compact, paragraphs, plain, read_lines

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
        last = max((line.number for line in self.rows), default=self.heading.number)
        return Span(self.heading.number, last)


def parse(path: Path | str, encoding: str = "utf-8", draft: bool = False) -> Plan:
    """Read a source file and return the whole plan, or raise :class:`SourceError`.

    An empty source is an error, unless the plan is a ``draft`` (a folder that
    ``planlod new-plan`` made and nobody has filled yet): then it is a plan with no
    chapters. A file emptied by accident is never published as an empty plan.
    """
    path = Path(path)
    lines = read_lines(path, encoding)
    if draft and all(line.is_blank for line in lines):
        return Plan(chapters=(), line_count=len(lines))
    sections = _split_sections(path, lines)
    return _Parser(path).plan(sections, len(lines))


def _split_sections(path: Path, lines: list[Line]) -> list[_Section]:
    sections: list[_Section] = []
    for line in lines:
        if line.is_blank:
            if sections:
                sections[-1].lines.append(line)
            continue
        heading = line.text.strip()
        if "\t" not in line.text and OVERVIEW_HEADING.match(compact(heading)):
            sections.append(_Section("overview", line))
        elif "\t" not in line.text and DETAIL_HEADING.match(compact(heading)):
            sections.append(_Section("detail", line))
        elif "\t" not in line.text and NOTE_HEADING.match(heading):
            sections.append(_Section("note", line))
        elif heading.startswith("#"):
            raise SourceError(
                path,
                line.number,
                f"unknown section header {heading!r}: expected '1 施策の概要', "
                "'2 取組の目標及び各主体が行うこと' or a footnote '※N term'",
            )
        elif not sections:
            raise SourceError(path, line.number, "expected the section header '1 施策の概要' before any content")
        else:
            sections[-1].lines.append(line)
    if not sections:
        raise SourceError(
            path,
            None,
            "no section '1 施策の概要' found: the file holds no policy (a new, unfilled plan has draft = true)",
        )
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

    def fail(self, line: Line | int | None, message: str) -> SourceError:
        number = line.number if isinstance(line, Line) else line
        return SourceError(self.path, number, message)

    def claim(self, notation: str, line: Line) -> None:
        if notation in self.seen_notations:
            raise self.fail(line, f"duplicate notation {notation} (first used at line {self.seen_notations[notation]})")
        self.seen_notations[notation] = line.number

    # -- the whole file ---------------------------------------------------------------

    def plan(self, sections: list[_Section], line_count: int) -> Plan:
        groups: list[list[_Section]] = []
        for section in sections:
            if section.kind == "overview":
                groups.append([section])
            elif not groups:
                raise self.fail(section.heading, "expected '1 施策の概要' before this section")
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
                        f"chapter {current.notation} is named {current.title!r} ({current.division}) at line "
                        f"{current.spans[0].first}, but {overview.chapter_title!r} ({overview.division}) here",
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
                    raise self.fail(
                        overview.chapter_line,
                        f"chapter {overview.chapter_notation} appears again after other chapters: "
                        "keep each chapter's policies together",
                    )
                if current and int(overview.chapter_notation) < int(current.notation):
                    raise self.fail(
                        overview.chapter_line,
                        f"chapter {overview.chapter_notation} comes after chapter {current.notation}: out of order",
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
                raise self.fail(
                    policy.span.first,
                    f"policy {policy.notation} is out of order: expected {expected} at this place",
                )
        return tuple(chapters)

    # -- one policy ------------------------------------------------------------------

    def policy(self, group: list[_Section]) -> tuple[_Overview, Policy]:
        overview_section, rest = group[0], group[1:]
        overview = self.overview(overview_section)
        details = [s for s in rest if s.kind == "detail"]
        notes = [s for s in rest if s.kind == "note"]
        if not details:
            raise self.fail(
                overview_section.heading,
                f"policy {overview.notation} has no section '2 取組の目標及び各主体が行うこと'",
            )
        if len(details) > 1:
            raise self.fail(details[1].heading, f"policy {overview.notation} has a second section 2")
        if rest[0].kind != "detail":
            raise self.fail(rest[0].heading, "expected '2 取組の目標及び各主体が行うこと' before the footnotes")
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
            cells = line.cells
            if len(cells) != 4:
                raise self.fail(
                    line,
                    f"truncated row: expected 4 tab-separated cells (number, label, content, content) "
                    f"in '1 施策の概要', found {len(cells)}",
                )
            number_cell = cells[0].strip()
            if not number_cell:
                if current not in (6, 7):
                    raise self.fail(
                        line, "a row without a number may only continue 施策内の取組 (6) or 分野別計画等 (7)"
                    )
                if plain(cells[1], self.path, line.number):
                    # Nothing reads this cell in a continuation row: text there would vanish unpublished.
                    raise self.fail(
                        line, f"a row without a number has text in its label cell: {cells[1].strip()[:30]!r}"
                    )
            else:
                if not number_cell.isdigit() or not 1 <= int(number_cell) <= 7:
                    raise self.fail(line, f"expected a row number 1-7 in '1 施策の概要', found {number_cell!r}")
                number = int(number_cell)
                if number in rows:
                    raise self.fail(line, f"row {number} appears twice (first at line {rows[number].number})")
                if number < current:
                    raise self.fail(line, f"row {number} is out of order: it comes after row {current}")
                label = compact(plain(cells[1], self.path, line.number))
                expected = OVERVIEW_LABELS.get(number)
                if expected and label != expected:
                    raise self.fail(line, f"unknown section header {label!r} in row {number}: expected {expected!r}")
                rows[number] = line
                current = number
            if current == 6:
                listed.append(self.listed_initiative(line, cells))
            elif current == 7:
                sector_rows.append(line)
        missing = [n for n in REQUIRED_OVERVIEW_ROWS if n not in rows]
        if missing:
            names = ", ".join(f"{n} ({OVERVIEW_LABELS.get(n, '章')})" for n in missing)
            raise self.fail(section.span.last, f"'1 施策の概要' is missing row(s) {names}")

        chapter_line = rows[1]
        chapter_notation = plain(chapter_line.cells[2], self.path, chapter_line.number)
        if not chapter_notation.isdigit():
            raise self.fail(chapter_line, f"expected a chapter number in row 1, found {chapter_notation!r}")
        policy_line = rows[2]
        notation = plain(policy_line.cells[2], self.path, policy_line.number)
        if not re.fullmatch(rf"{chapter_notation}-[1-9][0-9]*", notation):
            raise self.fail(
                policy_line, f"expected a policy notation '{chapter_notation}-N' in row 2, found {notation!r}"
            )
        self.claim(notation, policy_line)
        self.check_listed(listed, notation)
        sdg_line = rows.get(3)
        sdg_paras = [] if sdg_line is None else self.cell_paragraphs(sdg_line, 2) + self.cell_paragraphs(sdg_line, 3)
        return _Overview(
            chapter_notation=chapter_notation,
            chapter_title=self.required_plain(chapter_line, 3, "the chapter title"),
            division=self.required_plain(chapter_line, 1, "the chapter's division"),
            chapter_line=chapter_line,
            notation=notation,
            title=self.required_plain(policy_line, 3, "the policy title"),
            necessity=self.required_text(rows[4], "施策の必要性"),
            direction=self.required_text(rows[5], "施策の方向性"),
            sdg=Text(tuple(sdg_paras), Span(sdg_line.number, sdg_line.number)) if sdg_paras else None,
            listed=listed,
            sector_plans=self.sector_plans(sector_rows, notation),
        )

    def cell_paragraphs(self, line: Line, index: int) -> list[str]:
        return paragraphs(line.cells[index], self.path, line.number)

    def required_plain(self, line: Line, index: int, what: str) -> str:
        value = plain(line.cells[index], self.path, line.number)
        if not value:
            raise self.fail(line, f"{what} is empty")
        return value

    def required_text(self, line: Line, what: str) -> Text:
        paras = self.cell_paragraphs(line, 2)
        if not paras:
            raise self.fail(line, f"the text of {what} is empty")
        if self.cell_paragraphs(line, 3):
            raise self.fail(line, f"unexpected text in the fourth cell of {what}")
        return Text(tuple(paras), Span(line.number, line.number))

    def listed_initiative(self, line: Line, cells: list[str]) -> _Listed:
        notation = plain(cells[2], self.path, line.number)
        title = plain(cells[3], self.path, line.number)
        if not notation or not title:
            raise self.fail(line, "expected an initiative notation and title in 施策内の取組")
        return _Listed(notation, title, line)

    def check_listed(self, listed: list[_Listed], policy: str) -> None:
        if not listed:
            raise self.fail(None, f"policy {policy} lists no initiatives")
        for k, item in enumerate(listed, start=1):
            expected = f"{policy}-{k}"
            self.claim(item.notation, item.line)
            if item.notation != expected:
                raise self.fail(
                    item.line, f"initiative {item.notation!r} is out of order: expected {expected} at this place"
                )

    def sector_plans(self, rows: list[Line], policy: str) -> list[SectorPlan]:
        found: list[tuple[str, list[str], Line, Line]] = []  # name, description, first line, last line
        for line in rows:
            name = plain(line.cells[2], self.path, line.number)
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
                raise self.fail(line, "expected the name of a 分野別計画等 in the third cell")
            found.append((name, description, line, line))
        plans = []
        for position, (name, description, first, last) in enumerate(found, start=1):
            # The description sits on the last row, whether it wrapped or not.
            text = Text(tuple(description), Span(last.number, last.number)) if description else None
            plans.append(SectorPlan(f"{policy}-s{position}", position, name, text, Span(first.number, last.number)))
        return plans

    # -- section 2 -------------------------------------------------------------------

    def initiatives(self, section: _Section, overview: _Overview) -> list[Initiative]:
        blocks: list[list[Line]] = []
        open_block = False
        for line in section.rows:
            cells = line.cells
            if len(cells) != 3:
                raise self.fail(
                    line,
                    "truncated row: expected 3 tab-separated cells (取組, 現状と課題及び目標, 各主体が行うこと) "
                    f"in section 2, found {len(cells)}",
                )
            if [compact(c) for c in cells] == DETAIL_HEADER:
                open_block = False
            elif cells[0].strip():
                blocks.append([line])
                open_block = True
            elif open_block:
                blocks[-1].append(line)
            else:
                raise self.fail(line, "a row with an empty 取組 cell must continue an initiative, but none is open")
        result = []
        for index, block in enumerate(blocks):
            result.append(self.initiative(block, index, overview))
        if len(result) < len(overview.listed):
            missing = overview.listed[len(result)]
            raise self.fail(
                missing.line,
                f"initiative {missing.notation} is listed here but has no detail block in "
                "'2 取組の目標及び各主体が行うこと'",
            )
        return result

    def initiative(self, block: list[Line], index: int, overview: _Overview) -> Initiative:
        head = block[0]
        heading = plain(head.cells[0], self.path, head.number)
        position = circled_number(heading[:1])
        if position is None:
            raise self.fail(head, f"expected an initiative starting with a circled number (①, ②, …), found {heading!r}")
        if position != index + 1:
            raise self.fail(head, f"initiative {heading[:1]} is out of order: expected {circled(index + 1)} here")
        if index >= len(overview.listed):
            raise self.fail(
                head, f"initiative {heading[:1]} is not listed in 施策内の取組 of policy {overview.notation}"
            )
        listed = overview.listed[index]
        title = heading[1:]
        if compact(title) != compact(listed.title):
            raise self.fail(
                head,
                f"initiative {heading[:1]} is titled {title!r}, but {listed.notation} is listed as {listed.title!r}",
            )
        span = Span(head.number, block[-1].number)
        left = self.column(block, 1)
        right = self.column(block, 2)
        texts = self.marked(left, (SITUATION, GOAL), listed.notation, "現状と課題及び目標")
        for label in (SITUATION, GOAL):
            if label not in texts:
                raise self.fail(head, f"initiative {listed.notation} has no 《{label}》 text")
        actors = tuple(a.ja for a in Actor)
        by_actor = self.marked(right, actors, listed.notation, "各主体が行うこと", empty_ok=True)
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
            listed_at=Span(listed.line.number, listed.line.number),
        )

    def column(self, block: list[Line], index: int) -> list[tuple[Line, str]]:
        return [(line, para) for line in block for para in self.cell_paragraphs(line, index)]

    def marked(
        self,
        stream: list[tuple[Line, str]],
        labels: tuple[str, ...],
        notation: str,
        column: str,
        empty_ok: bool = False,
    ) -> dict[str, Text | None]:
        """Split a column's paragraphs at its 《label》 markers."""
        groups: dict[str, list[tuple[Line, str]]] = {}
        marker_lines: dict[str, Line] = {}
        current: str | None = None
        for line, para in stream:
            m = MARKER.match(para)
            if m:
                label = m.group(1)
                if label not in labels:
                    expected = "、".join(f"《{x}》" for x in labels)
                    raise self.fail(line, f"unknown marker 《{label}》 in {column} of {notation}: expected {expected}")
                if label in groups:
                    raise self.fail(line, f"marker 《{label}》 appears twice in {column} of {notation}")
                groups[label] = []
                marker_lines[label] = line
                current = label
                para = m.group(2).strip()
                if not para:
                    continue
            if current is None:
                raise self.fail(line, f"text in {column} of {notation} before any 《…》 marker")
            groups[current].append((line, para))
        result: dict[str, Text | None] = {}
        for label, items in groups.items():
            if not items:
                if not empty_ok:
                    raise self.fail(marker_lines[label], f"《{label}》 of {notation} has no text")
                result[label] = None
                continue
            numbers = [marker_lines[label].number] + [line.number for line, _ in items]
            result[label] = Text(tuple(p for _, p in items), Span(min(numbers), max(numbers)))
        return result

    # -- footnote glossaries ---------------------------------------------------------

    def glossary(self, notes: list[_Section], policy: str) -> list[GlossaryTerm]:
        terms = []
        for expected, section in enumerate(notes, start=1):
            m = NOTE_HEADING.match(section.heading.text.strip())
            assert m  # the section was classified by this pattern
            number = int(m.group(1))
            if number != expected:
                raise self.fail(
                    section.heading,
                    f"footnote ※{number} of policy {policy} is out of order: expected ※{expected} "
                    "(numbering restarts at ※1 in every policy)",
                )
            label = plain(m.group(2), self.path, section.heading.number)
            paras: list[str] = []
            for line in section.rows:
                if "\t" in line.text:
                    raise self.fail(line, f"expected the definition of ※{number} {label}, found a table row")
                paras.extend(paragraphs(line.text, self.path, line.number))
            if not paras:
                raise self.fail(section.heading, f"footnote ※{number} {label} has no definition")
            span = section.span
            definition = Text(tuple(paras), Span(section.rows[0].number, span.last))
            terms.append(GlossaryTerm(f"{policy}-n{number}", number, label, definition, span))
        return terms


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
