"""The parser on the real source: counts, every quirk of the export, and malformed input."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from planlod.config import ROOT
from planlod.ingest import circled_number, parse
from planlod.model import Actor
from planlod.source import SourceError

SOURCE = ROOT / "data" / "272116-ibaraki-5th" / "source.txt"


def initiative(plan, notation):
    return next(i for i in plan.initiatives if i.notation == notation)


def policy(plan, notation):
    return next(p for p in plan.policies if p.notation == notation)


# -- what the source holds ------------------------------------------------------------


def test_counts_match_the_source(plan):
    assert len(plan.chapters) == 1
    assert len(plan.policies) == 7
    assert [len(p.initiatives) for p in plan.policies] == [3, 7, 2, 3, 2, 2, 4]
    assert len(plan.initiatives) == 23
    assert len(plan.glossary) == 11
    assert len(plan.sector_plans) == 13


def test_every_non_empty_commitment_cell_is_a_commitment(plan, source_lines):
    # Count independently: a marker paragraph followed by text in the same cell, or
    # (policy 7-2 ⑦) a bare marker cell whose text sits in the next row.
    expected = 0
    for n, line in enumerate(source_lines):
        cells = line.split("\t")
        if len(cells) != 3:
            continue
        cell = cells[2]
        if re.fullmatch(r"<p>《(市|市民|事業者・団体)》</p>\s*<p>.+</p>", cell):
            expected += 1
        elif re.fullmatch(r"《(市|市民|事業者・団体)》", cell):
            following = source_lines[n + 1].split("\t") if n + 1 < len(source_lines) else []
            if len(following) == 3 and following[2].strip() and not following[2].startswith("《"):
                expected += 1
    assert expected == 50
    assert len(plan.commitments) == expected


def test_chapter_is_read_from_every_policy_overview(plan):
    chapter = plan.chapters[0]
    assert chapter.notation == "7"
    assert chapter.title == "まちづくりを進めるための基盤"
    assert chapter.division == "まちづくりを支える基盤"
    assert [s.first for s in chapter.spans] == [8, 40, 126, 152, 180, 208, 235]


def test_policy_texts_and_spans(plan):
    p = policy(plan, "7-1")
    assert p.title == "まちの魅力を市内外に発信する"
    assert p.necessity.value.startswith("市民の市への誇りと愛着を高めるとともに")
    assert p.direction.value.endswith("魅力の創造にも努めます。")
    assert (p.necessity.span.first, p.direction.span.first) == (11, 12)
    assert p.span.first == 6 and p.span.last == 36


# -- quirks of the export -------------------------------------------------------------


def test_stray_spaces_inside_cells_are_layout(plan):
    # `①戦略的な シティプロ モーションの 構築と展開` in section 2 matches the overview title.
    assert initiative(plan, "7-1-1").title == "戦略的なシティプロモーションの構築と展開"
    # `施策の 必要性` is recognised as the necessity row (the policy has its necessity).
    assert policy(plan, "7-1").necessity.paragraphs
    # A space after 。 inside a paragraph (line 265) is layout as well.
    assert "ています。市内大学とのプラットフォーム会議" in initiative(plan, "7-7-4").situation.value


def test_spaces_between_latin_words_are_kept():
    from planlod.source import remove_layout_spaces

    assert remove_layout_spaces("Society 5.0 の 推進") == "Society 5.0の推進"


def test_header_rows_repeated_mid_table(plan):
    # Policy 7-2 repeats the 取組 header before every initiative; all seven are read.
    assert [i.position for i in policy(plan, "7-2").initiatives] == [1, 2, 3, 4, 5, 6, 7]


def test_footnote_glossaries_both_forms_and_restarting_numbers(plan):
    numbers = {p.notation: [t.number for t in p.glossary] for p in plan.policies}
    assert numbers == {
        "7-1": [1],
        "7-2": [1, 2, 3, 4, 5, 6, 7],
        "7-3": [],
        "7-4": [],
        "7-5": [1],
        "7-6": [1],
        "7-7": [1],
    }
    # 7-7's footnote has no `##` in front of it.
    term = policy(plan, "7-7").glossary[0]
    assert term.label == "プラットフォームビルダー"
    assert term.definition.value.startswith("各種団体や大学など")
    assert term.span.first == 269


def test_entities_are_unescaped(plan):
    term = policy(plan, "7-2").glossary[1]
    assert term.label == "ビルド&スクラップ"
    assert "ビルド&スクラップ※2" in initiative(plan, "7-2-3").commitments[0].text.value


def test_markers_and_texts_in_separate_cells(plan):
    # Policy 7-2 ⑦: 《現状と課題》 and 《市》 stand alone; their texts are on the next row.
    i = initiative(plan, "7-2-7")
    assert i.situation.value.startswith("ICT利活用は社会的課題解決の鍵となるため")
    assert i.goal.value.startswith("情報システム全体の最適化により")
    assert [c.actor for c in i.commitments] == [Actor.CITY]
    assert i.commitments[0].text.value.startswith("「次なる茨木のためのICTビジョン」に基づき")
    assert (i.span.first, i.span.last) == (88, 91)


def test_empty_commitment_cells_make_no_commitment(plan):
    # 7-2 has 《市民》 and 《事業者・団体》 cells with no text for every initiative.
    for i in policy(plan, "7-2").initiatives:
        assert [c.actor for c in i.commitments] == [Actor.CITY]
    assert [c.actor for c in initiative(plan, "7-7-2").commitments] == [Actor.CITY, Actor.CITIZENS]


def test_sector_plan_descriptions_wrapping_onto_the_next_row(plan):
    (sp,) = policy(plan, "7-3").sector_plans
    assert sp.name == "人材育成基本方針"
    assert sp.description.value.startswith("地域社会の発展に貢献できる職員をめざした")
    assert (sp.span.first, sp.span.last) == (133, 134)
    (sp,) = policy(plan, "7-7").sector_plans
    assert sp.name == "いばらき協働基本指針・計画"
    assert sp.description.value.startswith("市民活動団体との協働を推進するための")


def test_empty_sdg_cells_assert_nothing(plan):
    assert all(p.sdg_positioning is None for p in plan.policies)


def test_multi_paragraph_cells_keep_their_paragraphs(plan):
    goal = initiative(plan, "7-2-4").goal
    assert len(goal.paragraphs) == 2
    assert goal.value == "\n".join(goal.paragraphs)
    assert len(initiative(plan, "7-5-2").commitments[0].text.paragraphs) == 2


def test_circled_numbers():
    assert [circled_number(c) for c in "①⑦⑳㉑㊿"] == [1, 7, 20, 21, 50]
    assert circled_number("1") is None


# -- malformed sources ----------------------------------------------------------------


def parse_edited(data_copy, edit):
    data_dir = data_copy(edit)
    return parse(data_dir / "272116-ibaraki-5th" / "source.txt")


def error_of(data_copy, edit) -> SourceError:
    with pytest.raises(SourceError) as caught:
        parse_edited(data_copy, edit)
    return caught.value


def replace_line(n, text):
    def edit(lines):
        lines[n - 1] = text
        return lines

    return edit


def change_line(n, change):
    def edit(lines):
        lines[n - 1] = change(lines[n - 1])
        return lines

    return edit


def test_truncated_row(data_copy):
    # The row of initiative ② lost everything after its title: its texts have no markers now.
    error = error_of(data_copy, replace_line(27, "②魅力発信 力の強化"))
    assert (error.message.id, error.line) == ("ingest.missing_marker", 27)
    assert "source.txt:27" in str(error)
    assert error.message.params["label"] == "現状と課題"


def test_truncated_overview_row(data_copy):
    error = error_of(data_copy, replace_line(11, "4\t施策の 必要性"))
    assert (error.message.id, error.line) == ("ingest.empty_text", 11)


def test_a_row_with_more_cells_than_the_table_names_the_extra_cell(data_copy):
    error = error_of(data_copy, change_line(27, lambda line: line + "\t余分"))
    assert (error.message.id, error.line) == ("ingest.too_many_cells", 27)
    assert error.message.params["extra"] == "余分"
    assert "余分" in error.render("en") and "余分" in error.render("ja")


def test_truncated_file_ends_inside_a_paragraph(data_copy):
    def cut(lines):
        lines = lines[:266]
        lines[-1] = lines[-1][:60]
        return lines

    error = error_of(data_copy, cut)
    assert error.line == 266


def test_unknown_section_header(data_copy):
    error = error_of(data_copy, replace_line(21, "## 3 評価指標"))
    assert (error.message.id, error.line) == ("ingest.unknown_heading", 21)
    assert "'## 3 評価指標'" in error.render("en") and "「## 3 評価指標」" in error.render("ja")


def test_unknown_overview_row_label(data_copy):
    error = error_of(data_copy, replace_line(12, "5\t施策の目的\t<p>x</p>\t"))
    assert (error.message.id, error.line) == ("ingest.row_label", 12)
    assert "row 5 is labelled '施策の目的', expected '施策の方向性'" in error.render("en")


def test_duplicate_notation(data_copy):
    error = error_of(data_copy, replace_line(15, "\t\t7-1-2\t魅力の発掘と創造"))
    assert error.line == 15 and "duplicate notation 7-1-2 (first used at line 14)" in error.render("en")


def test_duplicate_policy_notation(data_copy):
    title = "社会の変化に対応する効率的・効果的な自治体運営を推進する"
    error = error_of(data_copy, replace_line(41, f"2\t施策\t7-1\t{title}"))
    assert error.line == 41 and "duplicate notation 7-1 (first used at line 9)" in error.render("en")


def test_out_of_order_notation(data_copy):
    error = error_of(data_copy, replace_line(14, "\t\t7-1-4\t魅力発信力の強化"))
    assert error.line == 14 and "out of order: expected 7-1-2" in error.render("en")


def test_out_of_order_initiative_block(data_copy):
    error = error_of(data_copy, change_line(27, lambda line: line.replace("②", "③", 1)))
    assert error.line == 27 and "out of order: expected ② here" in error.render("en")


def test_initiative_without_its_detail_block(data_copy):
    # Drop the whole block of ③ (lines 30-32) of policy 7-1.
    error = error_of(data_copy, lambda lines: lines[:29] + lines[32:])
    assert error.line == 15
    assert "initiative 7-1-3 is listed here but has no detail block" in error.render("en")


def test_detail_block_without_a_listed_initiative(data_copy):
    def extra(lines):
        return lines[:32] + ["④余計な取組\t<p>《現状と課題》</p> <p>a</p>\t<p>《市》</p> <p>b</p>"] + lines[32:]

    error = error_of(data_copy, extra)
    assert error.line == 33 and "not listed in 施策内の取組 of policy 7-1" in error.render("en")


def test_missing_goal_text(data_copy):
    citizen_only = "\t\t<p>《市民》</p> <p>市民レベルでのシティプロモーションを行います。</p>"
    error = error_of(data_copy, replace_line(25, citizen_only))
    assert (error.message.id, error.line) == ("ingest.missing_marker", 24)
    assert "initiative 7-1-1 has no 《目標》 in 現状と課題及び目標" in error.render("en")


def test_unknown_actor_marker(data_copy):
    error = error_of(data_copy, replace_line(26, "\t\t<p>《大学》</p> <p>x</p>"))
    assert error.line == 26 and "unknown marker 《大学》" in error.render("en")


def test_footnotes_out_of_order(data_copy):
    error = error_of(data_copy, replace_line(97, "## ※3 ビルド&amp;スクラップ"))
    assert error.line == 97 and "expected ※2 (numbering restarts at ※1 in every policy)" in error.render("en")


def test_markup_in_a_paragraph_is_refused(data_copy):
    error = error_of(data_copy, replace_line(36, "<script>alert(1)</script>"))
    assert error.line == 36 and "unexpected markup" in error.render("en")


def test_unknown_entity_is_refused(data_copy):
    error = error_of(data_copy, replace_line(97, "## ※2 ビルド&bogus;スクラップ"))
    assert error.line == 97 and "unknown character reference &bogus;" in error.render("en")


def test_not_utf8_names_the_fix(data_copy, tmp_path):
    data_dir = data_copy()
    source = data_dir / "272116-ibaraki-5th" / "source.txt"
    source.write_bytes(source.read_text(encoding="utf-8").encode("cp932"))
    with pytest.raises(SourceError) as caught:
        parse(source)
    assert "not valid utf-8" in caught.value.render("en") and "cp932" in caught.value.render("en")
    # …and the declared encoding reads it correctly.
    assert len(parse(source, encoding="cp932").initiatives) == 23


def test_byte_order_mark_and_crlf_are_accepted(data_copy):
    data_dir = data_copy()
    source = data_dir / "272116-ibaraki-5th" / "source.txt"
    text = source.read_text(encoding="utf-8")
    source.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    again = parse(source)
    assert len(again.initiatives) == 23
    assert again.initiatives[0].title == "戦略的なシティプロモーションの構築と展開"


def test_empty_file(tmp_path):
    empty = tmp_path / "source.txt"
    empty.write_text("\n \n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        parse(empty)
    assert caught.value.message.id == "ingest.no_policy"


@pytest.mark.parametrize("excel", [False, True], ids=["tab-separated", "excel-row"])
def test_the_documented_example_parses(tmp_path, excel):
    from planlod.scaffold import GUIDE

    doc = GUIDE.read_text(encoding="utf-8")
    blocks = doc.split("## 小さな例 / A small example", 1)[1].split("```")
    example, excel_row = blocks[1].strip("\n"), blocks[3].strip("\n")
    if excel:  # the guide's Excel form of the first row of the initiative
        lines = example.split("\n")
        at = next(n for n, line in enumerate(lines) if line.startswith("①"))
        example = "\n".join([*lines[:at], excel_row, *lines[at + 1 :]])
    source = tmp_path / "source.txt"
    source.write_text(example, encoding="utf-8")
    plan = parse(source)
    assert [p.notation for p in plan.policies] == ["7-1"]
    initiative = plan.initiatives[0]
    assert initiative.title == "魅力発信力の強化"
    assert [c.actor for c in initiative.commitments] == [Actor.CITY, Actor.CITIZENS]
    assert plan.glossary[0].label == "情報発信"


def test_an_empty_source_is_an_error_unless_the_plan_is_a_draft(tmp_path):
    empty = tmp_path / "source.txt"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        parse(empty)
    assert "draft = true" in caught.value.render("en") and "draft = true" in caught.value.render("ja")
    assert parse(empty, draft=True).chapters == ()


# -- attribution: a text is published for a marker only when the marker stands before it ----------

FIXTURE_SOURCE = Path(__file__).parent / "fixtures" / "999997-fictional-1st" / "source.txt"
MARKER_TEXT = re.compile(r"(<p>)?《[^》]+》(</p>\s*)?")


def section_two_markers(source: Path) -> list[tuple[int, int, re.Match]]:
    """Every 《…》 in the two right-hand columns of section 2, found by reading the file as it is."""
    found = []
    in_section_two = False
    for number, line in enumerate(source.read_text(encoding="utf-8").split("\n"), start=1):
        if "\t" not in line and line.strip():
            in_section_two = "取組の目標及び各主体が行うこと" in line
            continue
        cells = line.split("\t")
        if in_section_two and len(cells) > 1:
            start = len(cells[0]) + 1
            for m in MARKER_TEXT.finditer(line, start):
                found.append((number, m.start(), m))
    return found


def removals():
    for source in (SOURCE, FIXTURE_SOURCE):
        for number, _, m in section_two_markers(source):
            marker = re.search(r"《[^》]+》", m.group(0)).group(0)
            whole = m.group(0)
            styles = {"marker": (m.start() + whole.index(marker), len(marker))}
            if m.group(1):  # `<p>《市民》</p> `: the whole paragraph, as the edit did
                styles["paragraph"] = (m.start(), len(whole))
            for style, (at, length) in styles.items():
                yield pytest.param(source, number, at, length, id=f"{source.parent.name}:{number}:{marker}:{style}")


def test_the_scan_finds_every_marker_of_both_sources(plan):
    # Five markers per initiative (《現状と課題》《目標》《市》《市民》《事業者・団体》), in both sources.
    fixture = parse(FIXTURE_SOURCE)
    assert len(section_two_markers(SOURCE)) == 5 * len(plan.initiatives) == 115
    assert len(section_two_markers(FIXTURE_SOURCE)) == 5 * len(fixture.initiatives) > 0


@pytest.mark.parametrize(("source", "number", "at", "length"), list(removals()))
def test_removing_any_marker_is_an_error_never_another_attribution(tmp_path, source, number, at, length):
    lines = source.read_text(encoding="utf-8").split("\n")
    line = lines[number - 1]
    removed = line[at : at + length]
    lines[number - 1] = line[:at] + line[at + length :]
    damaged = tmp_path / "source.txt"
    damaged.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        parse(damaged)
    error = caught.value
    assert error.message.id in ("ingest.unmarked_text", "ingest.missing_marker"), error.render("en")
    # The message names the line of the initiative's block and the markers still there, not the lost one.
    block = next(i for i in parse(source).initiatives if i.span.first <= number <= i.span.last)
    assert block.span.first <= error.line <= block.span.last
    lost = re.search(r"《([^》]+)》", removed).group(1)
    found = [p.params["label"] for p in error.message.params["found"] if p.id == "ingest.marker_at"]
    column = ("現状と課題", "目標") if lost in ("現状と課題", "目標") else ("市", "市民", "事業者・団体")
    assert found == [label for label in column if label != lost]


def test_the_citizens_text_is_never_the_citys_commitment(data_copy):
    # The edit: `<p>《市民》</p> ` deleted from the second commitment row of 7-1-1 (line 25).
    # Before, the citizens' sentence was published as the city's commitment and the build passed.
    error = error_of(data_copy, change_line(25, lambda line: line.replace("<p>《市民》</p> ", "", 1)))
    assert (error.message.id, error.line) == ("ingest.unmarked_text", 25)
    assert "《市》 (line 24), 《事業者・団体》 (line 26)" in error.render("en")
    assert "《市》(24行目)、《事業者・団体》(26行目)" in error.render("ja")


def test_a_bare_marker_takes_one_cell_below_it_not_two(data_copy):
    # Policy 7-2 ⑦ (lines 88-91): 《市》 alone, its text on line 89. A second unmarked text below that
    # (here: 《市民》 of line 90 lost, and a text put in its place) belongs to nobody.
    def edit(lines):
        lines[89] = lines[89].replace("《市民》", "市民の文章です。")
        return lines

    error = error_of(data_copy, edit)
    assert (error.message.id, error.line) == ("ingest.unmarked_text", 90)


def test_two_markers_in_one_cell_are_an_error(data_copy):
    # A lost second marker of such a cell could not be seen, so a cell holds one marker.
    def edit(lines):
        lines[23] = lines[23].replace("</p>\t<p>《市》</p>", "</p>\t<p>《市》</p> <p>a</p> <p>《市民》</p>", 1)
        return lines

    error = error_of(data_copy, edit)
    assert (error.message.id, error.line) == ("ingest.marker_inside_cell", 24)


# -- the format as people write it: trimmed lines, Excel's quoted cells, other encodings -----------


def every_text(plan) -> list:
    """What the plan says, without where: titles and every text block's paragraphs."""
    said = []
    for p in plan.policies:
        said += [p.title, p.necessity.paragraphs, p.direction.paragraphs]
        said += [(s.name, s.description and s.description.paragraphs) for s in p.sector_plans]
        said += [(t.label, t.definition.paragraphs) for t in p.glossary]
        for i in p.initiatives:
            said += [i.title, i.situation.paragraphs, i.goal.paragraphs]
            said += [(c.actor, c.text.paragraphs) for c in i.commitments]
    return said


def test_an_editor_trimming_trailing_whitespace_changes_nothing(plan, tmp_path):
    # Before, every row whose last cell is empty failed: "expected 4 tab-separated cells, found 3".
    trimmed = tmp_path / "source.txt"
    trimmed.write_text("\n".join(line.rstrip() for line in SOURCE.read_text(encoding="utf-8").split("\n")))
    again = parse(trimmed)
    assert again == plan  # the same texts, the same line numbers


def excel_cell(cell: str) -> str:
    """A cell as Excel's text export writes it: paragraphs on lines of their own, quoted when needed."""
    paras = [html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", cell)] if "<p>" in cell else [cell]
    value = "\n".join(paras)
    return f'"{value.replace(chr(34), chr(34) * 2)}"' if "\n" in value or '"' in value else value


def excel_export(text: str) -> str:
    return "\n".join("\t".join(excel_cell(c) for c in line.split("\t")) for line in text.split("\n"))


def assert_cited_lines_hold_the_text(plan, written: str) -> None:
    """Every text block's paragraphs are on the physical lines its span cites (as #line=a,b will)."""
    lines = written.split("\n")
    for text in texts_of(plan):
        cited = re.sub(r"\s+", "", "".join(lines[text.span.first - 1 : text.span.last]))
        for paragraph in text.paragraphs:
            assert re.sub(r"\s+", "", paragraph).replace('"', '""') in cited.replace('"', '""'), text.span


def texts_of(plan) -> list:
    found = []
    for p in plan.policies:
        found += [p.necessity, p.direction, *(t.definition for t in p.glossary)]
        for i in p.initiatives:
            found += [i.situation, i.goal, *(c.text for c in i.commitments)]
    return found


def test_excel_quoted_cells_with_line_breaks_read_as_paragraphs(plan, tmp_path):
    # Excel writes a cell holding line breaks between double quotes; before, every such row failed.
    written = excel_export(SOURCE.read_text(encoding="utf-8"))
    assert written.count("\n") > SOURCE.read_text(encoding="utf-8").count("\n")  # cells span lines
    source = tmp_path / "source.txt"
    source.write_text(written, encoding="utf-8")
    again = parse(source)
    assert every_text(again) == every_text(plan)
    assert_cited_lines_hold_the_text(again, written)
    # Line numbers are those of the file as written: the last footnote is on its last line.
    assert again.line_count == written.count("\n") + 1 == again.glossary[-1].span.last


def test_a_rectangular_sheet_with_empty_cells_up_to_the_widest_row_reads_alike(plan, tmp_path):
    # Excel writes every row of a sheet as wide as its widest: headings and footnotes get trailing tabs too.
    lines = SOURCE.read_text(encoding="utf-8").split("\n")
    width = max(line.count("\t") for line in lines)
    source = tmp_path / "source.txt"
    source.write_text("\n".join(line + "\t" * (width - line.count("\t")) for line in lines), encoding="utf-8")
    assert parse(source) == plan


def test_doubled_quotes_inside_a_quoted_cell_are_one_quote(plan, tmp_path):
    vision = "次なる茨木のためのICTビジョン"
    text = SOURCE.read_text(encoding="utf-8").replace(f"「{vision}」", f'"{vision}"')
    source = tmp_path / "source.txt"
    source.write_text(excel_export(text), encoding="utf-8")
    commitment = initiative(parse(source), "7-2-7").commitments[0]
    assert commitment.text.value.startswith(f'"{vision}"に基づき')


@pytest.mark.parametrize(
    ("encoding", "declared", "prefix", "newline"),
    [
        ("utf-8", "utf-8", b"", "\r\n"),
        ("utf-8", "utf-8", b"\xef\xbb\xbf", "\r\n"),
        ("cp932", "cp932", b"", "\r\n"),
        ("utf-16-le", "utf-8", b"\xff\xfe", "\r\n"),  # Excel's "Unicode text": UTF-16 with its byte-order mark
    ],
)
def test_excel_exports_in_every_encoding_read_alike(plan, tmp_path, encoding, declared, prefix, newline):
    written = excel_export(SOURCE.read_text(encoding="utf-8"))
    source = tmp_path / "source.txt"
    source.write_bytes(prefix + written.replace("\n", newline).encode(encoding))
    again = parse(source, declared)
    assert every_text(again) == every_text(plan)
    assert_cited_lines_hold_the_text(again, written)


def test_a_stray_quote_never_runs_rows_together(data_copy):
    # A quote opening line 24's second cell and one closing a cell of line 26: csv would read lines 24-26
    # as one cell and publish them as one text of 7-1-1.
    def edit(lines):
        lines[23] = lines[23].replace("\t<p>", '\t"<p>', 1)
        lines[25] += '"'
        return lines

    error = error_of(data_copy, edit)
    assert (error.message.id, error.line) == ("source.tab_in_cell", 24)
    assert error.message.params["last"] == 26


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda line: line.replace("\t<p>", '\t"<p>', 1), "source.unclosed_quote"),
        (lambda line: line.replace("\t<p>", '\t"x"<p>', 1), "source.text_after_quote"),
    ],
)
def test_a_broken_quote_names_the_row_where_the_cell_began(data_copy, damage, message):
    error = error_of(data_copy, change_line(24, damage))
    assert (error.message.id, error.line) == (message, 24)
