"""``/changes``: what each build added, removed and changed, as Atom and as ActivityStreams.

A portal polls this feed and re-harvests only the resources listed since its last visit.
Both are paged, newest first, :data:`PAGE_SIZE` items a page: Atom as an RFC 5005 paged
feed (``first``/``next``/``previous``/``last`` links, ``?page=N``), ActivityStreams as an
``OrderedCollection`` whose pages are ``OrderedCollectionPage`` documents.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from functools import partial
from itertools import islice

from flask import Blueprint, Response, abort, request

from server.backend import get_backend
from server.caching import cached_response
from server.links import href
from server.negotiation import Format, accept_of, by_key, negotiate
from server.urls import root_url

bp = Blueprint("changes", __name__)

ATOM = Format("atom", "application/atom+xml", "Atom")
ACTIVITY = Format("json", "application/activity+json", "ActivityStreams", aliases=("application/ld+json",
                  "application/json"))  # fmt: skip
FEED_FORMATS = (ATOM, ACTIVITY)
ATOM_NS = "http://www.w3.org/2005/Atom"
KINDS = (("added", "Create", "追加"), ("changed", "Update", "更新"), ("removed", "Delete", "削除"))
PAGE_SIZE = 100  # entries a page, as feed readers expect (a first build lists every resource)


def history() -> dict:
    data = get_backend().changes()
    if data is None:
        abort(404, "this server keeps no change history (it is kept by the node that builds)")
    return data


@bp.get("/changes")
def feed() -> Response:
    """Atom for feed readers and portals; ActivityStreams 2.0 when asked for JSON."""
    fmt = by_key(request.args.get("format"), FEED_FORMATS) or negotiate(accept_of(request), FEED_FORMATS)
    return render(fmt or ATOM)


@bp.get("/changes.json")
def activity_stream() -> Response:
    return render(ACTIVITY)


def render(fmt: Format) -> Response:
    backend = get_backend()
    data = history()
    root = root_url()
    asked = request.args.get("page")
    pages = max(1, -(-sum(1 for _ in items(data)) // PAGE_SIZE))
    if asked is not None and (not asked.isdigit() or not 1 <= int(asked) <= pages):
        abort(404, f"no page {asked!r}: pages 1 to {pages}")
    if fmt is ATOM:
        body = partial(atom, data, root, int(asked or 1), pages)
    elif asked is None:
        body = partial(collection, data, root, pages)
    else:
        body = partial(collection_page, data, root, int(asked), pages)
    key = ("changes", root, fmt.key, asked or "")
    return cached_response(backend, key, fmt.content_type, body, vary=("Accept",))


def page_of(data: dict, page: int) -> list[tuple]:
    start = (page - 1) * PAGE_SIZE
    return list(islice(items(data), start, start + PAGE_SIZE))


def items(data: dict):  # noqa: ANN201 — a generator of plain tuples
    for build in data["builds"]:
        for key, activity, label in KINDS:
            for iri in build[key]:
                yield build, key, activity, label, iri


def atom(data: dict, root: str, page: int, pages: int) -> bytes:
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")

    def child(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        element.text = text
        return element

    builds = data["builds"]
    url = f"{root}changes"
    child(feed, "id", url)
    child(feed, "title", "総合計画 Linked Open Data: 変更履歴 / change feed")
    child(feed, "updated", builds[0]["built_at"] if builds else "1970-01-01T00:00:00+00:00")
    child(feed, "link", rel="self", href=f"{url}?page={page}" if page > 1 else url)
    for rel, number in (("first", 1), ("previous", page - 1), ("next", page + 1), ("last", pages)):
        if 1 <= number <= pages:
            child(feed, "link", rel=rel, href=f"{url}?page={number}")
    child(feed, "link", rel="alternate", type="application/activity+json", href=f"{root}changes.json")
    author = child(feed, "author")
    child(author, "name", "planlod")
    for build, key, _, label, iri in page_of(data, page):
        entry = child(feed, "entry")
        child(entry, "id", f"{iri}#{key}-{build['release']}")
        child(entry, "title", f"{label} / {key}: {iri}")
        child(entry, "updated", build["built_at"])
        child(entry, "link", href=root.rstrip("/") + href(iri) if href(iri).startswith("/") else iri)
        child(entry, "category", term=key)
        child(entry, "summary", f"release {build['release']}")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


AS_CONTEXT = "https://www.w3.org/ns/activitystreams"


def collection(data: dict, root: str, pages: int) -> bytes:
    """The whole history as an ``OrderedCollection``: its size and its first and last pages."""
    url = f"{root}changes.json"
    body = {
        "@context": AS_CONTEXT,
        "id": url,
        "type": "OrderedCollection",
        "summary": "Resources added, changed and removed by each build",
        "totalItems": sum(1 for _ in items(data)),
        "version": data.get("version"),
        "first": f"{url}?page=1",
        "last": f"{url}?page={pages}",
    }
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


def collection_page(data: dict, root: str, page: int, pages: int) -> bytes:
    url = f"{root}changes.json"
    body = {
        "@context": AS_CONTEXT,
        "id": f"{url}?page={page}",
        "type": "OrderedCollectionPage",
        "partOf": url,
        "startIndex": (page - 1) * PAGE_SIZE,
        "orderedItems": [
            {"type": activity, "object": iri, "published": build["built_at"], "summary": f"{key} in {build['release']}"}
            for build, key, activity, _, iri in page_of(data, page)
        ],
    }
    if page > 1:
        body["prev"] = f"{url}?page={page - 1}"
    if page < pages:
        body["next"] = f"{url}?page={page + 1}"
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")
