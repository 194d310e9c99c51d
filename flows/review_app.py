"""``clinic-audit review``: the review page, a small web app over one run's findings.

Routes only: the queue is :mod:`flows.review_queue`, the archived copy :mod:`flows.marked_copy`,
recording a decision :func:`flows.reviewing.record_decisions`, and after each decision the
site is scored again (:func:`flows.stages.score`), so its grade moves at once.

Every request needs the secret token printed with the URL (``?token=`` sets a cookie, kept for
the session); every form carries a CSRF token derived from the session, checked on POST. The
app's pages run no inline script (its JS is a static file) under ``default-src 'self'``; an
archived copy is served under a policy with no script and no network, and is framed only by
the app, in an ``<iframe sandbox>``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from importlib.resources import files
from typing import Any
from urllib.parse import quote, unquote, urlencode

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import Engine

import storage
from extract import readable_html
from flows import reviewing, stages
from flows.archives import EvidenceNotFound, find_evidence
from flows.marked_copy import marked_copy
from flows.review_queue import LiveQueue, QueueItem, filtered
from storage import run_sites
from storage.queries import SiteRow, claim_cue, site_rows

TOKEN_COOKIE, SESSION_COOKIE, REVIEWER_COOKIE = "review_token", "review_session", "reviewer"
#: The policy of the app's own pages: its own files only, framed by nobody.
APP_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
#: The policy of an archived copy: no script at all, nothing fetched, inline styles only.
ARCHIVE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)
#: What each decision key does (the page lists them; review.js reads data-key).
KEYS = {"confirm": "c", "reject": "r", "claimed": "1", "disclaimed": "2", "mentioned": "3"}


def create_app(engine: Engine, run_id: int, token: str, rubric: str = "seed") -> FastAPI:
    """The review app of run ``run_id``; every request must carry ``token``."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    web = files("flows") / "review_web"
    env = Environment(
        loader=PackageLoader("flows", "review_web"), autoescape=select_autoescape(default=True)
    )
    templates = Jinja2Templates(env=env)
    secret = secrets.token_bytes(32)
    live = LiveQueue(engine, run_id, rubric)
    app.mount("/static", StaticFiles(directory=str(web / "static")), name="static")

    def csrf_of(request: Request) -> str:
        session = request.cookies.get(SESSION_COOKIE, "")
        return hmac.new(secret, session.encode(), hashlib.sha256).hexdigest()

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Any:
        given = request.query_params.get("token")
        if given is not None and _same(given, token):
            # The token's URL logs in: a cookie from now on, and the token leaves the address.
            response: Response = RedirectResponse(request.url.path, status_code=303)
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
            response.set_cookie(
                SESSION_COOKIE, secrets.token_urlsafe(16), httponly=True, samesite="strict"
            )
        elif not _same(request.cookies.get(TOKEN_COOKIE, ""), token):
            response = Response("Open the URL `clinic-audit review` printed.", status_code=403)
        else:
            response = await call_next(request)
        if "content-security-policy" not in response.headers:
            response.headers["Content-Security-Policy"] = APP_POLICY
            response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    def check_csrf(request: Request, given: str) -> None:
        if not request.cookies.get(SESSION_COOKIE) or not _same(given, csrf_of(request)):
            raise HTTPException(403, "The form is stale or forged: reload the page.")

    @app.get("/", response_class=HTMLResponse)
    def queue(
        request: Request, site: str = "", country: str = "", condition: str = "", skip: int = 0
    ) -> Response:
        reviewer = unquote(request.cookies.get(REVIEWER_COOKIE, ""))
        if not reviewer:
            return templates.TemplateResponse(
                request, "name.html", {"csrf": csrf_of(request), "run_id": run_id}
            )
        everything = live.items()
        shown = filtered(everything, site, country, condition)
        waiting = [i for i in shown if not i.reviewed]
        current = waiting[skip % len(waiting)] if waiting else None
        sites = _sites(engine, run_id, rubric)
        filters = {"site": site, "country": country, "condition": condition}
        context = {
            "run_id": run_id,
            "reviewer": reviewer,
            "csrf": csrf_of(request),
            "item": current,
            "upcoming": waiting[skip % len(waiting) + 1 :][:8] if waiting else [],
            "done": len(shown) - len(waiting),
            "total": len(shown),
            "filters": filters,
            "query": urlencode({k: v for k, v in filters.items() if v}),
            "skip": skip + 1,
            "choices": _choices(everything),
            "keys": KEYS if current and current.finding.kind == "condition" else _yes_no(),
            "sites": sites,
            "rules": _rules(sites, current),
            "capture": _capture(engine, run_id, current),
            "cue": _cue(engine, run_id, current),
        }
        return templates.TemplateResponse(request, "review.html", context)

    @app.post("/reviewer")
    def set_reviewer(request: Request, csrf: str = Form(""), name: str = Form("")) -> Response:
        check_csrf(request, csrf)
        name = name.strip()[: reviewing.REVIEWER_LENGTH]
        response = RedirectResponse("/", status_code=303)
        if name:
            # quoted: a cookie carries ASCII only, and names are not
            response.set_cookie(REVIEWER_COOKIE, quote(name), httponly=True, samesite="strict")
        return response

    @app.post("/decide")
    def decide(
        request: Request,
        csrf: str = Form(""),
        site_url: str = Form(...),
        kind: str = Form(...),
        value: str = Form(...),
        decision: str = Form(...),
        note: str = Form(""),
        query: str = Form(""),
    ) -> Response:
        check_csrf(request, csrf)
        row = {
            "site_url": site_url,
            "kind": kind,
            "value": value,
            "decision": decision,
            "reviewer": unquote(request.cookies.get(REVIEWER_COOKIE, "")),
            "note": note.strip(),
        }
        try:
            reviewing.record_decisions(engine, run_id, [(1, row)])
        except reviewing.ReviewImportError as exc:
            raise HTTPException(400, "; ".join(reason for _, reason in exc.problems)) from None
        with storage.sessions(engine)() as session:
            site_ids = [s.id for s in run_sites(session, run_id) if s.seed_url == site_url]
        stages.score(engine, run_id, rubric, site_ids=site_ids)
        for site_id in site_ids:
            live.refresh(site_id)
        return RedirectResponse("/?" + query if query else "/", status_code=303)

    @app.get("/archive/{site_id}/{kind}/{value}")
    def archive(site_id: int, kind: str, value: str) -> Response:
        found = [
            f
            for f in reviewing.run_findings(engine, run_id, [site_id])
            if (f.kind, f.value) == (kind, value)
        ]
        if not found or not found[0].page_url:
            raise HTTPException(404, "This finding has no archived page.")
        try:
            copy = find_evidence(engine, found[0].page_url, run_id).copy
            page = readable_html(copy.body, copy.header("Content-Type"))
        except (EvidenceNotFound, ValueError) as exc:
            raise HTTPException(404, f"The archived copy cannot be read: {exc}") from None
        body, _ = marked_copy(page, found[0].quote)
        headers = {"Content-Security-Policy": ARCHIVE_POLICY, "X-Frame-Options": "SAMEORIGIN"}
        return HTMLResponse(body, headers=headers)

    return app


def _same(given: str, expected: str) -> bool:
    """Compare secrets in constant time (as bytes: any text a client sends is comparable)."""
    return hmac.compare_digest(given.encode(), expected.encode())


def _yes_no() -> dict[str, str]:
    return {k: v for k, v in KEYS.items() if k in ("confirm", "reject")}


def _choices(items: list[QueueItem]) -> dict[str, list[str]]:
    """The values each filter offers."""
    return {
        "site": sorted({i.finding.site_url for i in items}),
        "country": sorted({i.country for i in items if i.country}),
        "condition": sorted({i.finding.value for i in items if i.finding.kind == "condition"}),
    }


def _sites(engine: Engine, run_id: int, rubric: str) -> dict[str, SiteRow]:
    """seed URL -> the site's row with its grade as stored now (after the latest re-score)."""
    with storage.sessions(engine)() as session:
        return {r.seed_url: r for r in site_rows(session, run_id, rubric)}


def _rules(sites: dict[str, SiteRow], item: QueueItem | None) -> list[dict[str, Any]]:
    """The rubric's reasons the finding feeds: those quoting it or naming its value."""
    if item is None or item.finding.site_url not in sites:
        return []
    f = item.finding
    return [
        r
        for r in sites[f.site_url].reasons
        if f.value in str(r.get("detail", "")).split(", ")
        or (f.quote and any(e.get("quote") == f.quote for e in r.get("evidence", [])))
    ]


def _cue(engine: Engine, run_id: int, item: QueueItem | None) -> str | None:
    """The words that decided the stance of the finding's quote (None: none recorded)."""
    if item is None or not item.finding.page_url:
        return None
    f, url = item.finding, item.finding.page_url
    with storage.sessions(engine)() as session:
        return claim_cue(session, run_id, f.site_id, f.kind, f.value, url, f.quote)


def _capture(engine: Engine, run_id: int, item: QueueItem | None) -> str:
    """When the finding's page was archived (empty: no page)."""
    if item is None or not item.finding.page_url:
        return ""
    try:
        return find_evidence(engine, item.finding.page_url, run_id).copy.date or ""
    except EvidenceNotFound:
        return "(the archived copy is missing)"
