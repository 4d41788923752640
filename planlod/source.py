"""Reading the source table export: bytes to lines, lines to cells, cells to paragraphs.

The export is a text file of tab-separated table rows whose cells hold either plain
text or a run of ``<p>…</p>`` fragments, plus headings and footnote glossaries. This
module knows the *lexical* rules of that format (encoding, entities, layout spaces,
paragraph markup); :mod:`planlod.ingest` knows its *structure*.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.entities import html5
from pathlib import Path


class SourceError(ValueError):
    """A source file that does not follow the documented table format.

    The message always names the file, the 1-based line and what was expected, so a
    city's staff can fix the export without reading a traceback.
    """

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.reason = message
        where = f"{self.path}:{line}" if line else f"{self.path}"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Line:
    """One physical line of the source, numbered from 1 as editors show it."""

    number: int
    text: str

    @property
    def is_blank(self) -> bool:
        # Lines holding only spaces are layout, like empty ones.
        return not self.text.strip()

    @property
    def cells(self) -> list[str]:
        return self.text.split("\t")


def read_lines(path: Path, encoding: str = "utf-8") -> list[Line]:
    """Decode the file strictly and split it into numbered lines.

    A UTF-8 byte-order mark is accepted (Windows tools add one); any other decoding
    problem is an error rather than a guess, because a wrong guess would publish
    mojibake in the city's name.
    """
    raw = path.read_bytes()
    codec = "utf-8-sig" if encoding.replace("_", "-").lower() in ("utf-8", "utf8") else encoding
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceError(
            path,
            line,
            f"the file is not valid {encoding} (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            'save it as UTF-8, or set `encoding` in dataset.toml (for example "cp932" for Shift_JIS)',
        ) from None
    if "\x00" in text:
        raise SourceError(path, text[: text.index("\x00")].count("\n") + 1, "the file contains NUL characters")
    lines = [Line(n, t.rstrip("\r")) for n, t in enumerate(text.split("\n"), start=1)]
    for line in lines:
        # Invisible in an editor, invalid in XML (RDF/XML, SPARQL XML results): never publish them.
        bad = _CONTROL.search(line.text)
        if bad:
            raise SourceError(
                path, line.number, f"the line contains the control character U+{ord(bad.group()):04X}; remove it"
            )
    return lines


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
                raise SourceError(
                    path, line, f"character reference {m.group(0)!r} names no character that text can hold"
                )
        elif f"{name};" not in html5:
            raise SourceError(path, line, f"unknown character reference {m.group(0)!r}")
    return html.unescape(text)


_P_RUN = re.compile(r"\s*<p>(.*?)</p>\s*", re.DOTALL)


def paragraphs(cell: str, path: Path, line: int) -> list[str]:
    """The paragraphs of one cell, unescaped and without layout spaces.

    A cell is either a run of ``<p>…</p>`` fragments or plain text (one paragraph).
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
                what = "an unclosed <p>" if rest.startswith("<p>") else f"text outside <p>…</p>: {rest[:30]!r}"
                raise SourceError(path, line, f"expected a run of <p>…</p> paragraphs, found {what}")
            found.append(m.group(1))
            pos = m.end()
    else:
        found = [cell]
    result = []
    for raw in found:
        if "<" in raw or ">" in raw:
            raise SourceError(path, line, f"unexpected markup inside a paragraph: {raw[:40]!r}")
        text = remove_layout_spaces(_unescape(raw, path, line))
        if text:
            result.append(text)
    return result


def plain(cell: str, path: Path, line: int) -> str:
    """A cell that holds a single short text, such as a title or a notation."""
    parts = paragraphs(cell, path, line)
    return "\n".join(parts)
