// Progressive enhancement of the SPARQL query page: examples and results without a page load.
// Without JavaScript the form still works: it posts to /sparql and gets an HTML table back.
"use strict";

function cellNode(cell) {
  if (!cell) return document.createTextNode("");
  if (cell.type === "uri") {
    const a = document.createElement("a");
    a.href = cell.value.startsWith(location.origin) ? cell.value : "/browse?iri=" + encodeURIComponent(cell.value);
    a.textContent = cell.value;
    return a;
  }
  const span = document.createElement("span");
  if (cell["xml:lang"]) span.lang = cell["xml:lang"];
  span.textContent = cell.value;
  return span;
}

function renderTable(data, target) {
  const table = document.createElement("table");
  table.className = "results";
  const head = table.createTHead().insertRow();
  for (const v of data.head.vars) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = v;
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const binding of data.results.bindings) {
    const row = body.insertRow();
    for (const v of data.head.vars) row.insertCell().appendChild(cellNode(binding[v]));
  }
  const count = document.createElement("p");
  count.textContent = data.results.bindings.length + " rows";
  target.replaceChildren(count, table);
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("query-form");
  const query = document.getElementById("query");
  const examples = document.getElementById("examples");
  const format = document.getElementById("format");
  const target = document.getElementById("results-body");
  examples.addEventListener("change", () => {
    const template = document.getElementById("example-" + examples.value);
    if (template) query.value = template.content.textContent.trim();
  });
  form.addEventListener("submit", async (event) => {
    if (format.value !== "html") return; // downloads go through the plain form
    event.preventDefault();
    target.textContent = "…";
    const response = await fetch(form.action, {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", Accept: "application/sparql-results+json, text/turtle;q=0.9" },
      body: query.value,
    });
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok) {
      const pre = document.createElement("pre");
      pre.textContent = await response.text();
      target.replaceChildren(pre);
    } else if (type.startsWith("application/sparql-results+json")) {
      const data = await response.json();
      if ("boolean" in data) target.textContent = String(data.boolean);
      else renderTable(data, target);
    } else {
      const pre = document.createElement("pre");
      pre.textContent = await response.text();
      target.replaceChildren(pre);
    }
  });
});
