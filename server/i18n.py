"""Interface language: Japanese first, English on request (``?lang=``, Accept-Language, the switch)."""

from __future__ import annotations

from flask import g, request
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

LANGS = ("ja", "en")
DEFAULT_LANG = "ja"

STRINGS: dict[str, tuple[str, str]] = {
    # key: (ja, en)
    "home": ("ホーム", "Home"),
    "search": ("検索", "Search"),
    "search_placeholder": ("本文を検索(例:協働)", "Search the Japanese texts (e.g. 協働)"),
    "search_results": ("検索結果", "Search results"),
    "no_results": ("見つかりませんでした。", "Nothing found."),
    "glossary": ("用語解説", "Glossary"),
    "sector_plans": ("分野別計画等", "Sector plans"),
    "matrix": ("主体別の取組", "Actors × initiatives"),
    "sparql": ("SPARQL", "SPARQL"),
    "catalog": ("データカタログ", "Data catalogue"),
    "downloads": ("ダウンロード", "Downloads"),
    "structure": ("計画の構成", "Structure of the plan"),
    "plans": ("計画", "Plans"),
    "notation": ("番号", "Notation"),
    "type": ("種類", "Type"),
    "texts": ("本文", "Texts"),
    "commitments": ("各主体が行うこと", "What each actor will do"),
    "actor": ("主体", "Actor"),
    "statement": ("行うこと", "Commitment"),
    "no_commitment": ("(記載なし)", "(nothing stated)"),
    "initiatives": ("施策内の取組", "Initiatives"),
    "policies": ("施策", "Policies"),
    "chapters": ("章", "Chapters"),
    "properties": ("その他の記述", "Other statements"),
    "incoming": ("この資源を参照しているもの", "What points here"),
    "incoming_truncated": (
        "一部のみ表示しています。すべてはSPARQLで取得できます。",
        "Only some are listed; query SPARQL for all of them.",
    ),
    "provenance": ("出典", "Source"),
    "source_lines": ("原資料の行", "Source lines"),
    "formats": ("このページのデータ", "This page as data"),
    "sdg_suggestions": ("SDGsとの対応(提案)", "SDG alignment (suggestions)"),
    # {municipality}: the plan's own municipality; the plan's note on the SDGs (dataset.toml) follows.
    "sdg_disclaimer": (
        "これは本ツールがキーワード照合で機械的に導いた提案であり、{municipality}が示したSDGsの位置付けではありません。",
        "These are suggestions derived by this tool through keyword matching, not {municipality}'s SDG positioning.",
    ),
    "reason": ("理由", "Reason"),
    "goal": ("目標", "Goal"),
    "terms_used": ("本文中の用語", "Terms used in the text"),
    "used_in": ("この用語を使っている箇所", "Where this term is used"),
    "defined_in": ("解説のある施策", "Explained in"),
    "language": ("English", "日本語"),
    "not_found": ("見つかりません", "Not found"),
    "not_found_help": (
        "この識別子のデータはありません。番号の誤りがないか確かめるか、検索してください。",
        "There is no data for this identifier. Check the notation, or search.",
    ),
    "not_acceptable": ("この形式では提供していません", "Not available in that format"),
    "available_formats": ("提供している形式", "Available formats"),
    "error": ("エラー", "Error"),
    "query": ("クエリ", "Query"),
    "run": ("実行", "Run"),
    "examples": ("例", "Examples"),
    "results": ("結果", "Results"),
    "results_format": ("結果の形式", "Result format"),
    "rows": ("件", "rows"),
    "rows_total": ("{total} 件", "{total} rows"),
    "rows_shown": ("({first}〜{last} 件目を表示)", "(showing {first}–{last})"),
    "full_answer": ("すべての結果", "The whole answer"),
    # What the footer says: about the page's plan (server/notices.py, from its dataset.toml), or where to look.
    "published_by": ("「{title}」のデータの公開者:{publisher}", "Data of “{title}” published by {publisher}."),
    "source_scope": ("原資料の範囲:{scope}", "Scope of the source: {scope}"),
    "plan_notices_elsewhere": (
        "各計画のデータの公開者と権利(市町村の公式な公開物かどうか)は、計画ごとのページとデータカタログに示しています。",
        "Who publishes each plan's data and its rights (whether it is the municipality's official publication) "
        "are shown on each plan's pages and in the data catalogue.",
    ),
    "operated_by": ("このサイトの運営:{operator}", "This site is run by {operator}."),
    "contact": ("問い合わせ先", "Contact"),
    "synthetic": ("合成データ(実在しない計画)", "Synthetic data (not a real plan)"),
    "city_word": ("計画の本文(市の記述)", "The plan's text (the city's word)"),
    "derived": ("本ツールによる導出", "Derived by this tool"),
    "graph": ("グラフ", "Graph"),
    "triples": ("トリプル", "triples"),
    "term": ("用語", "Term"),
    "definition": ("解説", "Definition"),
    "plan": ("計画", "Plan"),
    "policy": ("施策", "Policy"),
    "description": ("説明", "Description"),
    "name": ("名称", "Name"),
    "skip": ("本文へ移動", "Skip to content"),
    "breadcrumbs": ("パンくずリスト", "Breadcrumbs"),
    "main_nav": ("メインメニュー", "Main menu"),
    "quality": ("データ品質", "Data quality"),
    "api": ("研究用API", "Research API"),
    "matches": ("他の計画との対応", "Links to other plans"),
    "match_outgoing": ("この計画が示す対応", "stated by this plan"),
    "match_incoming": ("相手の計画が示す対応", "stated by the other plan"),
    "compare": ("並べて比較", "Compare side by side"),
    "plans_hosted": ("公開している計画", "Plans published here"),
    "draft": ("作成中", "draft"),
    "draft_empty": ("この計画はまだ本文が入っていません(作成中)。", "This plan has no text yet (a draft)."),
    "api_intro": (
        "queries/ のクエリ一つひとつが API の操作です。パラメータは RDF の項として安全に束縛されます。",
        "Each query of queries/ is an API operation. Parameters are bound safely as RDF terms.",
    ),
    "parameters": ("パラメータ", "Parameters"),
    "required": ("必須", "required"),
    "try_it": ("試す", "Try it"),
    "next_page": ("次のページ", "Next page"),
    "previous_page": ("前のページ", "Previous page"),
}


def choose_lang() -> str:
    """``?lang=`` wins, then the remembered switch (cookie), then Accept-Language; else Japanese."""
    for asked in (request.args.get("lang", ""), request.cookies.get("lang", "")):
        if asked in LANGS:
            return asked
    header = request.headers.get("Accept-Language", "")
    if header:
        best = parse_accept_header(header, LanguageAccept).best_match(LANGS)
        if best:
            return best
    return DEFAULT_LANG


def lang() -> str:
    if "lang" not in g:
        g.lang = choose_lang()
    return g.lang


def gettext(key: str) -> str:
    ja, en = STRINGS[key]
    return ja if lang() == "ja" else en


def pick(labels: dict[str, str], fallback: str = "") -> str:
    """The best label for the interface language: that language, then Japanese, then any."""
    return labels.get(lang()) or labels.get("ja") or labels.get("") or next(iter(labels.values()), fallback)
