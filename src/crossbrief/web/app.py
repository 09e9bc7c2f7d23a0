"""The web app: server-rendered pages and a JSON API over one store (docs/web.md).

`create_app(WebSettings(db=...))` builds it; `crossbrief serve` runs it with uvicorn. Pages and
API read the store through `views`, one SQLite connection per worker thread (WAL mode: an
`ingest` writing meanwhile blocks none of them). Every response carries a Content-Security-Policy
that allows only this server's own scripts and styles; article-derived text is escaped by Jinja2
(autoescape), never marked safe; sources are linked only when their URL is http(s).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from crossbrief.model.schema import brief_to_dict
from crossbrief.model.serialise import to_plain
from crossbrief.render.common import LABEL_NAMES
from crossbrief.store import Store
from crossbrief.version import __version__
from crossbrief.web import views

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
MAX_PER_PAGE = 100
MAX_PAGE = 100_000
MAX_QUERY_CHARS = 200
MAX_OUTLET_CHARS = 200
ID_PATTERN = r"^[0-9A-Za-z_.:-]{1,80}$"  # story and article ids: hex hashes, the grouper's ids


@dataclass
class WebSettings:
    db: str | Path = "crossbrief.db"
    per_page: int = 20  # stories per page, by default
    brief_cache: int = 32  # parsed briefs kept in memory
    response_cache: int = 256  # rendered pages and API answers kept (0: none), ...
    response_cache_bytes: int = 64 * 1024 * 1024  # ... within this many bytes
    # Seconds a client has to send a request, from connecting or from the previous response;
    # then the connection is closed (slow or stalled clients; web.server, which runs the app).
    request_timeout: float = 10.0


class _Stores:
    """One Store (SQLite connection) per thread: a connection is not shared between threads' reads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._all: list[Store] = []
        self._lock = threading.Lock()
        self._generation = 0

    def generation(self) -> int:
        """A number that has moved on since any commit to the store that this thread's connection
        can see. SQLite's `PRAGMA data_version` changes on a connection when another one (an
        ingest) commits; each thread looks at its own and moves the shared number when it did.
        (A page rendered while a commit lands may be kept under the number before it; only
        requests that come before anyone has seen that commit get it.)"""
        store = self.get()
        version = store.conn.execute("PRAGMA data_version").fetchone()[0]
        if version != getattr(self._local, "seen", None):
            self._local.seen = version
            with self._lock:
                self._generation += 1
        return self._generation

    def get(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.path, create=False)
            self._local.store = store
            with self._lock:
                self._all.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            for store in self._all:
                try:
                    store.close()
                except Exception:  # noqa: BLE001 - closing at shutdown: nothing left to do about it
                    pass
            self._all.clear()


class _Responses:
    """Rendered bodies by (path, query, store state), the most recently used kept, within a count
    and a byte budget. The key holds the store's generation (`_Stores.generation`), which any
    write to the store moves on, so nothing stale is served; until then no page is rendered twice."""

    def __init__(self, entries: int, max_bytes: int) -> None:
        self.entries, self.max_bytes = entries, max_bytes
        self._items: OrderedDict[tuple, tuple[bytes, str, str]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._flights: dict[tuple, threading.Lock] = {}

    def get(self, key: tuple) -> tuple[bytes, str, str] | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
            return hit

    def get_or_build(self, key: tuple, build: Callable[[], tuple[bytes, str, str]]) -> tuple[bytes, str, str]:
        """The kept body, or the one `build` makes; one thread builds a key at a time and the
        others wait for it (after each write to the store, a hundred readers of one page would
        otherwise all render it at once)."""
        hit = self.get(key)
        if hit is not None:
            return hit
        if not self.entries:
            return build()
        with self._lock:
            flight = self._flights.setdefault(key, threading.Lock())
        try:
            with flight:
                hit = self.get(key)
                if hit is None:
                    hit = build()
                    self.put(key, hit)
                return hit
        finally:
            with self._lock:
                self._flights.pop(key, None)

    def put(self, key: tuple, value: tuple[bytes, str, str]) -> None:
        if not self.entries or len(value[0]) > self.max_bytes // 4:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = value
            self._bytes += len(value[0])
            while len(self._items) > self.entries or self._bytes > self.max_bytes:
                _, old = self._items.popitem(last=False)
                self._bytes -= len(old[0])


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every article-derived string is escaped; no template marks one safe
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(version=__version__, label_names=LABEL_NAMES, is_web_url=views.is_web_url)
    return env


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _not_modified(request: Request, etag: str) -> bool:
    given = request.headers.get("if-none-match", "")
    return any(tag.strip().removeprefix("W/") in (etag, "*") for tag in given.split(",") if tag.strip())


HTML_TYPE = "text/html; charset=utf-8"


def _json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _iso_day(value: str, name: str) -> str:
    if not value:
        return ""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise HTTPException(400, f"{name}: {value[:40]!r} is not a date (YYYY-MM-DD)") from None


def _page_links(request: Request, page: int, pages: int) -> dict[str, str | None]:
    def at(n: int) -> str:
        return str(request.url.include_query_params(page=n).path) + "?" + str(
            request.url.include_query_params(page=n).query)

    return {"prev": at(page - 1) if page > 1 else None, "next": at(page + 1) if page < pages else None}


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The app over the store `settings.db`, which must exist (InputError otherwise)."""
    settings = settings or WebSettings()
    path = Path(settings.db)
    Store(path, create=False).close()  # a missing, foreign or newer store: one line, at start
    stores = _Stores(path)
    cache = views.BriefCache(settings.brief_cache)
    responses = _Responses(settings.response_cache, settings.response_cache_bytes)
    env = _environment()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        stores.close()

    app = FastAPI(
        title="crossbrief", version=__version__, docs_url=None, redoc_url=None,  # those load from a CDN
        lifespan=lifespan,
        description="Stories, their cited briefs, articles and search over a crossbrief store.",
    )
    app.state.settings = settings
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def render(request: Request, template: str, **context: Any) -> bytes:
        return env.get_template(template).render(request=request, path=request.url.path, **context).encode()

    def html(request: Request, template: str, status: int = 200, **context: Any) -> Response:
        return HTMLResponse(render(request, template, **context), status_code=status)

    def cached(request: Request, build: Callable[[], tuple[bytes, str]]) -> Response:
        """The body `build` makes for this URL in the store's present state (made once), with its
        ETag, or 304 when the client holds it."""
        key = (request.url.path, request.url.query, stores.generation())
        def made() -> tuple[bytes, str, str]:
            body, media_type = build()
            return body, media_type, etag_of(body)

        body, media_type, etag = responses.get_or_build(key, made)
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        if _not_modified(request, etag):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type=media_type, headers=headers)

    def cached_page(request: Request, template: str, context: Callable[[], dict[str, Any]]) -> Response:
        return cached(request, lambda: (render(request, template, **context()), HTML_TYPE))

    def cached_api(request: Request, data: Callable[[], Any]) -> Response:
        return cached(request, lambda: (_json_bytes(data()), "application/json"))

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail)
        if wants_json(request):
            return JSONResponse({"error": message}, status_code=exc.status_code)
        return html(request, "error.html", status=exc.status_code, title=f"{exc.status_code}", message=message)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for e in exc.errors()[:5]:
            where = ".".join(str(p) for p in e.get("loc", ())[1:]) or "request"
            problems.append(f"{where}: {e.get('msg', 'invalid')}")
        message = "; ".join(problems) or "bad request"
        if wants_json(request):
            return JSONResponse({"error": message}, status_code=400)
        return html(request, "error.html", status=400, title="400", message=message)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.error("internal error on %s: %s: %s", request.url.path, type(exc).__name__, exc, exc_info=exc)
        message = "internal error (a bug; the server log has the details)"
        if wants_json(request):
            return JSONResponse({"error": message}, status_code=500)
        return html(request, "error.html", status=500, title="500", message=message)

    # -- stories --------------------------------------------------------------------------------
    def story_list(page: int, per_page: int | None, outlet: str, since: str, until: str) -> dict[str, Any]:
        per_page = per_page or settings.per_page
        since, until = _iso_day(since, "since"), _iso_day(until, "until")
        store = stores.get()
        rows, total = store.stories_page(per_page, (page - 1) * per_page, outlet=outlet, since=since, until=until)
        return {"cards": views.story_cards(store, rows), "total": total, "page": page, "per_page": per_page,
                "pages": max(1, math.ceil(total / per_page)), "outlet": outlet, "since": since, "until": until}

    PageQ = Query(1, ge=1, le=MAX_PAGE, description="page number, from 1")
    PerPageQ = Query(None, ge=1, le=MAX_PER_PAGE, description=f"stories per page (default {settings.per_page})")
    OutletQ = Query("", max_length=MAX_OUTLET_CHARS, description="only stories with an article from this outlet")
    SinceQ = Query("", max_length=10, description="only stories with an article on or after this date (YYYY-MM-DD)")
    UntilQ = Query("", max_length=10, description="only stories with an article on or before this date")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def stories_html(request: Request, page: int = PageQ, per_page: int | None = PerPageQ, outlet: str = OutletQ,
                     since: str = SinceQ, until: str = UntilQ) -> Response:
        def context() -> dict[str, Any]:
            listing = story_list(page, per_page, outlet, since, until)
            return {"title": "Stories", "outlets": stores.get().outlets(),
                    "links": _page_links(request, listing["page"], listing["pages"]), **listing}

        return cached_page(request, "stories.html", context)

    @app.get("/api/stories", summary="Stories, the latest updated first (paginated, filtered)")
    def stories_api(request: Request, page: int = PageQ, per_page: int | None = PerPageQ, outlet: str = OutletQ,
                    since: str = SinceQ, until: str = UntilQ) -> Response:
        def data() -> dict[str, Any]:
            listing = story_list(page, per_page, outlet, since, until)
            return {"items": [c.as_json() for c in listing["cards"]], "total": listing["total"], "page": page,
                    "per_page": listing["per_page"], "pages": listing["pages"],
                    **_page_links(request, page, listing["pages"])}

        return cached_api(request, data)

    def load_story(story_id: str, version: int | None, since: int | None) -> views.StoryPage:
        page = views.story_page(stores.get(), story_id, cache, version=version, since=since)
        if page is None:
            what = f"story {story_id!r}" + (f" has no brief version {version}" if version else " not found")
            raise HTTPException(404, what)
        return page

    VersionQ = Query(None, ge=1, le=1_000_000, description="a brief version (default: the latest)")
    SinceVQ = Query(None, ge=1, le=1_000_000, description="show what changed since this version "
                                                           "(default: the one before)")

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_html(request: Request, story_id: str = _id_path("story"), version: int | None = VersionQ,
                   since: int | None = SinceVQ) -> Response:
        def context() -> dict[str, Any]:
            page = load_story(story_id, version, since)
            return {"title": page.story.label or story_id, "p": page}

        return cached_page(request, "story.html", context)

    @app.get("/api/stories/{story_id}", summary="A story's brief: the brief's JSON document (docs/json-schema.md) "
                                                "with a `story` object added")
    def story_api(request: Request, story_id: str = _id_path("story"), version: int | None = VersionQ,
                  since: int | None = SinceVQ) -> Response:
        return cached(request, lambda: (story_document(story_id, version, since), "application/json"))

    def story_document(story_id: str, version: int | None, since: int | None) -> bytes:
        """The stored brief's JSON text as it is (megabytes for a large story: not parsed and
        written again), with the `story` object added as its last field."""
        page = load_story(story_id, version, since)
        store = stores.get()
        story = _json_bytes({
            **page.card.as_json(), "brief_version": page.version, "built_at": page.built_at or None,
            "versions": [{"version": v, "built_at": b} for v, b in page.versions],
            "sources": [to_plain(s) for s in page.sources],
            "changes": page.changes.as_json() if page.changes else None,
        })
        text = store.brief_json(story_id, page.version) if page.version is not None else None
        if text is None:  # a story of one article: a brief document with its articles and no summary
            from crossbrief.model import Brief, Problem

            articles = store.articles_of_story(story_id)
            for a in articles:
                a.removed = store.removed_of(a.id)
            text = json.dumps(brief_to_dict(Brief(articles=articles, problems=[
                Problem(f"story {story_id}", "no brief: one article, nothing to cross-check", fatal=False)])),
                ensure_ascii=False)
        body = text.rstrip().encode("utf-8")
        if not body.endswith(b"}"):
            raise ValueError(f"story {story_id}: the stored brief is not a JSON object")
        return body[:-1] + (b',"story":' if body[:-1].strip() != b"{" else b'"story":') + story + b"}"

    # -- articles -------------------------------------------------------------------------------
    def load_article(article_id: str) -> views.ArticlePage:
        page = views.article_page(stores.get(), article_id, cache)
        if page is None:
            raise HTTPException(404, f"article {article_id!r} not found")
        return page

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_html(request: Request, article_id: str = _id_path("article")) -> Response:
        def context() -> dict[str, Any]:
            page = load_article(article_id)
            return {"title": page.article.title or page.article.label, "p": page}

        return cached_page(request, "article.html", context)

    @app.get("/api/articles/{article_id}", summary="An article: metadata, clean text, sentences, what cleaning "
                                                   "removed and why, its stories")
    def article_api(request: Request, article_id: str = _id_path("article")) -> Response:
        def data() -> dict[str, Any]:
            page = load_article(article_id)
            a = page.article
            return {
                "id": a.id, "title": a.title, "outlet": a.outlet, "url": a.url, "canonical_url": a.canonical_url,
                "date": a.date, "author": a.author, "text": a.text,
                "paragraphs": [b.sentences for b in page.blocks if b.kind == "kept"],
                "removed": [to_plain(r) for r in page.removed],
                "stories": [{"id": s.id, "label": s.label} for s in page.stories],
            }

        return cached_api(request, data)

    # -- search ---------------------------------------------------------------------------------
    QueryQ = Query("", max_length=MAX_QUERY_CHARS, description="words that must all occur (title or text)")

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_html(request: Request, q: str = QueryQ) -> Response:
        def context() -> dict[str, Any]:
            groups = views.search(stores.get(), q) if q.strip() else []
            return {"title": f"Search: {q}" if q else "Search", "q": q, "groups": groups,
                    "hits": sum(len(g.hits) for g in groups)}

        return cached_page(request, "search.html", context)

    @app.get("/api/search", summary="Full-text search over articles (FTS5), grouped by story")
    def search_api(request: Request, q: str = QueryQ, page: int = PageQ,
                   per_page: int = Query(20, ge=1, le=MAX_PER_PAGE, description="groups per page")) -> Response:
        def data() -> dict[str, Any]:
            groups = views.search(stores.get(), q) if q.strip() else []
            pages = max(1, math.ceil(len(groups) / per_page))
            chosen = groups[(page - 1) * per_page: page * per_page]
            return {
                "q": q, "total": len(groups), "page": page, "per_page": per_page, "pages": pages,
                **_page_links(request, page, pages),
                "items": [{"story": {"id": g.story.id, "label": g.story.label} if g.story else None,
                           "articles": [to_plain(h) for h in g.hits]} for g in chosen],
            }

        return cached_api(request, data)

    # -- feeds ----------------------------------------------------------------------------------
    @app.get("/feeds", response_class=HTMLResponse, include_in_schema=False)
    def feeds_html(request: Request) -> Response:
        return cached_page(request, "feeds.html", lambda: {"title": "Feeds", "feeds": stores.get().feeds()})

    @app.get("/api/feeds", summary="The store's feeds and their health")
    def feeds_api(request: Request) -> Response:
        return cached_api(request, lambda: {"items": [to_plain(f) for f in stores.get().feeds()]})

    # -- the API's own documentation, served from here (FastAPI's /docs loads Swagger UI from a CDN)
    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs(request: Request) -> Response:
        def context() -> dict[str, Any]:
            endpoints = []
            for route, methods in app.openapi().get("paths", {}).items():
                for method, op in methods.items():
                    params = [(p.get("name", ""), p.get("in", ""), p.get("description", ""))
                              for p in op.get("parameters", [])]
                    endpoints.append((method.upper(), route, op.get("summary", ""), params))
            return {"title": "API", "endpoints": endpoints}

        return cached_page(request, "docs.html", context)

    return app


def _id_path(kind: str) -> Any:
    from fastapi import Path as PathParam

    return PathParam(..., pattern=ID_PATTERN, description=f"the {kind}'s id")


__all__ = ["WebSettings", "create_app", "etag_of"]
