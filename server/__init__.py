"""The Linked Open Data server: a Flask app factory and one blueprint per surface.

``create_app(settings)`` serves the release in ``settings.build_dir/current``:

- ``resources`` – ``/id/…`` (303) and ``/doc/…`` (documents by content negotiation), ``/def``
- ``pages`` – home, search, glossary, sector plans, actor matrix
- ``sparql`` – the SPARQL 1.1 Protocol endpoint and query page
- ``api`` – ``queries/*.rq`` as ``/api/{name}`` operations, with OpenAPI
- ``catalog`` – DCAT-AP catalogue, VoID, dumps, sitemap.xml, robots.txt
- ``changes`` – what each build changed, as Atom and ActivityStreams
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, current_app, render_template, request
from flask_compress import Compress
from flask_cors import CORS
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from planlod.config import Settings
from planlod.querypool import QueryFailed
from server import api, backend, caching, catalog, changes, i18n, notices, pages, query_page, resources, sparql, urls
from server.fastpath import FastPath
from server.links import href

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
}
LANG_COOKIE = "lang"


def create_app(settings: Settings | None = None, test_config: Mapping[str, Any] | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config.from_mapping(
        PLANLOD=settings,
        MAX_CONTENT_LENGTH=1_000_000,  # a POSTed query larger than this is refused before it is read
        COMPRESS_MIMETYPES=[
            "text/html",
            "text/plain",
            "text/css",
            "text/turtle",
            "text/csv",
            "text/tab-separated-values",
            "application/javascript",
            "application/json",
            "application/ld+json",
            "application/n-triples",
            "application/n-quads",
            "application/trig",
            "application/rdf+xml",
            "application/xml",
            "application/sparql-results+json",
            "application/sparql-results+xml",
        ],  # fmt: skip
        COMPRESS_MIN_SIZE=500,
    )
    if test_config:
        app.config.update(test_config)
    urls.init_app(app, settings)
    backend.init_app(app)
    Compress(app)
    # Everything here is public and read-only: any origin may read it (no credentials).
    CORS(app, origins="*", send_wildcard=True, supports_credentials=False, max_age=86400)
    install_templates(app)
    for blueprint in (resources.bp, pages.bp, sparql.bp, api.bp, catalog.bp, changes.bp):
        app.register_blueprint(blueprint)
    app.after_request(finish_response)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(backend.StoreUnavailable, store_unavailable)
    app.register_error_handler(QueryFailed, query_failed)
    # Repeated GETs of this release are answered in front of Flask, with the headers Flask gave.
    app.wsgi_app = FastPath(app.wsgi_app, app.extensions["planlod"], app.config["PLANLOD"].fast_path_bytes)
    return app


def install_templates(app: Flask) -> None:
    app.jinja_env.filters["pick"] = lambda labels, fallback="": i18n.pick(labels or {}, fallback)
    app.jinja_env.filters["href"] = href
    app.jinja_env.globals["public_url"] = urls.absolute
    app.jinja_env.filters["jsonld_script"] = jsonld_script
    app.jinja_env.filters["merge_args"] = lambda args, **changes: urlencode({**args, **changes})
    app.jinja_env.globals["editor_config"] = query_page.editor_config
    app.context_processor(template_context)


def jsonld_script(text: str) -> Markup:
    """JSON for a <script> element: '<', '>' and '&' only occur inside JSON strings, where escapes are valid."""
    compact = json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
    return Markup(compact.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def template_context() -> dict[str, Any]:
    ui_lang = i18n.lang()
    other = "en" if ui_lang == "ja" else "ja"
    args = {k: v for k, v in request.args.items() if k != "lang"}
    args["lang"] = other
    return {
        "_": i18n.gettext,
        "ui_lang": ui_lang,
        "other_lang": other,
        "switch_url": f"{request.path}?{urlencode(args)}",
        **notices.site_context(),
    }


def finish_response(response: Response) -> Response:
    if request.endpoint == "sparql.endpoint" and response.mimetype == "text/html":
        # The query page's editor needs a few fixed inline styles, allowed by their hashes only.
        policy = SECURITY_HEADERS["Content-Security-Policy"]
        editor = policy.replace("style-src 'self'", f"style-src {query_page.editor_style_sources()}")
        response.headers.setdefault("Content-Security-Policy", editor)
    for header, value in SECURITY_HEADERS.items():
        response.headers.setdefault(header, value)
    asked = request.args.get("lang")
    if asked in i18n.LANGS:
        # Remember the switch, so the links of the next page keep the language.
        response.set_cookie(LANG_COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax")
    if response.direct_passthrough and hasattr(response.response, "close"):
        # A file (static, dump). Flask-Compress, which runs after this, swaps the body for a
        # compressing generator and never closes the file: close it when the response is done.
        response.call_on_close(response.response.close)
    urls.canonical_location(response)
    return caching.cache_control(response)


STORE_AWAY = "the data store cannot be reached right now; please try again shortly"


def store_unavailable(error: Exception) -> Response:
    """The external store is away: say so, and when to try again, instead of hanging or failing.

    The details (the store's address) go to the log, not to the public.
    """
    current_app.logger.warning("store unavailable: %s", error)
    if "text/html" in request.headers.get("Accept", ""):
        body = render_template("error.html", status=503, title="Service Unavailable", message=STORE_AWAY)
        response = Response(body, 503, content_type="text/html; charset=utf-8")
    else:
        response = Response(f"503 Service Unavailable: {STORE_AWAY}\n", 503, content_type="text/plain; charset=utf-8")
    response.headers["Retry-After"] = "10"
    return response


def query_failed(error: QueryFailed) -> Response:
    """One of the server's own queries failed (a user's query is answered by its endpoint).

    Out of time, or no worker free, means the store is not answering now: 503 with Retry-After,
    like a store that is down. Anything else is a bug here, and a 500.
    """
    if error.kind in ("timeout", "busy", "share", "memory", "crashed"):
        return store_unavailable(error)
    raise error


def http_error(error: HTTPException) -> Response:
    """Errors as a short page for browsers and one line of text for everything else."""
    status = error.code or 500
    wants_html = "text/html" in request.headers.get("Accept", "")
    if wants_html:
        body = render_template("error.html", status=status, title=error.name, message=error.description)
        response = Response(body, status, content_type="text/html; charset=utf-8")
    else:
        response = Response(f"{status} {error.name}: {error.description}\n", status, content_type="text/plain")
    for header, value in error.get_headers():
        if header.lower() != "content-type":
            response.headers[header] = value
    return response

