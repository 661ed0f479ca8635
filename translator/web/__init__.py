"""The web face: the editors' desk and the article pages, one Flask application.

`create_app(app)` builds the Flask application around the same App the command
line uses (settings, store, engine factory). Blueprints add the routes:
`pages` (the article pages behind the "Click Here for Japanese Translation"
link) and `desk` (review, edit, approve, publish). `server.serve` runs it with
waitress, a production WSGI server.

Safety, for every route:
- every state change is a POST carrying a CSRF token (Flask-WTF's CSRFProtect);
- templates auto-escape (Jinja2, Flask's default for .html);
- a Content-Security-Policy allows this origin only: no external fonts,
  scripts or images, and no inline script;
- when an access token is set (required off loopback, see server.py), every
  request must carry it, once as `?token=` (then a cookie) or as a header;
- only requests for an allowed Host are answered (loopback names, and the
  names the operator allows): a page elsewhere that rebinds its own name to
  127.0.0.1 (DNS rebinding) reaches nothing; a state-changing request must
  also come from this origin (its Origin, else its Referer, names an allowed
  host at this port), as OWASP's CSRF cheat sheet advises beside the token.
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
from typing import Any, Collection
from urllib.parse import urlsplit

import flask
from flask_wtf.csrf import CSRFError, CSRFProtect

from ..app import App
from ..store import Store
from .server import is_loopback
from ..text.cleaning import MAX_INPUT_BYTES
from ..core.errors import ArticleNotFound, TranslateError, TranslationUnavailable

TOKEN_COOKIE = "translate_token"
TOKEN_HEADER = "X-Translate-Token"
CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"


def allowed_host(host_header: str, allowed: Collection[str]) -> bool:
    """Whether a Host header ('name:port', '[::1]:8000') names a loopback host or one of `allowed` (lower case)."""
    try:
        name = urlsplit("//" + host_header).hostname
    except ValueError:
        return False
    return bool(name) and (is_loopback(name) or name in allowed)


def _same_origin(origin: str, host_header: str) -> bool:
    """Whether an Origin or Referer URL is this server as the request reached it (scheme-less host:port match)."""
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host_header.lower()


def create_app(
    app: App, *, token: str | None = None, secret_key: str | None = None, allowed_hosts: Collection[str] = ()
) -> flask.Flask:
    """The Flask application for `app`.

    token: when set, every request must carry it (query `token`, cookie or the
    X-Translate-Token header). secret_key signs sessions and CSRF tokens; a
    random one per process by default (a restart asks editors to reload forms).
    allowed_hosts: host names answered besides loopback ones (lower case, no port).
    """
    web = flask.Flask(__name__)
    web.config.update(
        SECRET_KEY=secret_key or secrets.token_hex(32),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        WTF_CSRF_TIME_LIMIT=None,  # a desk page may stay open all shift
        TEMPLATES_AUTO_RELOAD=False,
        MAX_CONTENT_LENGTH=MAX_INPUT_BYTES,  # a request body (a glossary file) as large as an input page, at most
    )
    web.extensions["translate_app"] = app
    web.extensions["stores"] = threading.local()
    hosts = frozenset(allowed_hosts)

    @web.before_request
    def require_allowed_host() -> Any:
        host = flask.request.host
        if not allowed_host(host, hosts):
            return flask.render_template("error.html", message="This server does not answer for that host name."), 421
        if flask.request.method not in ("GET", "HEAD", "OPTIONS"):
            origin = flask.request.headers.get("Origin") or flask.request.headers.get("Referer")
            # Browsers send Origin (or at least Referer) with every cross-site POST; a client
            # that sends neither is not a browser page acting for an editor.
            if origin and not _same_origin(origin if origin != "null" else "", host):
                return flask.render_template("error.html", message="A change must come from the desk's own pages."), 403
        return None

    CSRFProtect(web)  # after the host check: a foreign host learns nothing, not even that a token is missing

    if token:

        @web.before_request
        def require_token() -> Any:
            given = (
                flask.request.args.get("token")
                or flask.request.headers.get(TOKEN_HEADER)
                or flask.request.cookies.get(TOKEN_COOKIE)
                or ""
            )
            if not hmac.compare_digest(given.encode(), token.encode()):
                return flask.render_template("error.html", message="An access token is required."), 403
            if flask.request.args.get("token"):
                # Once accepted, the token lives in a cookie and leaves the address bar.
                args = {k: v for k, v in flask.request.args.items() if k != "token"}
                response = flask.redirect(flask.url_for(flask.request.endpoint, **(flask.request.view_args or {}), **args))
                response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Strict")
                return response
            return None

    @web.after_request
    def security_headers(response: flask.Response) -> flask.Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @web.errorhandler(TranslateError)
    def translate_error(error: TranslateError) -> tuple[str, int]:
        status = 404 if isinstance(error, (ArticleNotFound, TranslationUnavailable)) else 400
        return flask.render_template("error.html", message=str(error)), status

    @web.errorhandler(CSRFError)
    def form_expired(error: CSRFError) -> tuple[str, int]:
        # Most often the server restarted (a new secret key) or the session cookie went: say what to do.
        message = "This page's form has expired (the desk restarted, or the session ended): reload the page, then save again."
        return flask.render_template("error.html", message=message), 400

    @web.errorhandler(413)
    def too_large(error: Any) -> tuple[str, int]:
        message = f"The upload is too large: at most {MAX_INPUT_BYTES // 2**20} MiB."
        return flask.render_template("error.html", message=message), 413

    @web.errorhandler(404)
    def not_found(error: Any) -> tuple[str, int]:
        return flask.render_template("error.html", message="Not found."), 404

    @web.teardown_request
    def close_read_only_store(error: BaseException | None) -> None:
        opened = flask.g.pop("read_only_store", None)
        if opened is not None:
            opened.close()

    from . import desk, pages

    web.register_blueprint(pages.blueprint)
    web.register_blueprint(desk.blueprint)
    return web


def translate_app() -> App:
    """The App of the current Flask application."""
    return flask.current_app.extensions["translate_app"]


def store() -> Store:
    """This server thread's store, opened on its first request and then kept open.

    One per thread, as SQLite connections are: opening one checks the migrations
    and closing the last one checkpoints the WAL, together more than a whole desk
    save costs, so neither happens per request. It is opened again when the
    database file was replaced (a restore: another inode), and a read-only one
    (`Store.immutable`, which never sees a write) serves one request only.

    :raises StoreError: when the database is missing or unusable.
    """
    if "read_only_store" in flask.g:
        return flask.g.read_only_store
    local = flask.current_app.extensions["stores"]
    path = translate_app().config.db
    try:
        found = os.stat(path)
        identity: tuple[int, int] | None = (found.st_dev, found.st_ino)
    except OSError:
        identity = None  # gone: Store.open says so
    kept = getattr(local, "store", None)
    if kept is not None and local.identity == identity:
        return kept
    if kept is not None:
        kept.close()
    local.store = None
    opened = Store.open(path, create=False)
    if opened.immutable:
        flask.g.read_only_store = opened  # closed when the request ends (create_app's teardown)
    else:
        local.store, local.identity = opened, identity
    return opened
