"""``/changes``: what each build added, removed and changed, as Atom and as ActivityStreams.

A portal polls this feed and re-harvests only the resources listed since its last visit.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from flask import Blueprint, Response, abort, request

from server.backend import get_backend
from server.caching import cached_response
from server.links import href
from server.negotiation import Format, accept_of, by_key, negotiate

bp = Blueprint("changes", __name__)

ATOM = Format("atom", "application/atom+xml", "Atom")
ACTIVITY = Format("json", "application/activity+json", "ActivityStreams", aliases=("application/ld+json",
                  "application/json"))  # fmt: skip
FEED_FORMATS = (ATOM, ACTIVITY)
ATOM_NS = "http://www.w3.org/2005/Atom"
KINDS = (("added", "Create", "追加"), ("changed", "Update", "更新"), ("removed", "Delete", "削除"))


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
    root = request.url_root
    body = (lambda: atom(data, root)) if fmt is ATOM else (lambda: activities(data, root))
    response = cached_response(backend, ("changes", root, fmt.key), fmt.content_type, body, vary=("Accept",))
    return response


def items(data: dict):  # noqa: ANN201 — a generator of plain tuples
    for build in data["builds"]:
        for key, activity, label in KINDS:
            for iri in build[key]:
                yield build, key, activity, label, iri


def atom(data: dict, root: str) -> bytes:
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")

    def child(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        element.text = text
        return element

    builds = data["builds"]
    child(feed, "id", f"{root}changes")
    child(feed, "title", "総合計画 Linked Open Data: 変更履歴 / change feed")
    child(feed, "updated", builds[0]["built_at"] if builds else "1970-01-01T00:00:00+00:00")
    child(feed, "link", rel="self", href=f"{root}changes")
    child(feed, "link", rel="alternate", type="application/activity+json", href=f"{root}changes.json")
    author = child(feed, "author")
    child(author, "name", "planlod")
    for build, key, _, label, iri in items(data):
        entry = child(feed, "entry")
        child(entry, "id", f"{iri}#{key}-{build['release']}")
        child(entry, "title", f"{label} / {key}: {iri}")
        child(entry, "updated", build["built_at"])
        child(entry, "link", href=root.rstrip("/") + href(iri) if href(iri).startswith("/") else iri)
        child(entry, "category", term=key)
        child(entry, "summary", f"release {build['release']}")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def activities(data: dict, root: str) -> bytes:
    ordered = [
        {"type": activity, "object": iri, "published": build["built_at"], "summary": f"{key} in {build['release']}"}
        for build, key, activity, _, iri in items(data)
    ]
    collection = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{root}changes.json",
        "type": "OrderedCollection",
        "summary": "Resources added, changed and removed by each build",
        "totalItems": len(ordered),
        "version": data.get("version"),
        "orderedItems": ordered,
    }
    return json.dumps(collection, ensure_ascii=False, indent=1).encode("utf-8")
