"""Pages for people: the plans at a glance, search, glossary, sector plans, the actor matrix.

Each page runs one named query from ``queries/`` (the same files the API and the CLI
use) and groups its rows for the template.
"""

from __future__ import annotations

import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from markupsafe import Markup
from rdflib import URIRef

from server.backend import Backend, get_backend, named_queries
from server.caching import cached_response
from server.i18n import lang
from server.links import href
from server.notices import plan_notices
from server.resource_page import ACTORS, PageBuilder, term_label

bp = Blueprint("pages", __name__)

MAX_SEARCH_CHARS = 100
SNIPPET_RADIUS = 40


def rows_of(backend: Backend, name: str, **values: str) -> list[dict]:
    query = named_queries()[name]
    return backend.select(query.text, **query.bindings(values))


Context = Callable[[Backend], dict[str, Any]]


def cached_page(template: str, context: Context, check: Callable[[], Response | None] | None = None) -> Response:
    """Pages change only with the release and the language: queries run on a cache miss only,
    never for a revalidation or a page already rendered."""
    backend = get_backend()
    return cached_response(
        backend,
        ("page", request.full_path, lang()),
        "text/html; charset=utf-8",
        lambda: render_template(template, **context(backend)).encode("utf-8"),
        vary=("Accept-Language", "Cookie"),
        check=check,
    )


@bp.get("/")
def home() -> Response:
    """The plans at a glance: each plan's chapters, policies and initiatives, or on a large site the plans."""
    return cached_page("home.html", home_context)


def home_context(backend: Backend) -> dict[str, Any]:
    plans: OrderedDict = OrderedDict()
    notices = plan_notices(backend)
    for row in rows_of(backend, "plans"):  # every plan, drafts with no chapters yet included
        plans[row["plan"]] = {
            "href": href(str(row["plan"])), "title": str(row["title"]), "municipality": str(row["municipalityName"]),
            "draft": str(row.get("status", "")).endswith("/UnderDevelopment"), "chapters": OrderedDict(),
            "counts": (int(row["chapters"]), int(row["policies"]), int(row["initiatives"])),
            "notice": notices.get(str(row["plan"])),
        }  # fmt: skip
    outline = len(plans) <= backend.settings.home_outline_plans
    for row in rows_of(backend, "plan-structure") if outline else ():
        plan = plans[row["plan"]]
        chapter = plan["chapters"].setdefault(
            row["chapter"],
            {"href": href(str(row["chapter"])), "notation": str(row["chapterNotation"]),
             "title": str(row["chapterTitle"]), "policies": OrderedDict()},
        )  # fmt: skip
        policy = chapter["policies"].setdefault(
            row["policy"],
            {"href": href(str(row["policy"])), "notation": str(row["policyNotation"]),
             "title": str(row["policyTitle"]), "initiatives": []},
        )  # fmt: skip
        policy["initiatives"].append(
            {"href": href(str(row["initiative"])), "notation": str(row["initiativeNotation"]),
             "title": str(row["initiativeTitle"])}
        )  # fmt: skip
    return {"plans": plans, "outline": outline}


def snippet(text: str, needle: str) -> Markup:
    """The text around the first match, escaped, with the match marked."""
    at = text.find(needle)
    start = max(0, at - SNIPPET_RADIUS)
    end = min(len(text), at + len(needle) + SNIPPET_RADIUS)
    before, match, after = text[start:at], text[at : at + len(needle)], text[at + len(needle) : end]
    prefix = "…" if start else ""
    suffix = "…" if end < len(text) else ""
    return Markup("{}{}<mark>{}</mark>{}{}").format(prefix, before, match, after, suffix)


def normalise_query(raw: str) -> str:
    # NFKC folds full-width Latin and digits ("ＩＣＴ" → "ICT") the way the texts write them.
    return unicodedata.normalize("NFKC", raw).strip()[:MAX_SEARCH_CHARS]


@bp.get("/search")
def search() -> Response:
    """Search the Japanese texts of every plan (substring match, as Japanese has no spaces)."""
    return cached_page("search.html", search_context)


def search_context(backend: Backend) -> dict[str, Any]:
    q = normalise_query(request.args.get("q", ""))
    results: OrderedDict = OrderedDict()
    if q:
        for row in rows_of(backend, "search", q=q):
            item = results.setdefault(
                row["resource"],
                {"href": href(str(row["resource"])), "notation": str(row["notation"]),
                 "label": str(row.get("label", row["resource"])), "hits": []},
            )  # fmt: skip
            item["hits"].append({"property": str(row["property"]), "snippet": snippet(str(row["text"]), q)})
    properties = {URIRef(hit["property"]) for item in results.values() for hit in item["hits"]}
    labels = backend.labels(properties)
    for item in results.values():
        for hit in item["hits"]:
            hit["label"] = term_label(URIRef(hit["property"]), labels)  # 「目標」, not …/def#goal
    return {"q": q, "results": results}


@bp.get("/glossary")
def glossary() -> Response:
    """Every glossary term, grouped by plan."""
    return cached_page("glossary.html", glossary_context)


def glossary_context(backend: Backend) -> dict[str, Any]:
    plans: OrderedDict = OrderedDict()
    for row in rows_of(backend, "glossary"):
        plans.setdefault(row["plan"], []).append(
            {"href": href(str(row["term"])), "notation": str(row["notation"]), "label": str(row["label"]),
             "definition": str(row["definition"]), "policy_href": href(str(row["policy"])),
             "policy": str(row["policyNotation"]), "uses": int(row["uses"])}
        )  # fmt: skip
    return {"plans": plans, "titles": _plan_titles(backend, plans)}


@bp.get("/sector-plans")
def sector_plans() -> Response:
    """Every sector plan, with the policy that lists it."""
    return cached_page("sector_plans.html", sector_plans_context)


def sector_plans_context(backend: Backend) -> dict[str, Any]:
    plans: OrderedDict = OrderedDict()
    for row in rows_of(backend, "sector-plans"):
        plans.setdefault(row["plan"], []).append(
            {"href": href(str(row["sectorPlan"])), "notation": str(row["notation"]), "name": str(row["name"]),
             "description": str(row.get("description", "")), "policy_href": href(str(row["policy"])),
             "policy": str(row["policyNotation"]), "policy_title": str(row["policyTitle"])}
        )  # fmt: skip
    return {"plans": plans, "titles": _plan_titles(backend, plans)}


@bp.get("/matrix")
def matrix() -> Response:
    """Initiatives × actors: who commits to what."""
    return cached_page("matrix.html", matrix_context)


def matrix_context(backend: Backend) -> dict[str, Any]:
    plans: OrderedDict = OrderedDict()
    for row in rows_of(backend, "actor-matrix"):
        initiatives = plans.setdefault(row["plan"], OrderedDict())
        line = initiatives.setdefault(
            row["initiative"],
            {"href": href(str(row["initiative"])), "notation": str(row["initiativeNotation"]),
             "title": str(row["initiativeTitle"]), "cells": {}},
        )  # fmt: skip
        if "commitment" in row:
            line["cells"][row["actor"]] = {"href": href(str(row["commitment"])), "text": str(row["statement"])}
    actors = [(actor, backend.labels([actor]).get(actor, {})) for actor in ACTORS]
    return {"plans": plans, "actors": actors, "titles": _plan_titles(backend, plans)}


def _plan_titles(backend: Backend, plans: dict) -> dict:
    return {plan: backend.labels([plan]).get(plan, {}) for plan in plans}


@bp.get("/compare")
def compare() -> Response:
    """Two linked initiatives side by side: titles, texts and what each actor will do."""
    iris = [request.args.get("a", ""), request.args.get("b", "")]

    def both_exist() -> None:
        if not all(get_backend().exists(iri) for iri in iris):
            abort(404, "compare needs two IRIs of this server: /compare?a=…&b=…")

    return cached_page("compare.html", lambda backend: compare_context(backend, iris), check=both_exist)


def compare_context(backend: Backend, iris: list[str]) -> dict[str, Any]:
    sides = [PageBuilder(backend, backend.describe(iri)).build() for iri in iris]
    labels = list(dict.fromkeys(block.label for side in sides for block in side.texts))
    rows = [
        (label, [next((block.html for block in side.texts if block.label == label), None) for side in sides])
        for label in labels
    ]
    return {"sides": sides, "rows": rows}

