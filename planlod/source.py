"""Reading the source table export: bytes to lines, lines to cells, cells to paragraphs.

The export is a text file of tab-separated table rows whose cells hold either plain
text or a run of ``<p>…</p>`` fragments, plus headings and footnote glossaries. This
module knows the *lexical* rules of that format (encoding, entities, layout spaces,
paragraph markup); :mod:`planlod.ingest` knows its *structure*.
"""

from __future__ import annotations

import codecs
import csv
import html
import re
from dataclasses import dataclass
from html.entities import html5
from pathlib import Path
from typing import Any

from planlod.messages import PlanError
from planlod.model import Span


class SourceError(PlanError):
    """A source file that does not follow the documented table format.

    Its message names the file, the 1-based line, what was read and what was expected,
    so a city's staff can fix the export without reading a traceback.
    """


def source_error(path: Path | str, line: int | None, id: str, **params: Any) -> SourceError:
    return SourceError.of(id, path, line, **params)


@dataclass(frozen=True)
class Line:
    """One row of the source: the physical lines ``number``…``last`` as editors number them.

    A row is one line, unless a quoted cell (Excel's export) holds line breaks. Trailing
    empty cells are dropped: an editor that trims trailing whitespace changes nothing.
    """

    number: int
    cells: tuple[str, ...]
    last: int = 0

    def __post_init__(self) -> None:
        if self.last < self.number:
            object.__setattr__(self, "last", self.number)
        cells = list(self.cells)
        while cells and not cells[-1].strip():
            cells.pop()
        object.__setattr__(self, "cells", tuple(cells))

    @property
    def is_blank(self) -> bool:
        # Rows holding only spaces and tabs are layout, like empty ones.
        return not self.cells

    @property
    def text(self) -> str:
        """The row's cells joined by tabs, as the file has them (without trailing empty cells)."""
        return "\t".join(self.cells)

    @property
    def span(self) -> Span:
        return Span(self.number, self.last)

    def cell(self, index: int) -> str:
        """The cell at ``index`` (0-based); an empty trailing cell that was left out reads as empty."""
        return self.cells[index] if index < len(self.cells) else ""


def read_lines(path: Path, encoding: str = "utf-8") -> list[Line]:
    """Decode the file strictly and split it into numbered rows of cells.

    A UTF-8 byte-order mark is accepted (Windows tools add one), and a UTF-16 one is read
    as UTF-16 (Excel's "Unicode text" export); any other decoding
    problem is an error rather than a guess, because a wrong guess would publish
    mojibake in the city's name. Cells are read with the csv module's ``excel-tab``
    dialect, so Excel's quoted cells (line breaks inside, doubled quotes) are read as
    Excel meant them; a file without quotes reads as plain tab-separated lines.
    """
    physical = _physical_lines(path, encoding)
    rows: list[Line] = []
    reader = csv.reader((f"{text}\n" for text in physical), dialect="excel-tab", strict=True)
    first = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise _quote_error(path, first, physical, str(exc)) from None
        if any("\t" in cell for cell in cells):
            # Only a quoted cell holds a tab; Excel never writes one there, a stray quote does (rows run together).
            raise source_error(path, first, "source.tab_in_cell", row=clip(physical[first - 1]), last=reader.line_num)
        rows.append(Line(first, tuple(cells), reader.line_num))
        first = reader.line_num + 1
    return rows


def read_text(path: Path, encoding: str = "utf-8") -> str:
    """The file's text as written (decoded and checked like :func:`read_lines`, line ends as ``\\n``).

    Line ``n`` of it is line ``n`` of the file, which is what provenance (``#line=a,b``) cites.
    """
    return "\n".join(_physical_lines(path, encoding))


def _physical_lines(path: Path, encoding: str) -> list[str]:
    raw = path.read_bytes()
    codec = "utf-8-sig" if encoding.replace("_", "-").lower() in ("utf-8", "utf8") else encoding
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec = "utf-16"  # Excel's "Unicode text": the byte-order mark says so, whatever was declared
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise source_error(
            path, line, "source.not_decodable", encoding=encoding, byte=f"0x{raw[exc.start]:02x}", offset=exc.start
        ) from None
    if "\x00" in text:
        raise source_error(path, text[: text.index("\x00")].count("\n") + 1, "source.nul")
    lines = [t.rstrip("\r") for t in text.split("\n")]
    for number, line in enumerate(lines, start=1):
        # Invisible in an editor, invalid in XML (RDF/XML, SPARQL XML results): never publish them.
        bad = _CONTROL.search(line)
        if bad:
            raise source_error(path, number, "source.control", code=f"U+{ord(bad.group()):04X}")
    return lines


def _quote_error(path: Path, first: int, physical: list[str], problem: str) -> SourceError:
    """A double quote the csv module could not read: say where the quoted cell began."""
    if "expected after" in problem:
        return source_error(path, first, "source.text_after_quote", row=clip(physical[first - 1]))
    return source_error(path, first, "source.unclosed_quote", row=clip(physical[first - 1]))


def clip(text: str, size: int = 30) -> str:
    """What was read, short enough for a one-line message (a tab shown as ⇥)."""
    text = text.strip().replace("\t", " ⇥ ")
    return text if len(text) <= size else text[:size] + "…"


# Characters no text of a plan holds: C0 controls but tab, DEL, C1 controls, noncharacters U+FFFE/U+FFFF.
_CONTROL = re.compile("[\x01-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


# A space is layout when it does not sit between two half-width word characters:
# Japanese text never separates full-width characters with spaces, so the spaces
# in `施策の 必要性` or `シティプロ モーション` are line wraps of the printed table.
_SPACES = re.compile(r"[ \u00a0\u3000]+")
_BETWEEN_WORDS = re.compile(r"(?<=[0-9A-Za-z])[ \u00a0\u3000]+(?=[0-9A-Za-z])")


def remove_layout_spaces(text: str) -> str:
    """Drop the spaces the table layout introduced, keeping spaces between Latin words."""
    kept = []
    last = 0
    for m in _BETWEEN_WORDS.finditer(text):
        kept.append(_SPACES.sub("", text[last : m.start()]))
        kept.append(m.group(0))
        last = m.end()
    kept.append(_SPACES.sub("", text[last:]))
    return "".join(kept)


def compact(text: str) -> str:
    """Text with every whitespace character removed: how headers and labels are compared."""
    return re.sub(r"\s+", "", text)


_ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def _is_text_character(code: int) -> bool:
    """Not a control, surrogate, noncharacter or beyond Unicode (html.unescape would drop or replace those)."""
    return (
        0x20 <= code <= 0x10FFFF
        and not 0x7F <= code <= 0x9F
        and not 0xD800 <= code <= 0xDFFF
        and not 0xFDD0 <= code <= 0xFDEF
        and code & 0xFFFE != 0xFFFE
    )


def _unescape(text: str, path: Path, line: int) -> str:
    for m in _ENTITY.finditer(text):
        name = m.group(1)
        if name.startswith("#"):
            code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
            if not _is_text_character(code):
                raise source_error(path, line, "source.reference_no_character", reference=m.group(0))
        elif f"{name};" not in html5:
            raise source_error(path, line, "source.unknown_reference", reference=m.group(0))
    return html.unescape(text)


_P_RUN = re.compile(r"\s*<p>(.*?)</p>\s*", re.DOTALL)


def paragraphs(cell: str, path: Path, line: int, breaks_are_layout: bool = False) -> list[str]:
    """The paragraphs of one cell, unescaped and without layout spaces.

    A cell is either a run of ``<p>…</p>`` fragments or plain text. In plain text each
    line (Excel's line break inside a cell) is a paragraph, unless ``breaks_are_layout``
    (a title wrapped to fit its cell); inside ``<p>…</p>`` a line break is a wrap.
    Anything else that looks like markup is refused: the text is published as data
    and shown on web pages, so nothing resembling HTML may slip through as text.
    """
    if "<p>" in cell or "</p>" in cell:
        found: list[str] = []
        pos = 0
        while pos < len(cell):
            m = _P_RUN.match(cell, pos)
            if not m:
                rest = cell[pos:].strip()
                if not rest:
                    break
                if rest.startswith("<p>"):
                    raise source_error(path, line, "source.unclosed_p", text=clip(rest))
                raise source_error(path, line, "source.text_outside_p", text=clip(rest))
            found.append(m.group(1).replace("\n", " "))
            pos = m.end()
    elif breaks_are_layout:
        found = [cell.replace("\n", " ")]
    else:
        found = cell.split("\n")
    result = []
    for raw in found:
        if "<" in raw or ">" in raw:
            raise source_error(path, line, "source.markup", text=clip(raw, 40))
        text = remove_layout_spaces(_unescape(raw, path, line))
        if text:
            result.append(text)
    return result


def plain(cell: str, path: Path, line: int) -> str:
    """A cell that holds a single short text, such as a title or a notation."""
    return "\n".join(paragraphs(cell, path, line, breaks_are_layout=True))
