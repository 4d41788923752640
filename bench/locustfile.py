"""What one visitor of the published plan does, for locust (``bench/load.py`` runs it headless).

A mix of what people and programs ask for: pages of every kind (most of them initiatives),
the same resources as Turtle through their ``/id/`` IRIs, search, a revalidation with
``If-None-Match``, small SPARQL queries, the query API and, rarely, a whole dump. Every
visitor starts at once and never waits (a closed loop): the server sees 32 requests in
flight at all times. Any answer of 400 or more counts as an error.
"""

from __future__ import annotations

import random
from urllib.parse import urlencode

# FastHttpUser (geventhttpclient): on a 2-core machine shared with the server, the requests-based
# HttpUser spends more CPU than the server and caps the load at half of what the server can answer.
from locust import FastHttpUser, constant, task

ID = "/id/272116/5th"
DOC = "/doc/272116/5th"
POLICIES = [f"7-{n}" for n in range(1, 8)]
INITIATIVES = [f"7-{p}-{i}" for p, count in enumerate((3, 7, 2, 3, 2, 2, 4), start=1) for i in range(1, count + 1)]
TERMS = ["7-1-n1", "7-2-n1", "7-5-n1"]
WORDS = ["協働", "市民", "シティプロモーション", "ICT", "人権", "財政", "男女共同参画", "ない言葉"]
QUERIES = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/jp-cityplan/def#Initiative> }",
    "SELECT ?s ?t WHERE { ?s <http://purl.org/dc/terms/title> ?t } LIMIT 20",
    f"DESCRIBE <https://w3id.org/jp-cityplan{ID}/initiative/7-2-7>",
]


class Visitor(FastHttpUser):
    wait_time = constant(0)

    @task(5)
    def home(self) -> None:
        self.client.get("/", headers={"Accept": "text/html"})

    @task(5)
    def policy_page(self) -> None:
        self.client.get(f"{DOC}/policy/{random.choice(POLICIES)}.html", name=f"{DOC}/policy/[n].html")

    @task(10)
    def initiative_page(self) -> None:
        notation = random.choice(INITIATIVES)
        self.client.get(f"{DOC}/initiative/{notation}.html", name=f"{DOC}/initiative/[n].html")

    @task(5)
    def initiative_as_turtle(self) -> None:
        # The identifier answers 303; the client follows it to the Turtle document.
        notation = random.choice(INITIATIVES)
        self.client.get(f"{ID}/initiative/{notation}", headers={"Accept": "text/turtle"}, name=f"{ID}/initiative/[n]")

    @task(3)
    def glossary_term(self) -> None:
        self.client.get(f"{DOC}/term/{random.choice(TERMS)}.html", name=f"{DOC}/term/[n].html")

    @task(4)
    def search(self) -> None:
        self.client.get("/search?" + urlencode({"q": random.choice(WORDS)}), name="/search?q=[word]")

    @task(3)
    def indexes(self) -> None:
        self.client.get(random.choice(["/glossary", "/sector-plans", "/matrix"]), name="/[index]")

    @task(2)
    def revalidate(self) -> None:
        path = f"{DOC}/initiative/7-1-1.html"
        etag = self.client.get(path, name=f"{path} (first)").headers.get("ETag", "")
        self.client.get(path, headers={"If-None-Match": etag}, name=f"{path} (If-None-Match)")

    @task(3)
    def sparql(self) -> None:
        self.client.get(
            "/sparql?" + urlencode({"query": random.choice(QUERIES)}),
            headers={"Accept": "application/sparql-results+json, text/turtle;q=0.9"},
            name="/sparql?query=[q]",
        )

    @task(2)
    def api(self) -> None:
        self.client.get("/api/plan-structure?limit=50", name="/api/plan-structure")

    @task(1)
    def dump(self) -> None:
        self.client.get("/data/dataset.ttl", name="/data/dataset.ttl")
