"""The message catalogue: every message id with its Japanese and English wording.

Read by :mod:`planlod.messages`. Each message says what was read, what was expected
and how to fix it, in words for a city's staff rather than for programmers. Parameters
are ``{name}``; the location (``file:line``) is put in front when the message is shown.
"""

from __future__ import annotations

CATALOGUE: dict[str, dict[str, str]] = {
    # A text not catalogued yet (PlanError("…")), shown as it is.
    "plain": {"ja": "{text}", "en": "{text}"},
    # -- reading the source file (planlod/source.py) ---------------------------------------------
    "source.not_decodable": {
        "ja": "ファイルを {encoding} として読めません({offset} バイト目に {byte})。"
        "UTF-8 で保存し直すか、Shift_JIS で書き出したファイルなら dataset.toml の [source] に "
        'encoding = "cp932" と書いてください。',
        "en": "the file is not valid {encoding} (byte {byte} at offset {offset}). Save it as UTF-8, or, "
        'for a Shift_JIS export, write encoding = "cp932" under [source] in dataset.toml.',
    },
    "source.nul": {
        "ja": "この行に NUL 文字(文字コード 0)があります。テキストファイルではないようです。"
        "表計算ソフトから「テキスト(タブ区切り)」で書き出し直してください。",
        "en": "the file contains NUL characters on this line: it does not look like a text file. "
        "Export the table again as tab-separated text.",
    },
    "source.control": {
        "ja": "この行に目に見えない制御文字 {code} があります。公開できない文字なので、その文字を消してください。",
        "en": "the line contains the control character {code}, which is invisible and cannot be published; remove it.",
    },
    "source.reference_no_character": {
        "ja": "文字参照 {reference} はテキストに使える文字を指していません。正しい文字参照にするか、消してください。",
        "en": "the character reference {reference} names no character that text can hold; correct it or remove it.",
    },
    "source.unknown_reference": {
        "ja": "文字参照 {reference} は HTML にありません(&amp; や &lt; などが使えます)。"
        "「&」そのものを書くときは &amp; と書いてください。",
        "en": "unknown character reference {reference} (HTML's, such as &amp; or &lt;, are allowed); "
        "write a plain '&' as &amp;.",
    },
    "source.unclosed_p": {
        "ja": "<p> が </p> で閉じられていません(「{text}」)。段落ごとに <p>…</p> で囲んでください。",
        "en": "an unclosed <p> ('{text}'): put each paragraph between <p> and </p>.",
    },
    "source.text_outside_p": {
        "ja": "<p>…</p> の外に文字があります(「{text}」)。"
        "<p> を使うセルでは、すべての文章を <p>…</p> で囲んでください。",
        "en": "text outside <p>…</p>: '{text}'. In a cell that uses <p>, put all of its text inside <p>…</p>.",
    },
    "source.markup": {
        "ja": "段落の中に HTML のタグのようなもの(「{text}」)があります。"
        "使えるのは <p>…</p> だけです。「<」「>」そのものは &lt; &gt; と書いてください。",
        "en": "unexpected markup inside a paragraph: '{text}'. Only <p>…</p> is allowed; "
        "write a plain '<' or '>' as &lt; or &gt;.",
    },
    "source.unclosed_quote": {
        "ja": 'この行で " (二重引用符)で始まったセルが閉じられていません(「{row}」)。'
        'Excel はセル内の改行や " を含むセルを " で囲みます。閉じる " を足すか、最初の " を消してください。',
        "en": "a cell opened with a double quote on this line is never closed ('{row}'). Excel quotes cells "
        'that hold line breaks or quotes; add the closing " or remove the opening one.',
    },
    "source.text_after_quote": {
        "ja": '" で囲まれたセルの閉じる " の後ろに文字があります(「{row}」)。セルの中の " は "" と二つ重ねて書きます。',
        "en": "text follows the closing double quote of a quoted cell ('{row}'). Inside a quoted cell, write \" "
        'as "".',
    },
    "source.tab_in_cell": {
        "ja": "この行の \" で始まるセルが {last}行目まで続き、その中にタブがあります(「{row}」)。"
        "\" が一つ余分なため、いくつもの行が一つのセルになっています。余分な \" を消してください。",
        "en": "a cell opened with a double quote on this line runs on to line {last} and holds a tab ('{row}'): a "
        'stray " has run several rows into one cell. Remove the stray ".',
    },
    # -- the structure of the source (planlod/ingest.py) -----------------------------------------
    "ingest.unknown_heading": {
        "ja": "見出し「{heading}」は読めません。使える見出しは「1 施策の概要」「2 取組の目標及び各主体が行うこと」"
        "と脚注「※1 用語」です。見出しを直すか、先頭の # を消してください。",
        "en": "unknown section header '{heading}': expected '1 施策の概要', '2 取組の目標及び各主体が行うこと' "
        "or a footnote '※N term'. Correct the heading or remove the # in front of it.",
    },
    "ingest.content_before_heading": {
        "ja": "最初の見出し「1 施策の概要」より前に内容があります(「{text}」)。"
        "ファイルは施策ごとに「1 施策の概要」から始めてください。",
        "en": "expected the section header '1 施策の概要' before any content, found '{text}'. "
        "Start each policy with the heading '1 施策の概要'.",
    },
    "ingest.no_policy": {
        "ja": "見出し「1 施策の概要」が一つもなく、施策がありません。表を書き出して貼り付けてください"
        "(まだ記入していない新しい計画なら、dataset.toml の [plan] に draft = true と書きます)。",
        "en": "no section '1 施策の概要' found: the file holds no policy. Paste the exported tables "
        "(a new, unfilled plan has draft = true under [plan] in dataset.toml).",
    },
    "ingest.section_before_overview": {
        "ja": "見出し「{heading}」の前に「1 施策の概要」がありません。施策ごとに「1 施策の概要」を先に置いてください。",
        "en": "expected '1 施策の概要' before the section '{heading}': each policy starts with its overview.",
    },
    "ingest.duplicate_notation": {
        "ja": "番号 {notation} が二度使われています({first}行目で使用済み)。どちらかの番号を直してください。",
        "en": "duplicate notation {notation} (first used at line {first}); correct one of the two.",
    },
    "ingest.chapter_renamed": {
        "ja": "第{chapter}章は {first}行目では「{title}」({division})ですが、ここでは「{found_title}」"
        "({found_division})です。同じ章の名前と区分をそろえてください。",
        "en": "chapter {chapter} is named '{title}' ({division}) at line {first}, but '{found_title}' "
        "({found_division}) here; give the chapter the same name and division in every policy.",
    },
    "ingest.chapter_repeated": {
        "ja": "第{chapter}章が、ほかの章のあとにもう一度出てきます。同じ章の施策はまとめて並べてください。",
        "en": "chapter {chapter} appears again after other chapters: keep each chapter's policies together.",
    },
    "ingest.chapter_order": {
        "ja": "第{chapter}章が第{previous}章のあとにあります。章は番号の順に並べてください。",
        "en": "chapter {chapter} comes after chapter {previous}: put the chapters in the order of their numbers.",
    },
    "ingest.policy_order": {
        "ja": "施策 {notation} の順番が違います。ここには施策 {expected} が来るはずです。"
        "施策は番号の順に並べてください。",
        "en": "policy {notation} is out of order: expected {expected} at this place. "
        "Put the policies in the order of their numbers.",
    },
    "ingest.no_detail_section": {
        "ja": "施策 {policy} に「2 取組の目標及び各主体が行うこと」の表がありません。表を書き出して足してください。",
        "en": "policy {policy} has no section '2 取組の目標及び各主体が行うこと'; add its table.",
    },
    "ingest.second_detail_section": {
        "ja": "施策 {policy} に「2 取組の目標及び各主体が行うこと」が二つあります。"
        "一つにまとめるか、その前に次の施策の「1 施策の概要」を置いてください。",
        "en": "policy {policy} has a second section '2 取組の目標及び各主体が行うこと': merge the two, "
        "or put the next policy's '1 施策の概要' before it.",
    },
    "ingest.notes_before_detail": {
        "ja": "施策 {policy} の脚注が「2 取組の目標及び各主体が行うこと」より前にあります。"
        "脚注は施策の最後に置いてください。",
        "en": "policy {policy} has footnotes before its section '2 取組の目標及び各主体が行うこと'; "
        "put the footnotes at the end of the policy.",
    },
    "ingest.too_many_cells": {
        "ja": "この行にはセルが {found} 個ありますが、この表の列は {expected} 列({columns})です。"
        "{expected} 列目より右にある「{extra}」を正しい列に移してください(余分なタブを消します)。",
        "en": "the row has {found} tab-separated cells, but the table has {expected} columns ({columns}). "
        "Move '{extra}', beyond column {expected}, into its column (remove the extra tab).",
    },
    "ingest.continuation_outside": {
        "ja": "番号のない行(「{text}」)は、「6 施策内の取組」か「7 分野別計画等」の続きにしか使えません。"
        "行の先頭に番号(1〜7)を入れるか、その行を 6 か 7 の下に移してください。",
        "en": "a row without a number ('{text}') may only continue 施策内の取組 (6) or 分野別計画等 (7). "
        "Give it its number (1-7), or move it below row 6 or 7.",
    },
    "ingest.continuation_label": {
        "ja": "番号のない続きの行の 2 列目(項目)に文字があります(「{text}」)。この列は読まれず、"
        "公開されません。内容は 3・4 列目に移してください。",
        "en": "a row without a number has text in its label cell: '{text}'. That cell is not read, so the "
        "text would not be published; move it to the third or fourth cell.",
    },
    "ingest.row_number": {
        "ja": "「1 施策の概要」の 1 列目は 1〜7 の番号か空欄のはずですが、「{found}」でした。番号を直してください。",
        "en": "expected a row number 1-7 (or nothing) in the first cell of '1 施策の概要', found '{found}'.",
    },
    "ingest.row_twice": {
        "ja": "行番号 {number} が二度あります({first}行目が最初)。どちらかを直すか消してください。",
        "en": "row {number} appears twice (first at line {first}); correct or remove one of them.",
    },
    "ingest.row_order": {
        "ja": "行番号 {number} が {previous} のあとにあります。1 から 7 の順に並べてください。",
        "en": "row {number} is out of order: it comes after row {previous}. Keep the rows in order, 1 to 7.",
    },
    "ingest.row_label": {
        "ja": "行 {number} の項目は「{expected}」のはずですが、「{found}」でした。"
        "項目名を「{expected}」に直してください。",
        "en": "row {number} is labelled '{found}', expected '{expected}'; correct the label.",
    },
    "ingest.missing_rows": {
        "ja": "{heading}行目からの「1 施策の概要」に、行 {rows} がありません。その行を足してください。",
        "en": "the '1 施策の概要' starting at line {heading} is missing row(s) {rows}; add them.",
    },
    "ingest.chapter_number": {
        "ja": "行 1 の 3 列目は章の番号(数字)のはずですが、「{found}」でした。",
        "en": "expected a chapter number in the third cell of row 1, found '{found}'.",
    },
    "ingest.policy_notation": {
        "ja": "行 2 の 3 列目は施策の番号「{chapter}-N」(例 {chapter}-1)のはずですが、「{found}」でした。",
        "en": "expected a policy notation '{chapter}-N' (e.g. {chapter}-1) in the third cell of row 2, "
        "found '{found}'.",
    },
    "ingest.empty_cell": {
        "ja": "{column} 列目の{what}が空です。書き入れてください。",
        "en": "{what} (cell {column}) is empty; fill it in.",
    },
    "ingest.empty_text": {
        "ja": "「{label}」の本文(3 列目)が空です。本文を書き入れてください。",
        "en": "the text of {label} (third cell) is empty; fill it in.",
    },
    "ingest.fourth_cell": {
        "ja": "「{label}」の 4 列目に文字があります(「{text}」)。本文は 3 列目だけに書いてください。",
        "en": "unexpected text in the fourth cell of {label}: '{text}'. Its text goes in the third cell only.",
    },
    "ingest.listed_incomplete": {
        "ja": "「施策内の取組」の行には、3 列目に取組の番号、4 列目に取組名が必要です"
        "(番号「{notation}」、取組名「{title}」)。",
        "en": "a row of 施策内の取組 needs the initiative's notation in the third cell and its title in the "
        "fourth (found '{notation}' and '{title}').",
    },
    "ingest.no_initiatives": {
        "ja": "施策 {policy} の「6 施策内の取組」に取組がありません。取組の番号と名前を書き入れてください。",
        "en": "policy {policy} lists no initiatives under 施策内の取組 (row 6); list them.",
    },
    "ingest.initiative_order": {
        "ja": "取組 {found} の順番が違います。ここには {expected} が来るはずです。番号を直すか並べ替えてください。",
        "en": "initiative {found} is out of order: expected {expected} at this place.",
    },
    "ingest.sector_plan_name": {
        "ja": "「分野別計画等」の 3 列目に計画の名前がありません(4 列目は「{text}」)。名前を書き入れてください。",
        "en": "expected the name of a 分野別計画等 in the third cell (the fourth holds '{text}').",
    },
    "ingest.continuation_without_initiative": {
        "ja": "1 列目(取組)が空の行(「{text}」)は取組の続きのはずですが、その前に取組がありません。"
        "1 列目に ①… と取組名を書いてください。",
        "en": "a row with an empty 取組 cell ('{text}') must continue an initiative, but none is open; "
        "start the initiative with ① and its title in the first cell.",
    },
    "ingest.listed_without_block": {
        "ja": "取組 {notation} はここに載っていますが、「2 取組の目標及び各主体が行うこと」にその取組の行がありません。"
        "表に足すか、ここから消してください。",
        "en": "initiative {notation} is listed here but has no detail block in '2 取組の目標及び各主体が行うこと'; "
        "add its rows or remove it from the list.",
    },
    "ingest.initiative_number": {
        "ja": "取組の行は丸数字(①、②…)と取組名で始まるはずですが、「{found}」でした。",
        "en": "expected an initiative starting with a circled number (①, ②, …), found '{found}'.",
    },
    "ingest.block_order": {
        "ja": "取組 {found} の順番が違います。ここには {expected} が来るはずです。",
        "en": "initiative {found} is out of order: expected {expected} here.",
    },
    "ingest.block_not_listed": {
        "ja": "取組 {found} は施策 {policy} の「施策内の取組」に載っていません。"
        "一覧に足すか、この取組を消してください。",
        "en": "initiative {found} is not listed in 施策内の取組 of policy {policy}; list it or remove it.",
    },
    "ingest.block_title": {
        "ja": "取組 {found} の名前は「{title}」ですが、{line_listed}行目の一覧では {notation}「{listed}」です。"
        "どちらかに合わせてください。",
        "en": "initiative {found} is titled '{title}', but {notation} is listed as '{listed}' at line "
        "{line_listed}; make the two the same.",
    },
    "ingest.marker_at": {
        "ja": "《{label}》({line}行目)",
        "en": "《{label}》 (line {line})",
    },
    "ingest.no_markers": {"ja": "なし", "en": "none"},
    "ingest.unmarked_text": {
        "ja": "取組 {notation} の「{column}」の文章「{text}」の前に、それが誰のものか示す《…》がありません"
        "(この列にある《…》: {found})。文章と同じセルの先頭か、すぐ上のセルに、抜けている《…》を入れてください。",
        "en": "the text '{text}' in {column} of {notation} has no 《…》 marker of its own (markers in this "
        "column: {found}). Put the missing marker at the start of its cell, or alone in the cell just above it.",
    },
    "ingest.missing_marker": {
        "ja": "取組 {notation} の「{column}」に《{label}》がありません(この列にある《…》: {found})。"
        "《{label}》を入れてください(書くことがなくても《{label}》だけは必要です)。",
        "en": "initiative {notation} has no 《{label}》 in {column} (markers in this column: {found}). "
        "Add 《{label}》 (it is needed even when nothing follows it).",
    },
    "ingest.unknown_marker": {
        "ja": "「{column}」の《{label}》は使えません。使えるのは {expected} です。",
        "en": "unknown marker 《{label}》 in {column}: expected {expected}.",
    },
    "ingest.marker_twice": {
        "ja": "「{column}」に《{label}》が二度あります({first}行目が最初)。一つにしてください。",
        "en": "marker 《{label}》 appears twice in {column} (first at line {first}); keep one.",
    },
    "ingest.marker_inside_cell": {
        "ja": "「{column}」の一つのセルの途中に《{label}》があります。《…》はセルの先頭に置き、"
        "主体ごとにセル(行)を分けてください。",
        "en": "the marker 《{label}》 stands inside a cell of {column}: each marker begins a cell of its own, "
        "one row per marker.",
    },
    "ingest.marker_without_text": {
        "ja": "取組 {notation} の《{label}》に文章がありません。同じセルか、すぐ下のセルに文章を書いてください。",
        "en": "《{label}》 of {notation} has no text; write it in the same cell or in the cell just below.",
    },
    "ingest.footnote_order": {
        "ja": "脚注 ※{number} の番号が違います。ここは ※{expected} のはずです"
        "(施策 {policy} の脚注の番号は、施策ごとに ※1 から振り直します)。",
        "en": "footnote ※{number} of policy {policy} is out of order: expected ※{expected} "
        "(numbering restarts at ※1 in every policy).",
    },
    "ingest.footnote_table_row": {
        "ja": "脚注 ※{number} {label} の説明のはずの行に、表の行(タブ区切り)があります。"
        "脚注の説明はタブを使わずに書くか、表の行を脚注の前に移してください。",
        "en": "expected the definition of ※{number} {label}, found a table row (tab-separated); write the "
        "definition without tabs, or move the row before the footnotes.",
    },
    "ingest.footnote_empty": {
        "ja": "脚注 ※{number} {label} に説明がありません。見出しの次の行に説明を書いてください。",
        "en": "footnote ※{number} {label} has no definition; write it on the lines after the heading.",
    },
    # -- a plan folder's dataset.toml (planlod/dataset.py) ---------------------------------------
    "dataset.not_found": {
        "ja": "dataset.toml がありません。計画のフォルダには必ず dataset.toml が必要です"
        "(planlod new-plan で作ったフォルダの中の見本を使えます)。",
        "en": "not found: every plan folder needs a dataset.toml (planlod new-plan writes one to start from).",
    },
    "dataset.not_utf8": {
        "ja": "dataset.toml を UTF-8 として読めません。メモ帳などで文字コードを UTF-8 にして保存し直してください。",
        "en": "dataset.toml is not valid UTF-8; save it again as UTF-8.",
    },
    "dataset.not_toml": {
        "ja": "dataset.toml の書き方が TOML の決まりに合いません({detail})。"
        '文字列を " で囲み忘れていないか、[ ] や = が抜けていないかを確かめてください。',
        "en": 'dataset.toml is not valid TOML ({detail}). Check that every text is in double quotes (") '
        "and that no [ ] or = is missing.",
    },
    "dataset.missing_key": {
        "ja": "[{table}] に {key} がありません。[{table}] の下に {key} = … の行を足してください。",
        "en": "missing [{table}] {key}: add a line {key} = … under [{table}].",
    },
    "dataset.wrong_type": {
        "ja": "[{table}] の {key} は{expected}で書きますが、{value} と書かれています。例: {example}",
        "en": "[{table}] {key} is written as {expected}, but it reads {value}. For example: {example}",
    },
    "dataset.empty_value": {
        "ja": "[{table}] の {key} が空です。値を書き入れてください。",
        "en": "[{table}] {key} is empty; fill it in.",
    },
    "dataset.code_format": {
        "ja": "[municipality] の code「{value}」は 6 桁の全国地方公共団体コードではありません。"
        "総務省のコード表にある 6 桁(検査数字を含む)を書いてください。",
        "en": "[municipality] code '{value}' is not a six-digit local government code; write the six digits "
        "(with the check digit) from the list of the Ministry of Internal Affairs and Communications.",
    },
    "dataset.check_digit": {
        "ja": "[municipality] の code「{value}」は最後の検査数字が違います({digit} ではなく {expected})。"
        "前の 5 桁が正しければ、コードは {corrected} です。総務省のコード表で確かめてください。",
        "en": "[municipality] code '{value}' has a wrong check digit: {expected}, not {digit}. If the first five "
        "digits are right, the code is {corrected}; check it against the ministry's list.",
    },
    "dataset.plan_id": {
        "ja": "[plan] の id「{value}」は使えません。IRI の一部になるので、半角の小文字・数字・「-」だけで"
        "書いてください(例 5th)。",
        "en": "[plan] id '{value}' must be lowercase letters, digits and '-' (it is part of every IRI), e.g. 5th.",
    },
    "dataset.wikidata": {
        "ja": "[municipality] の wikidata「{value}」は Wikidata の項目ではありません。Q で始まる項目の番号"
        '(例 "Q42")を書いてください。',
        "en": "[municipality] wikidata '{value}' is not a Wikidata item: write its Q number, e.g. \"Q42\".",
    },
    "dataset.licence": {
        "ja": "[publication] の license「{value}」は使えません。{choices} のどれか(公共データ利用規約 第1.0版は"
        "PDL-1.0)か、ライセンスの IRI(http(s))を書いてください。",
        "en": "[publication] license '{value}' is not one of {choices} (PDL-1.0 is the Public Data License 1.0) "
        "nor the IRI (http(s)) of a licence.",
    },
    "dataset.iri_scheme": {
        "ja": "[{table}] の {key}「{value}」はリンクとして公開できません。{allowed}で書いてください。",
        "en": "[{table}] {key} '{value}' cannot be published as a link: write {allowed}.",
    },
    "dataset.source_outside": {
        "ja": "[source] の file「{value}」は計画のフォルダ({folder})の外を指しています。"
        '原資料はこのフォルダの中に置き、file = "source.txt" のようにフォルダの中の名前で書いてください'
        "(「..」、/ で始まる絶対パス、外を指すリンクは使えません)。",
        "en": "[source] file '{value}' points outside the plan folder ({folder}). Put the source in the folder "
        'and name it from there, e.g. file = "source.txt" (no "..", no absolute path, no link out of it).',
    },
    "dataset.folder_code": {
        "ja": "フォルダ名「{folder}」はコード {named} の計画ですが、dataset.toml の code は {value} です。"
        "コードかフォルダ名のどちらかを直してください(別の市のフォルダを写したときに起こります)。",
        "en": "the folder '{folder}' is named after code {named}, but its dataset.toml says code {value}; "
        "correct the code or rename the folder (this happens when another city's folder is copied).",
    },
    "dataset.code_names_differ": {
        "ja": "コード {code} の {key} が「{value}」になっていますが、{other_file} では同じコードが「{other}」です。"
        "一つのコードは一つの自治体です。コードが正しいか確かめ、名前をそろえてください。",
        "en": "code {code} has {key} '{value}' here, but '{other}' in {other_file}: one code is one "
        "municipality. Check the code, and give it the same names in both.",
    },
    "dataset.duplicate_plan": {
        "ja": "計画 {plan} が二つのフォルダにあります(もう一つは {other_file})。"
        "どちらかの [plan] id を変えるか、フォルダを一つにしてください。",
        "en": "plan {plan} is in two folders (the other is {other_file}); give one of them another [plan] id, "
        "or keep one folder.",
    },
    "term.type_str": {"ja": '文字列(" で囲む)', "en": 'text (in double quotes ")'},
    "term.type_str.example": {"ja": '{key} = "{value}"', "en": '{key} = "{value}"'},
    "term.type_int": {"ja": "整数", "en": "a whole number"},
    "term.type_int.example": {"ja": "{key} = 5", "en": "{key} = 5"},
    "term.type_bool": {"ja": "true か false", "en": "true or false"},
    "term.type_bool.example": {"ja": "{key} = true", "en": "{key} = true"},
    "term.type_float": {"ja": "数", "en": "a number"},
    "term.type_float.example": {"ja": "{key} = 2.5", "en": "{key} = 2.5"},
    "term.env_bool": {
        "ja": "1 か 0(true/false、yes/no、on/off でも可)",
        "en": "1 or 0 (or true/false, yes/no, on/off)",
    },
    "term.type_date": {"ja": "日付(年-月-日)", "en": "a date (year-month-day)"},
    "term.type_date.example": {"ja": "{key} = 2020-04-01", "en": "{key} = 2020-04-01"},
    "term.web": {"ja": "http:// か https:// で始まるアドレス", "en": "an address starting with http:// or https://"},
    "term.web_or_mail": {
        "ja": "http:// か https:// で始まるアドレス、または mailto: で始まるメールアドレス",
        "en": "an address starting with http:// or https://, or an e-mail address starting with mailto:",
    },
    # -- planlod new-plan (planlod/scaffold.py) --------------------------------------------------
    "scaffold.code_format": {
        "ja": "--lgcode「{value}」は 6 桁の全国地方公共団体コードではありません。"
        "総務省のコード表にある 6 桁(検査数字を含む)を指定してください(例 271004)。",
        "en": "--lgcode '{value}' is not a six-digit local government code; give the six digits with the check "
        "digit, as in the ministry's list (e.g. 271004).",
    },
    "scaffold.check_digit": {
        "ja": "--lgcode「{value}」は最後の検査数字が違います({digit} ではなく {expected})。"
        "前の 5 桁が正しければ、コードは {corrected} です。",
        "en": "--lgcode '{value}' has a wrong check digit: {expected}, not {digit}. If the first five digits "
        "are right, the code is {corrected}.",
    },
    "scaffold.prefecture": {
        "ja": "--lgcode「{value}」の最初の 2 桁 {prefecture} は都道府県の番号(01〜47)ではありません。",
        "en": "--lgcode '{value}' does not start with a prefecture number (01-47), but with {prefecture}.",
    },
    "scaffold.plan_id": {
        "ja": "--plan「{value}」は使えません。IRI の一部になるので、半角の小文字・数字・「-」だけで書いてください"
        "(例 1st、6th)。",
        "en": "--plan '{value}' must be lowercase letters, digits and '-' (it is part of every IRI), e.g. 1st.",
    },
    "scaffold.names": {
        "ja": "--name-ja(日本語の名前)と --name-en(英語の名前)の両方が必要です。",
        "en": "both --name-ja (the name in Japanese) and --name-en (in English) are needed.",
    },
    "scaffold.plan_exists": {
        "ja": "このフォルダにはもう計画 {plan} があります。上書きはしません。別の --plan を指定するか、"
        "このフォルダを使ってください。",
        "en": "this folder already holds plan {plan}, and it is never overwritten: give another --plan, or use it.",
    },
    "scaffold.already_site": {
        "ja": "このフォルダはもうサイトです({file} があります)。",
        "en": "this folder is already a site ({file}).",
    },
    "scaffold.not_empty": {
        "ja": "このフォルダはサイトではなく({file} がここにも上のフォルダにもありません)、空でもありません。"
        "空のフォルダで planlod new-plan … を実行してサイトを作るか、--site で新しいフォルダを指定してください。",
        "en": "this folder is not a planlod site ({file} not found here or above) and not empty: run "
        "`planlod new-plan …` in an empty folder to make a site there, or pass `--site NEWDIR`.",
    },
    "scaffold.folder_exists": {
        "ja": "このフォルダはもうあります。上書きはしません。名前を変えるか、中身を確かめてください。",
        "en": "the folder already exists, and it is never overwritten: rename it or look at what it holds.",
    },
    # -- the site (planlod/site.py) -------------------------------------------------------------
    "site.not_a_site": {
        "ja": "{folder} にも、その上のフォルダにも {file} がないので、planlod のサイトではありません。"
        "空のフォルダで planlod new-plan --lgcode … --name-ja … --name-en … を実行してサイトを作るか、"
        "planlod --site フォルダ … でサイトを指定してください。",
        "en": "no {file} in {folder} or any folder above it, so this is not a planlod site: make a site with "
        "`planlod new-plan --lgcode … --name-ja … --name-en …` in an empty folder, or point at one with "
        "`planlod --site DIR …`.",
    },
    "site.not_utf8": {
        "ja": "planlod.toml を UTF-8 として読めません。メモ帳などで文字コードを UTF-8 にして保存し直してください。",
        "en": "planlod.toml is not valid UTF-8; save it again as UTF-8.",
    },
    "site.not_toml": {
        "ja": "planlod.toml の書き方が TOML の決まりに合いません({detail})。"
        '文字列を " で囲み忘れていないか、[ ] や = が抜けていないかを確かめてください。',
        "en": 'planlod.toml is not valid TOML ({detail}). Check that every text is in double quotes (") '
        "and that no [ ] or = is missing.",
    },
    "site.unknown_table": {
        "ja": "planlod.toml の [{table}] という表は使えません。使える表は {known} です。"
        "名前のつづりを直すか、その表を消してください。",
        "en": "planlod.toml has a table [{table}], which planlod does not know; the tables are {known}. "
        "Correct its name or remove it.",
    },
    "site.not_a_table": {
        "ja": "planlod.toml の {table} は [{table}] という表として書きます({table} = … ではありません)。"
        "[{table}] の行を書き、その下に設定を一行ずつ書いてください。",
        "en": "in planlod.toml, {table} is a table: write a line [{table}] with its settings below it, "
        "not {table} = ….",
    },
    "site.unknown_key": {
        "ja": "planlod.toml の [{table}] に {key} という設定はありません。[{table}] で使えるのは {known} です。"
        "つづりを直すか、その行を消してください。",
        "en": "planlod.toml's [{table}] has no setting {key}; those of [{table}] are {known}. "
        "Correct the name or remove the line.",
    },
    "site.wrong_type": {
        "ja": "planlod.toml の [{table}] の {key} は{expected}で書きますが、{value} と書かれています。例: {example}",
        "en": "planlod.toml's [{table}] {key} is written as {expected}, but it reads {value}. For example: {example}",
    },
    # -- settings (planlod/config.py) ------------------------------------------------------------
    "config.env_value": {
        "ja": "環境変数 {variable} は{expected}で指定しますが、「{value}」になっています。"
        "例: {variable}={example}。値を直すか、変数を消してください(消すと planlod.toml か既定の値になります)。",
        "en": "the environment variable {variable} is set to '{value}', but it takes {expected}, e.g. "
        "{variable}={example}. Correct it, or unset it to use planlod.toml's value or the default.",
    },
    "config.base_iri": {
        "ja": "IRI の基点(base_iri)「{value}」は使えません。https:// などで始まり「/」で終わるアドレスにしてください"
        "(例 https://w3id.org/jp-cityplan/)。planlod.toml の [site] の base_iri、環境変数 PLANLOD_BASE_IRI、"
        "または --base-iri で直せます。",
        "en": "the base IRI (base_iri) '{value}' cannot be used: it must be a full address ending with '/', "
        "such as https://w3id.org/jp-cityplan/. Set it in planlod.toml ([site] base_iri), PLANLOD_BASE_IRI "
        "or --base-iri.",
    },
    "config.public_url": {
        "ja": "公開 URL(public_url)「{value}」は使えません。"
        "http:// か https:// で始まり「/」で終わるアドレスにしてください(例 https://example.org/)。"
        "planlod.toml の [site] の public_url、環境変数 {variable}、"
        "または --public-url で直せます。",
        "en": "the public URL (public_url) '{value}' cannot be used: it must be an http(s) address ending with '/', "
        "e.g. https://example.org/. Correct public_url under [site] in planlod.toml, {variable}, or --public-url.",
    },
    "config.shacl_engine": {
        "ja": "検査エンジン(shacl_engine)「{value}」はありません。使えるのは {engines} です。"
        "planlod.toml の [settings] の {name} か、環境変数 {variable} を直してください。",
        "en": "there is no SHACL engine '{value}' (shacl_engine); the engines are {engines}. Correct {name} "
        "under [settings] in planlod.toml, or {variable}.",
    },
    "config.positive": {
        "ja": "設定 {name} は 0 より大きい数にしますが、{value} になっています。"
        "planlod.toml の [settings] の {name} か、環境変数 {variable} を直してください。",
        "en": "the setting {name} must be more than 0, but it is {value}. Correct {name} under [settings] in "
        "planlod.toml, or {variable}.",
    },
    "config.at_least": {
        "ja": "設定 {name} は {minimum} 以上にしますが、{value} になっています。"
        "planlod.toml の [settings] の {name} か、環境変数 {variable} を直してください。",
        "en": "the setting {name} must be {minimum} or more, but it is {value}. Correct {name} under [settings] "
        "in planlod.toml, or {variable}.",
    },
    "config.query_workers": {
        "ja": "設定 {name} は {minimum} 以上にしますが、{value} になっています(短い問い合わせのために一つは"
        "いつも空けておくためです)。planlod.toml の [settings] の {name} か、環境変数 {variable} を直してください。",
        "en": "the setting {name} must be {minimum} or more (one worker is always kept for short queries), but "
        "it is {value}. Correct {name} under [settings] in planlod.toml, or {variable}.",
    },
    "config.query_memory": {
        "ja": "設定 {name} は {minimum} 以上にしますが、{value} になっています(問い合わせの処理は起動だけで"
        "それだけのメモリ(MiB)を使います)。planlod.toml の [settings] の {name} か、環境変数 {variable} を"
        "直してください。",
        "en": "the setting {name} must be {minimum} or more, but it is {value}: a query worker needs that many "
        "MiB just to start. Correct {name} under [settings] in planlod.toml, or {variable}.",
    },
    # -- a build (planlod/build.py) --------------------------------------------------------------
    "build.no_plans": {
        "ja": "このフォルダに計画のフォルダ(dataset.toml のあるフォルダ)がありません。"
        "planlod new-plan で作るか、--data-dir でフォルダを指定してください。",
        "en": "no plan folder (with dataset.toml) under this folder: make one with planlod new-plan, or name "
        "the folder with --data-dir.",
    },
    "build.violations": {
        "ja": "検査で違反が {count} 件見つかったので、何も公開していません(前回の公開内容はそのままです)。"
        "次の内容を直して、もう一度 planlod build を実行してください。\n{summary}",
        "en": "validation found {count} violation(s); nothing was published (the last release stays live). "
        "Fix these and run planlod build again:\n{summary}",
    },
    "build.locked": {
        "ja": "別の planlod build がこのフォルダに書き込み中です。終わるのを待ってから実行してください。",
        "en": "another build is writing to this folder; wait for it to finish.",
    },
    "reason.java_missing": {
        "ja": "矛盾の検査(OWL 推論、{reasoner})には Java が必要ですが、{java} が見つかりません。"
        "Java をインストールする(例 apt-get install default-jre-headless)か、--no-reasoner を付けて"
        "この検査を省いて実行してください。",
        "en": "the OWL reasoner ({reasoner}) needs Java and `{java}` was not found: install a Java runtime "
        "(e.g. apt-get install default-jre-headless) or pass --no-reasoner",
    },
    # -- what a long command is doing (the progress bar of planlod/cli.py) -----------------------
    "progress.build": {"ja": "公開データの作成", "en": "build"},
    "progress.validate": {"ja": "検査", "en": "validate"},
    "progress.parse": {"ja": "{plan} を読み込み中", "en": "parse {plan}"},
    "progress.vocabulary": {"ja": "共通の語彙を準備中", "en": "shared vocabulary"},
    "progress.plan": {"ja": "{plan} を読み込み・検査中", "en": "plan {plan}"},
    "progress.reasoner": {"ja": "矛盾を検査中(OWL 推論)", "en": "OWL reasoner"},
    "progress.load": {"ja": "データベースに登録中", "en": "load the store"},
    "progress.write": {"ja": "{file} を書き出し中", "en": "write {file}"},
    "progress.unchanged": {
        "ja": "変更がないので、公開中のデータをそのまま使います",
        "en": "unchanged: the live release stays",
    },
    "progress.changes": {"ja": "前回からの変更を記録中", "en": "record the changes"},
    "progress.publish": {"ja": "公開中", "en": "publish"},
    "progress.validate_plans": {"ja": "計画を検査中", "en": "validate plans"},
    # -- a plan's link review file (planlod/linking.py) -------------------------------------------
    "link.not_toml": {
        "ja": "リンクの確認ファイルの書き方が TOML の決まりに合いません({detail})。"
        '文字列を " で囲み忘れていないか、[[link]] や = が抜けていないかを確かめてください。',
        "en": 'the link review file is not valid TOML ({detail}). Check that every text is in double quotes (") '
        "and that no [[link]] or = is missing.",
    },
    "link.relation_status": {
        "ja": "{n} 番目のリンク([[link]])の relation「{relation}」か status「{status}」が使えません。"
        "relation は closeMatch か relatedMatch、status は suggested(未確認)・accepted(採用)・rejected(不採用)の"
        "どれかで書いてください(別の市の取組を owl:sameAs で同じものとすることはできません)。",
        "en": "link {n} ([[link]]) has relation '{relation}' or status '{status}', which cannot be used: write "
        "relation as closeMatch or relatedMatch, and status as suggested, accepted or rejected (never owl:sameAs "
        "between different cities' initiatives).",
    },
    "link.from_to": {
        "ja": "{n} 番目のリンク([[link]])に from(この計画の取組の記号、例 7-1-2)か to(相手の取組の IRI)が"
        "ありません。両方を書くか、このリンクを消して planlod link をもう一度実行してください。",
        "en": "link {n} ([[link]]) needs from (a notation of this plan, e.g. 7-1-2) and to (the other "
        "initiative's IRI): write both, or remove the link and run planlod link again.",
    },
    # -- findings of the checks (planlod/findings.py) ---------------------------------------------
    "finding.line": {"ja": "{severity}: {message}(対象 {focus})", "en": "{severity}: {message} ({focus})"},
    "finding.severity.Violation": {"ja": "違反", "en": "Violation"},
    "finding.severity.Warning": {"ja": "警告", "en": "Warning"},
    "finding.severity.Info": {"ja": "注記", "en": "Info"},
    "finding.more": {"ja": "… ほか {count} 件", "en": "… and {count} more"},
    # -- what build, validate and new-plan print (planlod/cli.py) --------------------------------
    "cli.error": {"ja": "エラー", "en": "Error"},
    "cli.no_build": {
        "ja": "{folder} にまだ公開したデータがありません。先に planlod build を実行してください。",
        "en": "no build in {folder}: run `planlod build` first.",
    },
    "cli.published": {"ja": "公開しました: {release}", "en": "published {release}"},
    "cli.unchanged": {
        "ja": "変更がないため、公開中の版をそのまま残しました: {release}",
        "en": "nothing changed; the live release stays: {release}",
    },
    "cli.build_columns": {
        "ja": "計画\t施策\t取組\t各主体の取組\t分野別計画\t用語",
        "en": "plan\tpolicies\tinitiatives\tcommitments\tsector plans\tglossary terms",
    },
    "cli.more_plans": {"ja": "… ほか {count} 計画", "en": "… {count} more"},
    "cli.more_findings": {
        "ja": "… ほか {count} 件(planlod validate で全部を表示)",
        "en": "… {count} more (planlod validate lists them all)",
    },
    "cli.all_plans": {"ja": "全 {count} 計画", "en": "all {count} plans"},
    "cli.build_summary": {
        "ja": "{quads} 個の四つ組。検査: 適合、警告・注記 {warnings} 件。OWL: {owl}",
        "en": "{quads} quads; validation: conforms, {warnings} warning(s)/note(s); OWL: {owl}",
    },
    "cli.owl_checked": {"ja": "矛盾なし(HermiT)", "en": "consistent (HermiT)"},
    "cli.owl_skipped": {"ja": "検査していません(--no-reasoner)", "en": "not checked (--no-reasoner)"},
    "cli.report_columns": {
        "ja": "品質検査\t重大度\t場所\t対象\tパス\tメッセージ",
        "en": "Quality gate\tseverity\twhere\tfocus node\tpath\tmessage",
    },
    "cli.verdict_conforms": {"ja": "適合", "en": "conforms"},
    "cli.verdict_violations": {"ja": "違反 {count} 件", "en": "{count} violation(s)"},
    "cli.validate_summary": {
        "ja": "検査: {verdict}。所見は全部で {findings} 件。OWL の無矛盾性: {owl}",
        "en": "validation: {verdict}; {findings} finding(s) in all; OWL consistency {owl}",
    },
    "cli.building_first": {
        "ja": "まだ公開したデータがないので、先に planlod build を実行します。",
        "en": "no build yet: building first",
    },
    "cli.link_no_plan": {
        "ja": "--from の計画 {plan} は {folder} にありません。272116/5th のように「団体コード/計画」で書きます。"
        "ある計画: {known}",
        "en": "there is no plan {plan} (--from) under {folder}; write it as code/plan, e.g. 272116/5th. "
        "The plans are: {known}",
    },
    "cli.link_no_initiatives": {
        "ja": "公開したデータに --to の計画 {plan} の取組がありません。両方の計画を同じ planlod build で作ってから、"
        "もう一度実行してください。",
        "en": "the build has no initiatives of {plan} (--to): build both plans together with planlod build, "
        "then run this again.",
    },
    "cli.link_review": {
        "ja": "{file}: 確認待ちのリンク候補 {open} 件、判断済み {kept} 件。"
        "ファイルを開き、各候補の status を accepted(採用)か rejected(不採用)にしてください。",
        "en": "{file}: {open} suggestion(s) to review, {kept} decision(s) kept. Open the file and set each "
        "suggestion's status to accepted or rejected.",
    },
    "cli.owl_checked_short": {"ja": "検査済み(HermiT)", "en": "checked (HermiT)"},
    "cli.created_site": {
        "ja": "サイト {folder} を作りました({file}、data/、README.md)。",
        "en": "created the site {folder} ({file}, data/, README.md)",
    },
    "cli.created": {
        "ja": "{folder} を作りました。source.txt に表を書き出し(書き方はそのフォルダの source-format.md と "
        "README.md)、planlod build を実行してください。",
        "en": "created {folder}: fill source.txt (see source-format.md and README.md there), then run `planlod build`.",
    },
    # -- pieces of messages ----------------------------------------------------------------------
    "term.chapter_title": {"ja": "章の名前", "en": "the chapter title"},
    "term.division": {"ja": "区分", "en": "the chapter's division"},
    "term.policy_title": {"ja": "施策の名前", "en": "the policy title"},
}
