// The query page's editor: YASGUI (vendored in vendor/yasgui/) over the plain form.
// Without JavaScript the form posts to /sparql and the server answers with an HTML table; with it,
// this script puts YASGUI in the form's place: highlighting, the data's prefixes and terms completed,
// results as a table, raw and as downloads, and a link that reopens the query and its results.
// Everything it needs comes from this server (the page's Content-Security-Policy allows no other).
"use strict";

const config = JSON.parse(document.getElementById("query-config").textContent);

// YASGUI's own words are English and not configurable; these are shown in Japanese on the
// Japanese page. Text nodes, titles, labels and placeholders are translated as YASGUI draws them.
const JA = {
  "Query": "クエリ",
  "Table": "表",
  "Response": "応答(生データ)",
  "Run query": "クエリを実行",
  "Share query": "クエリを共有",
  "Download result": "結果をダウンロード",
  "Download Results": "結果をダウンロード",
  "Download not supported": "この形式はダウンロードできません",
  "Show all": "すべて表示",
  "Page size:": "1ページの件数:",
  "Simple view": "簡易表示",
  "Ellipse": "省略表示",
  "Close tab": "タブを閉じる",
  "Add tab": "タブを追加",
  "Add a new tab": "タブを追加",
  "Clear endpoint": "エンドポイントを消去",
  "Search or add an endpoint": "エンドポイント",
  "Filter query results": "結果を絞り込む",
  "Copy to clipboard": "クリップボードにコピー",
  "Shorten": "短縮",
  "Fullscreen": "全画面",
  "Open documentation": "説明を開く",
  "Rename tab": "タブの名前を変更",
  "Copy tab": "タブを複製",
  "Close other tabs": "ほかのタブを閉じる",
  "Reopen tab": "タブを開き直す",
  "Close all tabs": "すべてのタブを閉じる",
  "Show all prefixes": "すべての接頭辞を表示",
  "Chart": "グラフ",
  "Boolean": "真偽値",
  "Error": "エラー",
  "Open settings": "設定を開く",
  "Query editor": "クエリエディター",
  "Endpoint": "エンドポイント",
  "Rows per page": "1ページの件数",
  "Row": "行",
  "All": "すべて",
};
const PATTERNS = [
  // The results header ("23 results in 0.1 seconds") and DataTables' counts.
  [/^(\d[\d,]*) results? in ([\d.]+) seconds?$/, (m) => `${m[1]} 件(${m[2]} 秒)`],
  [/^(\d[\d,]*) results?$/, (m) => `${m[1]} 件`],
];

function translated(text) {
  const trimmed = text.trim();
  if (!trimmed) return null;
  if (Object.hasOwn(JA, trimmed)) return text.replace(trimmed, JA[trimmed]);
  for (const [pattern, render] of PATTERNS) {
    const m = trimmed.match(pattern);
    if (m) return text.replace(trimmed, render(m));
  }
  return null;
}

function translate(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement && node.parentElement.closest(".CodeMirror-code, .yasr_results td, pre")) continue;
    const text = translated(node.nodeValue);
    if (text !== null) node.nodeValue = text;
  }
  const elements = root.querySelectorAll ? [root, ...root.querySelectorAll("[title], [aria-label], [placeholder]")] : [];
  for (const element of elements) {
    for (const attribute of ["title", "aria-label", "placeholder"]) {
      const value = element.getAttribute && element.getAttribute(attribute);
      const text = value && translated(value);
      if (text) element.setAttribute(attribute, text);
    }
  }
}

// Links in the results lead to this server's pages: the data's IRIs are served here, and any other
// IRI through /browse, never to a site the page cannot vouch for (or reach, offline).
function localLinks(root) {
  const anchors = root.querySelectorAll ? root.querySelectorAll(".yasr_results a[href]") : [];
  for (const a of anchors) {
    const href = a.getAttribute("href");
    if (!/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith(location.origin)) continue;
    a.setAttribute("href", "/browse?iri=" + encodeURIComponent(href));
    a.removeAttribute("target");
  }
}

// What YASGUI leaves unnamed for assistive technology, and its documentation links (to a site
// this page cannot reach offline), fixed as it draws them.
function accessible(root) {
  const all = (selector) => (root.matches && root.matches(selector) ? [root] : []).concat(
    root.querySelectorAll ? [...root.querySelectorAll(selector)] : []);
  const name = (selector, label) => all(selector).forEach((e) => e.hasAttribute("aria-label") || e.setAttribute("aria-label", label));
  name(".CodeMirror textarea", "Query editor");
  name("input.autocomplete", "Endpoint");
  name("select.tableSizer", "Rows per page");
  // CodeMirror takes its scroller out of the tab order; the keyboard must reach it (axe: scrollable-region-focusable).
  for (const scroll of all(".CodeMirror-scroll")) if (scroll.getAttribute("tabindex") !== "0") scroll.setAttribute("tabindex", "0");
  for (const th of all(".yasr_results th.dt-orderable-none")) if (!th.textContent.trim()) th.textContent = "#";
  for (const help of all("a.yasr_external_ref_btn, a[href^='https://docs.triply.cc']")) help.remove();
}

function watch(root, lang) {
  const fix = (node) => {
    if (!node || node.nodeType !== Node.ELEMENT_NODE) return;
    localLinks(node);
    accessible(node);
    if (lang === "ja") translate(node);
  };
  fix(root);
  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      if (mutation.type === "characterData" && lang === "ja") {
        const text = translated(mutation.target.nodeValue);
        if (text !== null) mutation.target.nodeValue = text;
      }
      for (const node of mutation.addedNodes) fix(node.nodeType === Node.TEXT_NODE ? node.parentNode : node);
      if (mutation.type === "attributes") fix(mutation.target);
    }
  }).observe(root, { childList: true, subtree: true, characterData: true, attributes: true,
                     attributeFilter: ["title", "aria-label", "placeholder", "href"] });
}

// DataTables' words for the results table, in the page's language.
const TABLE_LANGUAGE = {
  ja: {
    info: "全 _TOTAL_ 件中 _START_ – _END_ 件", infoEmpty: "0 件", infoFiltered: "(全 _MAX_ 件から絞り込み)",
    emptyTable: "結果はありません", zeroRecords: "一致する結果はありません", search: "絞り込み:",
    lengthMenu: "_MENU_ 件ずつ表示",
    paginate: { first: "&lt;&lt;", last: "&gt;&gt;", next: "&gt;", previous: "&lt;" },
  },
  en: {
    info: "_START_ – _END_ of _TOTAL_ rows", infoEmpty: "0 rows", infoFiltered: "(of _MAX_ rows)",
    emptyTable: "No results", zeroRecords: "No matching rows", search: "Filter:",
    lengthMenu: "_MENU_ rows per page",
    paginate: { first: "&lt;&lt;", last: "&gt;&gt;", next: "&gt;", previous: "&lt;" },
  },
};

// Completion from this data, not from prefix.cc or LOV on the network (which the page may not reach).
function localCompleters(Yasqe) {
  const prefixes = Yasqe.Autocompleters.prefixes;
  prefixes.get = () => Promise.resolve(Object.entries(config.prefixes).map(([p, ns]) => `${p}: <${ns}>`).sort());
  for (const [name, terms] of [["property", config.properties], ["class", config.classes]]) {
    const completer = Yasqe.Autocompleters[name];
    completer.get = (yasqe, token) => {
      const start = (token && token.autocompletionString) || "";
      return Promise.resolve(terms.filter((iri) => iri.startsWith(start)));
    };
  }
}

function startEditor() {
  const Yasgui = window.Yasgui;
  const host = document.getElementById("yasgui");
  const form = document.getElementById("query-form");
  const textarea = document.getElementById("query");
  localCompleters(Yasgui.Yasqe);
  Yasgui.Yasr.plugins.table.defaults.tableConfig.language = TABLE_LANGUAGE[config.lang];
  const endpoint = new URL(config.endpoint, location.href).href;
  // Shown before YASGUI starts: CodeMirror measures its lines and draws nothing in a hidden element.
  form.hidden = true;
  // The server's own answer (its table or its error) is for pages without JavaScript; YASGUI shows its own.
  for (const answer of document.querySelectorAll("#results, .error[role=alert]")) answer.hidden = true;
  host.hidden = false;
  const yasgui = new Yasgui(host, {
    // Tabs live in the URL (the share link), not in the browser's storage: a link always
    // opens what it says, and nothing left over from an older release shows up.
    persistenceId: null,
    tabName: config.lang === "ja" ? "クエリ" : "Query",
    requestConfig: { endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint }], keys: ["endpoint"] },
    // A shared link (#query=…) or /sparql?query=… opens its query and runs it. Such a link names an
    // endpoint, but this page only ever queries its own; the page's own parameters are not the query's.
    populateFromUrl: (tab) => ({
      ...tab,
      requestConfig: {
        ...tab.requestConfig,
        endpoint,
        args: (tab.requestConfig.args || []).filter((arg) => !["format", "output", "lang"].includes(arg.name)),
      },
    }),
    yasqe: { value: textarea.value, resizeable: true, editorHeight: "320px" },
    yasr: {
      prefixes: config.prefixes,
    },
  });
  window.planlodYasgui = yasgui; // for the browser tests and for people at the console
  watch(host, config.lang);
  // The example list: a link that runs the example without JavaScript; here it opens in the editor.
  for (const link of document.querySelectorAll("a.example")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      const template = document.getElementById(link.dataset.template);
      yasgui.getTab().setQuery(template.content.textContent.trim());
      host.scrollIntoView();
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  if (window.Yasgui) startEditor();
});
