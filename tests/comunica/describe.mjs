// Dereference an IRI with Comunica, as a Linked Data client does, and print what it finds
// about a resource in the document's default graph:
//     node describe.mjs SOURCE-URL RESOURCE-IRI
// prints {"triples": N, "types": [...]} as JSON. Run from the folder .ci/run installs
// @comunica/query-sparql into (PLANLOD_COMUNICA_DIR).
import { QueryEngine } from "@comunica/query-sparql";

const [source, resource] = process.argv.slice(2);
const engine = new QueryEngine();
const query = `SELECT ?p ?o WHERE { <${resource}> ?p ?o }`;
const bindings = await (await engine.queryBindings(query, { sources: [source], lenient: false })).toArray();
const types = bindings
  .filter((b) => b.get("p").value === "http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
  .map((b) => b.get("o").value);
console.log(JSON.stringify({ triples: bindings.length, types: types.sort() }));
