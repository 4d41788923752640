"""Property-based tests of the parser: a damaged source gives a correct graph or a clear error.

Each test damages the real source the way exports and hand edits do (truncation, shuffled
rows, stray tabs, HTML, broken character references, other encodings) and requires one of:

- a :class:`SourceError` naming the file and a line inside it, with a message for a person;
- a whole plan whose graph is faithful to the damaged text: every Japanese literal is text of
  the source (after unescaping and removing layout spaces), every text block comes from the
  lines it cites, and nothing the source does not hold (U+FFFD, control characters) appears.

Anything else (another exception, a crash) is a bug. :func:`test_a_damaged_source_never_half_publishes`
runs whole builds on some of these sources: a failed build publishes nothing.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import os
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import RDFS, Literal

from planlod import build, dataset, graph
from planlod.config import ROOT, Settings
from planlod.ingest import parse
from planlod.model import Plan, Text
from planlod.source import SourceError

REAL_PLAN = ROOT / "data" / "272116-ibaraki-5th"
SOURCE = REAL_PLAN / "source.txt"

ORIGINAL = SOURCE.read_bytes()
LINES = ORIGINAL.decode("utf-8").split("\n")
BASE = "https://w3id.org/jp-cityplan/"
FUZZ = settings(
    max_examples=int(os.environ.get("PLANLOD_FUZZ_EXAMPLES", 40)),
    deadline=None,  # a shared 2-core machine: time is not the property
    derandomize=os.environ.get("CI") == "true",  # the same examples on every CI run: no flakes
    suppress_health_check=[HealthCheck.too_slow],
)

HTML_SNIPPETS = [
    "<script>alert(1)</script>", "<b>", "</b>", "<p>", "</p>", "<p></p>", "<br>", "<!-- -->",
    '<img src=x onerror="alert(1)">', "<", ">", "<p>x", "</p><p>",
]  # fmt: skip
ENTITY_SNIPPETS = [
    "&nosuch;", "&amp", "&", "&;", "&#;", "&#x;", "&#xZZ;", "&#0;", "&#1;", "&#x7f;", "&#x80;", "&#xD800;",
    "&#xDFFF;", "&#xFFFE;", "&#x110000;", "&#99999999999;", "&lt;", "&gt;script", "&#x3042;", "&amp;amp;",
]  # fmt: skip


@pytest.fixture(scope="module")
def info() -> dataset.DatasetInfo:
    return dataset.load(REAL_PLAN)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def printable(code: int) -> bool:
    """A character that text can hold: not a control, surrogate, noncharacter or beyond Unicode."""
    return (
        0x20 <= code <= 0x10FFFF
        and not 0x7F <= code <= 0x9F
        and not 0xD800 <= code <= 0xDFFF
        and not 0xFDD0 <= code <= 0xFDEF
        and code & 0xFFFE != 0xFFFE
    )


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def texts(obj: object) -> list[Text]:
    """Every text block of the plan, wherever it sits."""
    if isinstance(obj, Text):
        return [obj]
    if isinstance(obj, tuple | list):
        return [t for item in obj for t in texts(item)]
    if dataclasses.is_dataclass(obj):
        return [t for f in dataclasses.fields(obj) for t in texts(getattr(obj, f.name))]
    return []


def ja_literals(plan: Plan, info: dataset.DatasetInfo) -> list[str]:
    quads = list(graph.to_graph(plan, info, BASE).quads((None, None, None, None)))
    assert quads  # the plan's graph (a file cut between two policies is a shorter plan, and correct)
    return [str(o) for _, p, o, _ in quads if isinstance(o, Literal) and o.language == "ja" and p != RDFS.label]


@functools.cache
def original_literals(info: dataset.DatasetInfo) -> frozenset[str]:
    """The Japanese literals of the undamaged plan, metadata from dataset.toml included."""
    return frozenset(ja_literals(parse(SOURCE), info))


def outcome(path: Path, data: bytes, info: dataset.DatasetInfo, encoding: str = "utf-8") -> Plan | None:
    """Parse ``data``; check that the result is a clear error or a faithful plan, and return the plan."""
    path.write_bytes(data)
    try:
        plan = parse(path, encoding)
    except SourceError as error:
        line_count = data.count(b"\n") + 1
        assert error.path == path
        assert str(error).startswith(f"{path}:") and error.reason.strip()
        assert error.line is None or 1 <= error.line <= line_count, (error.line, line_count)
        return None
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))  # a UTF-16 byte-order mark decides, as in the parser
    text = data.decode("utf-16" if utf16 else "utf-8-sig" if encoding == "utf-8" else encoding)
    # Every character reference of a parsed file was read as text: each must name a character.
    for m in re.finditer(r"&#([xX][0-9a-fA-F]+|[0-9]+);", text):
        code = int(m.group(1)[1:], 16) if m.group(1)[0] in "xX" else int(m.group(1))
        assert printable(code), f"{m.group(0)} was published"
    lines = [line.rstrip("\r") for line in text.split("\n")]
    # A quoted cell (Excel's) writes a quote as two: the text holds one.
    source = squeeze(html.unescape(text)).replace('""', '"')
    for block in texts(plan):
        assert block.span.last <= len(lines)
        cited = squeeze(html.unescape("".join(lines[block.span.first - 1 : block.span.last]))).replace('""', '"')
        for paragraph in block.paragraphs:
            assert squeeze(paragraph) in cited, (paragraph, block.span)
    for value in ja_literals(plan, info):
        # Text that the undamaged plan does not have came from the damaged source, character for character.
        # (Not rdfs:label, which may be composed: "7-3-1 職員の能力開発《市》" names a commitment.)
        if value not in original_literals(info):
            assert all(squeeze(paragraph) in source for paragraph in value.split("\n")), value
            # Nothing the city did not write: no replacement characters, no invisible controls.
            assert "\ufffd" not in value or "\ufffd" in text
            assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", value), repr(value)
    return plan


# -- damage -------------------------------------------------------------------------------


def insert(lines: list[str], line: int, column: int, snippet: str) -> bytes:
    edited = list(lines)
    target = edited[line % len(edited)]
    at = column % (len(target) + 1)
    edited[line % len(edited)] = target[:at] + snippet + target[at:]
    return "\n".join(edited).encode("utf-8")


line_index = st.integers(0, len(LINES) - 1)
# Damage lands anywhere, but mostly where the text is: a random line is often blank or a heading.
TEXT_LINES = [n for n, line in enumerate(LINES) if "<p>" in line or "\t" in line]
positions = st.tuples(st.one_of(st.sampled_from(TEXT_LINES), line_index), st.integers(0, 400))


@FUZZ
@given(cut=st.integers(0, len(ORIGINAL)))
def test_truncated_anywhere(cut, workdir, info):
    """An export cut short: mid-line, mid-cell, even mid-character."""
    outcome(workdir / "source.txt", ORIGINAL[:cut], info)


@FUZZ
@given(swaps=st.lists(st.tuples(line_index, line_index), min_size=1, max_size=3))
def test_shuffled_rows(swaps, workdir, info):
    lines = list(LINES)
    for a, b in swaps:
        lines[a], lines[b] = lines[b], lines[a]
    outcome(workdir / "source.txt", "\n".join(lines).encode("utf-8"), info)


@FUZZ
@given(window=st.integers(0, len(LINES) - 8), order=st.permutations(range(8)))
def test_a_block_of_rows_in_any_order(window, order, workdir, info):
    lines = list(LINES)
    lines[window : window + 8] = [LINES[window + k] for k in order]
    outcome(workdir / "source.txt", "\n".join(lines).encode("utf-8"), info)


@FUZZ
@given(where=st.lists(positions, min_size=1, max_size=3))
def test_injected_tabs(where, workdir, info):
    lines = list(LINES)
    for line, column in where:
        lines = insert(lines, line, column, "\t").decode("utf-8").split("\n")
    outcome(workdir / "source.txt", "\n".join(lines).encode("utf-8"), info)


@FUZZ
@given(where=positions, snippet=st.sampled_from(HTML_SNIPPETS))
def test_injected_html(where, snippet, workdir, info):
    plan = outcome(workdir / "source.txt", insert(LINES, *where, snippet), info)
    if plan is not None:
        # Markup is never published as text: what got through was a paragraph boundary.
        assert all("<" not in p and ">" not in p for block in texts(plan) for p in block.paragraphs)


@FUZZ
@given(where=positions, snippet=st.sampled_from(ENTITY_SNIPPETS))
def test_broken_character_references(where, snippet, workdir, info):
    outcome(workdir / "source.txt", insert(LINES, *where, snippet), info)


@FUZZ
@given(where=positions, text=st.text(st.characters(codec="utf-8"), max_size=12))
def test_arbitrary_text_anywhere(where, text, workdir, info):
    outcome(workdir / "source.txt", insert(LINES, *where, text), info)


# -- encodings -----------------------------------------------------------------------------


def test_shift_jis_is_read_when_declared_and_refused_when_not(workdir, info):
    expected = parse(SOURCE)
    sjis = ORIGINAL.decode("utf-8").encode("cp932")
    assert outcome(workdir / "source.txt", sjis, info, encoding="cp932") == expected
    with pytest.raises(SourceError, match="not valid utf-8.*cp932"):
        parse(workdir / "source.txt")


def test_byte_order_marks_and_line_ends(workdir, info):
    expected = parse(SOURCE)
    text = ORIGINAL.decode("utf-8")
    assert outcome(workdir / "source.txt", b"\xef\xbb\xbf" + ORIGINAL, info) == expected
    assert outcome(workdir / "source.txt", text.replace("\n", "\r\n").encode("utf-8"), info) == expected
    # UTF-16 with its byte-order mark (Excel's "Unicode text") is read; without one it is not guessed.
    assert outcome(workdir / "source.txt", text.encode("utf-16"), info) == expected
    assert outcome(workdir / "source.txt", text.replace("\n", "\r\n").encode("utf-16"), info) == expected
    assert outcome(workdir / "source.txt", text.encode("utf-16-le"), info) is None


def quoted(cell: str) -> str:
    """A cell as Excel may write it: between double quotes, its own quotes doubled."""
    return '"' + cell.replace('"', '""') + '"'


@FUZZ
@given(
    trimmed=st.sets(st.sampled_from(TEXT_LINES)),
    quoted_cells=st.sets(st.tuples(st.sampled_from(TEXT_LINES), st.integers(0, 3))),
)
def test_trimmed_lines_and_quoted_cells_change_nothing(trimmed, quoted_cells, workdir, info):
    """Trailing whitespace trimmed and cells quoted as Excel does, anywhere: the very same plan, lines and all."""
    expected = parse(SOURCE)
    lines = list(LINES)
    for n in range(len(lines)):
        cells = lines[n].split("\t")
        for k in {k for m, k in quoted_cells if m == n and k < len(cells) and cells[k].strip()}:
            cells[k] = quoted(cells[k])
        lines[n] = "\t".join(cells).rstrip() if n in trimmed else "\t".join(cells)
    assert outcome(workdir / "source.txt", "\n".join(lines).encode("utf-8"), info) == expected


@FUZZ
@given(cut=st.integers(0, len(ORIGINAL) // 2), encoding=st.sampled_from(["cp932", "euc_jp", "latin-1", "utf-16"]))
def test_the_wrong_encoding_declared(cut, encoding, workdir, info):
    """Bytes in one encoding read as another: a clear error, or (latin-1 decodes anything) no plan of mojibake."""
    data = ORIGINAL[: len(ORIGINAL) - cut]
    assert outcome(workdir / "source.txt", data, info, encoding=encoding) is None


# -- a whole build ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Settings:
    """A build directory with a release already live, and a data folder to damage."""
    root = tmp_path_factory.mktemp("publish")
    shutil.copytree(REAL_PLAN, root / "data" / REAL_PLAN.name)
    settings = Settings(data_dir=root / "data", build_dir=root / "build")
    build.run(settings)
    return settings


def tree(path: Path) -> dict[str, int]:
    return {str(p.relative_to(path)): p.stat().st_size for p in sorted(path.rglob("*")) if p.is_file()}


@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    damage=st.one_of(
        st.integers(1, len(ORIGINAL) - 1).map(lambda cut: ORIGINAL[:cut]),
        st.tuples(positions, st.sampled_from(HTML_SNIPPETS + ENTITY_SNIPPETS + ["\t"])).map(
            lambda x: insert(LINES, *x[0], x[1])
        ),
    )
)
def test_a_damaged_source_never_half_publishes(damage, published):
    """Either the whole damaged plan is published, or nothing: the live release is untouched."""
    source = published.data_dir / REAL_PLAN.name / "source.txt"
    out = published.build_dir
    before = build.current_release(out)
    files_before = tree(before)
    source.write_bytes(damage)
    try:
        result = build.run(published)
    except (SourceError, build.BuildError):
        assert build.current_release(out) == before and tree(before) == files_before
        assert not list((out / build.RELEASES).glob(".staging-*"))
    else:
        assert build.current_release(out) == result.release != before
        assert {build.NQUADS, build.STATS_FILE} <= set(tree(result.release))
    finally:
        source.write_bytes(ORIGINAL)
