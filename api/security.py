"""Who may call what, and the HTTP hardening around every response.

* ``POLICY`` maps path patterns (and methods) to the least role that may use them; it is
  the only place access is decided. ``AuthMiddleware`` applies it to every request the app
  receives — routes, docs, static files, mounts, 404s — so a route added later is covered
  without doing anything. A path or method no rule names needs **admin** (default deny),
  and ``tests/api/test_security.py`` fails for every route that is not classified here.
* Access scopes (``hubsense.access``): a key, and the session it opens, sees the region, some
  municipalities or some hubs. A rule marked ``whole_region`` is for region-wide keys only
  (403 for a scoped key); on every other route the scoped key's requests are answered from
  the registry as its scope sees it (``api.deps.get_registry``), so what lies outside is
  an unknown id (404) and lists and aggregates hold only what it may see.
  ``tests/api/test_access_scopes.py`` checks every route × scope × inside/outside.
* Credentials: ``Authorization: Bearer <API key>`` (keys: ``hubsense.keys``), or for
  browsers a session cookie set by the login form at ``/login``. The cookie holds a random
  session id (HttpOnly, SameSite=Strict, Secure over https), never the key; the session
  ends at ``/logout``, after ``session_max_age_s``, on restart, or when its key is revoked.
* ``SecurityHeadersMiddleware``: CSP, nosniff, no framing, no referrer, a closed
  Permissions-Policy and ``Cache-Control: no-store`` on every response that does not set
  its own (the dashboard pages set a page CSP; static files their caching).
* ``BodySizeLimitMiddleware``: bodies over ``max_request_bytes`` get 413, whether the
  Content-Length says so or a streamed body grows too long.
* CORS only when ``cors_origins`` lists origins (bearer keys only, no cookies).
"""

from __future__ import annotations

import base64
import hashlib
import html
import logging
import re
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Final, Protocol
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import HTTPConnection, cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocketClose

from hubsense.access import REGION, AccessScope
from hubsense.config import Settings
from hubsense.keys import KeyEntry, KeyRing, Role, key_file_for
from hubsense.registry import Registry

log = logging.getLogger(__name__)

# --- policy --------------------------------------------------------------------------------


class Open(Enum):
    """Access that needs no hubsense role."""

    PUBLIC = "public"  # anyone
    OWN_AUTH = "own-auth"  # the route authenticates callers itself (webhook signatures)

    def __str__(self) -> str:
        return self.value


Access = Role | Open

READ: Final = frozenset({"GET", "HEAD"})
ANY_METHOD: Final = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_PARAM = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


@dataclass(frozen=True)
class Rule:
    """``pattern``: a path where ``{name}`` is one path segment and a final ``/**`` is any
    number (zero or more) of further segments. Applies to ``methods`` only: a read rule
    never lets anyone write (a PUT on a viewer path falls to the default: admin).
    ``whole_region``: only keys that see the whole region may use it (what it shows cannot
    be limited to some hubs: raw device data of every hub, region-wide rankings)."""

    pattern: str
    access: Access
    why: str
    methods: frozenset[str] = READ
    whole_region: bool = False

    def __post_init__(self) -> None:
        base, tail = self.pattern, ""
        if base.endswith("/**"):
            base, tail = base[:-3], r"(?:/[^/]+)*"
        regex, last = [], 0
        for m in _PARAM.finditer(base):
            regex += [re.escape(base[last : m.start()]), r"[^/]+"]
            last = m.end()
        regex.append(re.escape(base[last:]))
        object.__setattr__(self, "_regex", re.compile("".join(regex) + tail))

    def matches(self, method: str, path: str) -> bool:
        regex: re.Pattern[str] = getattr(self, "_regex")  # noqa: B009 - set in __post_init__
        return method in self.methods and regex.fullmatch(path) is not None


V, P, A = Role.VIEWER, Role.PLANNER, Role.ADMIN

POLICY: Final[tuple[Rule, ...]] = (
    # --- JSON API ----------------------------------------------------------------------
    Rule("/api/health", Open.PUBLIC, "liveness only: the process answers, nothing else"),
    Rule("/api/ready", V, "names the store/broker and their error messages", whole_region=True),
    Rule("/api/registry", V, "registry summary: no sensor data"),
    Rule("/api/municipalities", V, "registry: municipalities and hub ids"),
    Rule("/api/hubs", V, "registry: hubs"),
    Rule("/api/hubs/{hub}", V, "registry: one hub, its desks and sensor ids"),
    Rule("/api/hubs/{hub}/live", V, "state now, as the wall dashboards show it"),
    Rule(
        "/api/hubs/{hub}/desks/{desk}/**",
        P,
        "desk-level history is personal data where a desk can be tied to a person (GDPR): "
        "only for planners, who otherwise see aggregates",
    ),
    Rule("/api/reports/**", P, "reports (aggregates) are for planners"),
    Rule("/api/exports/**", P, "exports are for planners"),
    Rule(
        "/api/planning/**",
        P,
        "planning evidence: facts per municipality (aggregated, groups under min_group_size "
        "suppressed), projections and their files are for planners; a scoped key sees the "
        "municipalities it sees whole, ranked among themselves (AccessScope.planning_view)",
    ),
    Rule(
        "/api/rejections",
        A,
        "raw payload previews and topics of refused messages may carry device data; "
        "diagnostics for operators; of every hub, so for region-wide keys only",
        whole_region=True,
    ),
    Rule(
        "/api/admin/**", A, "administration, e.g. registry changes", ANY_METHOD, whole_region=True
    ),
    Rule(
        "/api/webhooks/**",
        Open.OWN_AUTH,
        "sensor-cloud webhooks (Disruptive Technologies) carry no user key: each route MUST "
        "verify the sender's signature itself",
        ANY_METHOD,
    ),
    # --- operations ----------------------------------------------------------------------
    Rule(
        "/metrics",
        V,
        "Prometheus scrape: counters, and series per desk of every hub; give the scraper a "
        "region-wide viewer key",
        whole_region=True,
    ),
    # --- browser -------------------------------------------------------------------------
    Rule("/login", Open.PUBLIC, "the login form", READ | {"POST"}),
    Rule("/logout", Open.PUBLIC, "ends the session", READ | {"POST"}),
    Rule("/", V, "dashboard: region overview"),
    Rule("/hubs/{hub}", V, "dashboard: live hub view"),
    Rule("/utilisation", P, "dashboard: utilisation explorer (its data is /api/reports/**)"),
    Rule("/compare", P, "dashboard: municipality comparison (its data is /api/reports/**)"),
    Rule("/planning", P, "dashboard: planning evidence (planner data, as /api/planning)"),
    Rule("/definitions", V, "dashboard: what the metrics mean (the glossary, no data)"),
    Rule("/free", Open.PUBLIC, "employees' view: counts per hub only; 404 unless employee_view"),
    Rule("/api/free-now", Open.PUBLIC, "employees' view as JSON: counts only; 404 unless enabled"),
    Rule("/dashboards/static/dashboard.css", Open.PUBLIC, "the stylesheet (of the public /free)"),
    Rule("/dashboards/static/{name}", V, "dashboard scripts, styles, plotly.js"),
    Rule("/docs", V, "interactive API docs (its examples name hubs)", whole_region=True),
    Rule("/docs/oauth2-redirect", V, "part of the API docs page", whole_region=True),
    Rule("/openapi.json", V, "the API description (its examples name hubs)", whole_region=True),
)
"""First match wins. Keep it sorted by area; put a narrower pattern before a wider one."""

DEFAULT_RULE: Final = Rule(
    "(anything else)",
    A,
    "default deny: a path or method no rule names needs admin until it is classified",
    ANY_METHOD,
)


def rule_for(method: str, path: str, policy: Iterable[Rule] = POLICY) -> Rule:
    for rule in policy:
        if rule.matches(method, path):
            return rule
    return DEFAULT_RULE


def permits(rule: Rule, who: Principal) -> bool:
    """Whether the rule lets this principal in: its role suffices and, for a
    ``whole_region`` rule, it sees the whole region. The one decision the middleware and
    the pages (which links to show) share."""
    if isinstance(rule.access, Open):
        return True
    return who.role >= rule.access and (not rule.whole_region or who.scope.is_region)


def is_public(scope: Scope) -> bool:
    """Whether the request's route is open to anyone (``Open.PUBLIC`` in ``POLICY``)."""
    rule = rule_for(scope.get("method", "GET"), route_path(scope))
    return rule.access is Open.PUBLIC


def route_path(scope: Scope) -> str:
    """The path the router matches: the request path without the app's ``root_path``
    (the same computation as Starlette's routing, so policy and routing agree)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        if path == root:
            return ""
        if path[len(root)] == "/":
            return path[len(root) :]
    return path


# --- who is calling --------------------------------------------------------------------------


class KeySource(Protocol):
    """A ``KeyRing`` (fixed, tests) or a ``KeyFile`` (re-read when the file changes)."""

    def ring(self) -> KeyRing: ...


@dataclass(frozen=True, slots=True)
class Principal:
    name: str
    role: Role
    via: str  # "key", "session" or "auth-off"
    scope: AccessScope = REGION  # what part of the region it sees


AUTH_OFF: Final = Principal("(auth off)", Role.ADMIN, "auth-off")


@dataclass(frozen=True, slots=True)
class Refused:
    """Credentials were presented but are no good (RFC 6750 error code and a reason)."""

    error: str
    reason: str
    session: bool = False  # a dead session cookie (the response deletes it)


SESSION_COOKIE: Final = "hubsense_session"


@dataclass(slots=True)
class _Session:
    key_name: str
    key_sha256: str
    expires: float  # time.monotonic()


class Sessions:
    """Browser sessions in memory: random id → which key logged in, until when.

    Only SHA-256 of each id is kept, so the table itself holds nothing a client could
    present. One process holds its own sessions (``hubsense api`` runs one); a restart
    logs everybody out.
    """

    MAX = 10_000

    def __init__(self, max_age_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_age_s = max_age_s
        self._clock = clock
        self._by_digest: dict[bytes, _Session] = {}
        self._lock = threading.Lock()  # the middleware and login run on the event loop;
        # the lock keeps the table whole should a sync route ever use it from a thread

    @staticmethod
    def _digest(token: str) -> bytes:
        return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()

    def __len__(self) -> int:
        return len(self._by_digest)

    def create(self, entry: KeyEntry) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            now = self._clock()
            for digest in [d for d, s in self._by_digest.items() if s.expires <= now]:
                del self._by_digest[digest]
            while len(self._by_digest) >= self.MAX:  # oldest first (insertion order)
                del self._by_digest[next(iter(self._by_digest))]
            self._by_digest[self._digest(token)] = _Session(
                entry.name, entry.sha256, now + self.max_age_s
            )
        return token

    def resolve(self, token: str, ring: KeyRing) -> KeyEntry | None:
        """The key entry behind a live session; None (and the session dropped) if the
        session is unknown or expired, or its key was revoked or replaced."""
        digest = self._digest(token)
        with self._lock:
            session = self._by_digest.get(digest)
            if session is None:
                return None
            entry = ring.get(session.key_name, session.key_sha256)
            if entry is None or session.expires <= self._clock():
                del self._by_digest[digest]
                return None
            return entry

    def drop(self, token: str) -> None:
        with self._lock:
            self._by_digest.pop(self._digest(token), None)


def identify(scope: Scope, ring: KeyRing, sessions: Sessions) -> Principal | Refused | None:
    """Who sent the request: a key's principal, ``Refused`` for bad credentials, or None
    when none were presented. A bearer header, when present, is the only thing looked at."""
    headers = Headers(scope=scope)
    authorization = headers.get("authorization")
    if authorization is not None:
        scheme, _, credentials = authorization.partition(" ")
        credentials = credentials.strip()
        if scheme.lower() != "bearer" or not credentials:
            return Refused("invalid_request", "send the key as 'Authorization: Bearer <key>'")
        entry = ring.lookup(credentials)
        if entry is None:
            return Refused("invalid_token", "unknown or revoked API key")
        return Principal(entry.name, entry.role, "key", entry.scope)
    token = cookie_parser(headers.get("cookie", "")).get(SESSION_COOKIE)
    if token:
        entry = sessions.resolve(token, ring)
        if entry is None:
            return Refused("invalid_token", "the session has ended; log in again", True)
        return Principal(entry.name, entry.role, "session", entry.scope)
    return None


def get_principal(request: HTTPConnection) -> Principal:
    """Who is calling (``AUTH_OFF`` when authentication is off). For routes that want to
    log or show it; access itself is decided by the policy, not by routes."""
    principal = request.scope.get("state", {}).get("principal")
    if not isinstance(principal, Principal):
        raise RuntimeError("AuthMiddleware is not installed")  # create_app always does
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


# --- enforcement ---------------------------------------------------------------------------


def _wants_html(scope: Scope, path: str) -> bool:
    if scope.get("method") not in READ or path.startswith("/api/") or path == "/openapi.json":
        return False
    return "text/html" in Headers(scope=scope).get("accept", "")


def _root(scope: Scope) -> str:
    return str(scope.get("root_path", "")).rstrip("/")


class AuthMiddleware:
    """Applies ``POLICY`` to every HTTP and WebSocket request before the app sees it."""

    def __init__(self, app: ASGIApp, *, keys: KeySource | None, sessions: Sessions) -> None:
        self.app = app
        self.keys = keys  # None: authentication is off
        self.sessions = sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = route_path(scope)
        method = scope.get("method", "GET")  # a WebSocket handshake is a GET
        rule = rule_for(method, path)
        state = scope.setdefault("state", {})
        if self.keys is None:
            state["principal"] = AUTH_OFF
            await self.app(scope, receive, send)
            return
        who = identify(scope, self.keys.ring(), self.sessions)
        if isinstance(who, Principal):
            state["principal"] = who
        if isinstance(rule.access, Open):
            await self.app(scope, receive, send)
            return
        needed = rule.access
        if isinstance(who, Principal) and permits(rule, who):
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("?",))[0]
        if scope["type"] == "websocket":
            log.info("refused websocket %s from %s: needs %s", path, client, needed)
            await WebSocketClose(code=1008)(scope, receive, send)
            return
        if isinstance(who, Principal):
            log.info(
                "403 %s %s for %r (%s, %s): needs %s%s",
                method,
                path,
                who.name,
                who.role,
                who.scope,
                needed,
                " of the whole region" if rule.whole_region else "",
            )
            response = _forbidden(scope, path, who, needed, rule.whole_region)
        else:
            if who is not None:
                log.info("401 %s %s from %s: %s", method, path, client, who.reason)
            response = _unauthorized(scope, path, who, needed)
        await response(scope, receive, send)


def _unauthorized(scope: Scope, path: str, refused: Refused | None, needed: Role) -> Response:
    if _wants_html(scope, path):
        target = path + (
            f"?{scope['query_string'].decode('latin-1')}" if scope.get("query_string") else ""
        )
        response: Response = RedirectResponse(
            f"{_root(scope)}/login?next={quote(target, safe='/')}", status_code=303
        )
    else:
        challenge = 'Bearer realm="hubsense"'
        if refused is not None:
            challenge += f', error="{refused.error}"'
        reason = refused.reason if refused else "no credentials"
        response = JSONResponse(
            {
                "detail": f"authentication required ({reason}): send 'Authorization: Bearer "
                f"<API key>'; this needs the {needed} role",
                "required_role": str(needed),
            },
            status_code=401,
            headers={"WWW-Authenticate": challenge},
        )
    if refused is not None and refused.session:
        _clear_cookie(response, scope)
    return response


def _forbidden(
    scope: Scope, path: str, who: Principal, needed: Role, whole_region: bool
) -> Response:
    detail = f"this needs the {needed} role; {who.name!r} has the {who.role} role"
    if who.role >= needed and whole_region:
        detail = (
            f"this needs the {needed} role for the whole region; {who.name!r} sees {who.scope} only"
        )
    if _wants_html(scope, path):
        return _page(
            "Behörighet saknas · Not allowed",
            f"<h1>Behörighet saknas · Not allowed</h1><p>{html.escape(detail)}</p>"
            f'<p><a href="{html.escape(_root(scope))}/logout">Logga ut · Log out</a></p>',
            status_code=403,
        )
    body = {"detail": detail, "required_role": str(needed)}
    if whole_region:
        body["required_scope"] = str(REGION)
    return JSONResponse(body, status_code=403)


# --- login pages ---------------------------------------------------------------------------

_STYLE: Final = (
    "body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem;"
    "color:#1d2433}label{display:block;margin:1rem 0 .25rem}input{width:100%;padding:.5rem;"
    "box-sizing:border-box;font:inherit}button{margin-top:1rem;padding:.5rem 1.25rem;"
    "font:inherit}.error{color:#a4161a}"
)
_STYLE_HASH: Final = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
PAGE_CSP: Final = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
"""CSP of the login and not-allowed pages: their one inline style, nothing else."""


def _page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    text = (
        f'<!doctype html><html lang="sv"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)} · hubsense</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )
    return HTMLResponse(
        text, status_code=status_code, headers={"Content-Security-Policy": PAGE_CSP}
    )


def safe_next(target: str | None) -> str:
    """A local path to go to after login; anything else (another host, a scheme, a
    backslash or control character) becomes ``/``."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or any(c == "\\" or ord(c) < 0x20 or ord(c) == 0x7F for c in target)
    ):
        return "/"
    return target


def _login_page(
    root: str, target: str, error: str | None = None, status_code: int = 200
) -> HTMLResponse:
    message = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    return _page(
        "Logga in · Sign in",
        "<h1>hubsense</h1>"
        f'<form method="post" action="{html.escape(root)}/login">'
        f'<input type="hidden" name="next" value="{html.escape(target)}">'
        '<label for="key">API-nyckel · API key</label>'
        '<input id="key" name="key" type="password" autocomplete="current-password" '
        "required autofocus>"
        '<button type="submit">Logga in · Sign in</button></form>'
        f"{message}",
        status_code=status_code,
    )


def _clear_cookie(response: Response, scope: Scope) -> None:
    response.delete_cookie(
        SESSION_COOKIE,
        path=_root(scope) or "/",
        secure=scope.get("scheme") == "https",
        httponly=True,
        samesite="strict",
    )


router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> Response:  # noqa: A002
    root = _root(request.scope)
    if request.app.state.api_keys is None:
        return RedirectResponse(root + safe_next(next), status_code=303)
    return _login_page(root, safe_next(next))


@router.post("/login")
async def login(request: Request) -> Response:
    root = _root(request.scope)
    keys: KeySource | None = request.app.state.api_keys
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return JSONResponse({"detail": "send the login form (urlencoded)"}, status_code=415)
    form = parse_qs(
        (await request.body()).decode("utf-8", "replace"),
        keep_blank_values=True,
        max_num_fields=10,
    )
    target = safe_next(form.get("next", ["/"])[0])
    if keys is None:
        return RedirectResponse(root + target, status_code=303)
    entry = keys.ring().lookup(form.get("key", [""])[0].strip())
    if entry is None:
        client = request.client.host if request.client else "?"
        log.info("login refused from %s", client)
        return _login_page(
            root, target, "Okänd eller återkallad nyckel · Unknown or revoked key", 401
        )
    sessions: Sessions = request.app.state.sessions
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        sessions.drop(old)
    response = RedirectResponse(root + target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        sessions.create(entry),
        max_age=int(sessions.max_age_s),
        path=root or "/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    log.info("login: %r (%s, %s)", entry.name, entry.role, entry.scope)
    return response


@router.api_route("/logout", methods=["GET", "POST"])
async def logout(request: Request) -> Response:  # async: sessions live on the event loop
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        request.app.state.sessions.drop(token)
    response = RedirectResponse(_root(request.scope) + "/login", status_code=303)
    _clear_cookie(response, request.scope)
    return response


def warn_of_unknown_scopes(keys: KeySource, registry: Registry) -> None:
    """Log each key whose scope names an id the registry does not have: it grants nothing
    there (the key sees no such hub), but it is most likely a mistake worth fixing."""
    for entry in keys.ring().entries:
        unknown = entry.scope.unknown_ids(registry)
        if unknown:
            log.warning(
                "API key %r is scoped to %s, which the registry does not have: it sees "
                "nothing of %s",
                entry.name,
                entry.scope,
                ", ".join(unknown),
            )


# --- headers, body size, CORS ----------------------------------------------------------------

DEFAULT_CSP: Final = (
    "default-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
"""For every response that brings no CSP of its own (JSON, errors): load nothing."""

SECURITY_HEADERS: Final = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=()"
    ),
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}
"""Set on every response unless the response set the header itself."""

_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)
_DOCS_CDN = "https://cdn.jsdelivr.net"


def docs_csp(body: bytes) -> str:
    """CSP for FastAPI's Swagger UI page: its scripts and styles come from the jsDelivr
    CDN and it has inline scripts, allowed by their SHA-256 (never 'unsafe-inline')."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode()}'"
        for m in _INLINE_SCRIPT.finditer(body)
    )
    return (
        f"default-src 'none'; script-src {_DOCS_CDN} {hashes}; "
        f"style-src {_DOCS_CDN} 'unsafe-inline'; "
        "img-src 'self' data: https://fastapi.tiangolo.com; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, docs_paths: Iterable[str] = ()) -> None:
        self.app = app
        self.docs_paths = frozenset(docs_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        def harden(message: Message) -> MutableHeaders:
            headers = MutableHeaders(scope=message)
            for name, value in SECURITY_HEADERS.items():
                headers.setdefault(name, value)
            if https:
                headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            return headers

        if route_path(scope) in self.docs_paths:
            await self.app(scope, receive, _buffered_docs(send, harden))
            return

        async def send_hardened(message: Message) -> None:
            if message["type"] == "http.response.start":
                harden(message).setdefault("Content-Security-Policy", DEFAULT_CSP)
            await send(message)

        await self.app(scope, receive, send_hardened)


def _buffered_docs(
    send: Send, harden: Callable[[Message], MutableHeaders]
) -> Callable[[Message], Awaitable[None]]:
    """Holds the docs page back until its body is complete, to hash its inline scripts."""
    start: Message | None = None
    chunks: list[bytes] = []

    async def send_docs(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        if message["type"] != "http.response.body" or start is None:
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        body = b"".join(chunks)
        harden(start).setdefault("Content-Security-Policy", docs_csp(body))
        await send(start)
        await send({"type": "http.response.body", "body": body})

    return send_docs


class BodyTooLarge(StarletteHTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than {limit} bytes (max_request_bytes)")


class BodySizeLimitMiddleware:
    """413 for a body over ``max_bytes``: at once when Content-Length says so, else as soon
    as the streamed body passes the limit (the app gets an error instead of more body)."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                await JSONResponse({"detail": "bad Content-Length"}, 400)(scope, receive, send)
                return
            if int(declared) > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            {"detail": f"request body larger than {self.max_bytes} bytes (max_request_bytes)"},
            status_code=413,
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


# --- wiring ----------------------------------------------------------------------------------


def install_security(app: FastAPI, settings: Settings, keys: KeySource | None = None) -> None:
    """Login routes and the middleware stack. Outermost first: security headers → CORS
    (if configured) → body size limit → authentication → the app.

    ``keys``: the accepted keys (tests pass a ``KeyRing``); by default the configured keys
    file, and ConfigError if authentication is on and there is none. Ignored, with
    authentication, when ``auth_enabled`` is false.
    """
    if not settings.auth_enabled:
        if keys is not None:
            log.warning("auth_enabled is false: the API keys given are not checked")
        keys = None
    elif keys is None:
        keys = key_file_for(settings)
    sessions = Sessions(settings.session_max_age_s)
    app.state.api_keys = keys
    if keys is not None:
        warn_of_unknown_scopes(keys, app.state.registry)
    app.state.sessions = sessions
    app.include_router(router)
    app.add_middleware(AuthMiddleware, keys=keys, sessions=sessions)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "HEAD", "POST"],
            allow_headers=["Authorization", "Content-Type"],
            allow_credentials=False,  # cookies stay same-site; other origins use keys
            max_age=600,
        )
    docs = [p for p in (app.docs_url, app.swagger_ui_oauth2_redirect_url) if p]
    app.add_middleware(SecurityHeadersMiddleware, docs_paths=docs)
