"""The browser's half of a session that outlives a page load: an HttpOnly cookie, set by a route of our own.

Streamlit 1.67 lets a script read cookies (`st.context.cookies`: those sent with the page load's WebSocket
request) but not write one, and JavaScript can write only cookies that JavaScript can also read. Its ASGI entry
point (`st.App`, used by serve.py) adds HTTP routes to the same server, and the response of such a route can set
an HttpOnly cookie, which no script on the page can read. So a cookie is set, renewed or cleared in three steps:

1. the page's script registers a one-time code here (`offer`: set this token, renew the cookie of this session,
   clear it) and draws a few lines of JavaScript (`draw`) that POST the code to ROUTE;
2. the route (`_exchange`, same process) redeems the code: once, within HANDOFF_SECONDS, from the client address
   it was made for when that is known, and only from a same-origin request; it answers with
   `Set-Cookie: guanai_session=…; HttpOnly; SameSite=Strict; Path=/; Max-Age=<idle timeout>`, `Secure` when the
   page was loaded over HTTPS;
3. a later page load (F5, a link opened in a new tab) brings the cookie; `cookie_token` reads it and
   app_ui/auth.py hands it to pipeline.sessions.resume.

The token never appears on the page: the JavaScript carries only the one-time code, and a renewal or clearing
carries no token at all (the route reads the cookie the browser sent). Without serve.py (`streamlit run
app.py`, AppTest) there is no route: `enabled()` is False, no session row is made and a reload asks for the
password again, as before.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass

import streamlit as st

from pipeline import config

COOKIE = "guanai_session"
ROUTE = "/_guanai/session"
HEADER = "X-Guanai-Handoff"
HANDOFF_SECONDS = 60.0
MAX_PENDING = 10_000  # codes waiting at once in the process; the oldest go first beyond this
KINDS = ("set", "renew", "clear")


@dataclass(frozen=True)
class _Handoff:
    kind: str  # set | renew | clear
    token: str | None  # set: the new session's token
    token_hash: str | None  # renew: the session the browser's cookie must belong to
    max_age: int  # seconds the cookie lives (set, renew)
    client: str | None  # the client's address the code was made for (None when unknown)
    deadline: float  # time.monotonic() after which the code is void


_LOCK = threading.Lock()
_PENDING: dict[str, _Handoff] = {}  # by the SHA-256 of the code
_mounted = False


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def routes() -> list:
    """The HTTP route serve.py adds to Streamlit's server; from then on `enabled()` is True in this process."""
    from starlette.routing import Route

    global _mounted
    _mounted = True
    return [Route(ROUTE, _exchange, methods=["POST"])]


def enabled() -> bool:
    """Whether this process serves the route, so that a browser session can be kept (serve.py)."""
    return _mounted


def offer(
    kind: str,
    *,
    token: str | None = None,
    token_hash: str | None = None,
    max_age: int = 0,
    client: str | None = None,
) -> str:
    """Register a one-time code for the route and return it (to be drawn on the page by `draw`)."""
    if kind not in KINDS:
        raise ValueError(f"unknown handoff {kind!r}")
    code = secrets.token_urlsafe(32)
    now = time.monotonic()
    handoff = _Handoff(kind, token, token_hash, int(max_age), client, now + HANDOFF_SECONDS)
    with _LOCK:
        for key in [key for key, old in _PENDING.items() if old.deadline < now]:
            del _PENDING[key]
        while len(_PENDING) >= MAX_PENDING:
            del _PENDING[next(iter(_PENDING))]
        _PENDING[_digest(code)] = handoff
    return code


def pending(code: str) -> bool:
    """Whether a code is still waiting for the browser (not yet redeemed, not expired)."""
    with _LOCK:
        handoff = _PENDING.get(_digest(code))
    return handoff is not None and handoff.deadline >= time.monotonic()


def _redeem(code: str, client: str | None) -> _Handoff | None:
    """The handoff of a code, used up; None for an unknown, expired or other client's code."""
    if not code or len(code) > 128:
        return None
    with _LOCK:
        handoff = _PENDING.pop(_digest(code), None)
    if handoff is None or handoff.deadline < time.monotonic():
        return None
    if handoff.client is not None and handoff.client != client:
        return None
    return handoff


def request_client(request) -> str | None:
    """The client's address as app_ui/auth.py sees it: the trusted proxy's header when configured, else the peer's
    (None for a local client, as st.context.ip_address)."""
    header = config.client_address_header()
    if header:
        forwarded = request.headers.get(header, "")
        if forwarded.strip():
            return forwarded.split(",")[0].strip() or None
    peer = request.client.host if request.client is not None else None
    return None if peer in (None, "127.0.0.1", "::1") else peer


async def _exchange(request):
    """POST ROUTE with the code in HEADER: set, renew or clear the session cookie (204), else 403/404."""
    from starlette.responses import Response

    headers = {"Cache-Control": "no-store"}
    if request.headers.get("sec-fetch-site", "same-origin") != "same-origin":  # another site's page
        return Response(status_code=403, headers=headers)
    handoff = _redeem(request.headers.get(HEADER, ""), request_client(request))
    if handoff is None:
        return Response(status_code=404, headers=headers)
    origin = request.headers.get("origin", "")
    secure = request.url.scheme == "https" or origin.startswith("https://")
    response = Response(status_code=204, headers=headers)
    options = {"path": "/", "secure": secure, "httponly": True, "samesite": "strict"}
    if handoff.kind == "clear":
        response.delete_cookie(COOKIE, **options)
        return response
    if handoff.kind == "set":
        value = handoff.token
    else:  # renew: the cookie the browser sent must be the session's own
        value = request.cookies.get(COOKIE, "")
        sent = hashlib.sha256(value.encode("utf-8")).hexdigest()
        if not value or not hmac.compare_digest(sent, handoff.token_hash or ""):
            return Response(status_code=409, headers=headers)
    response.set_cookie(COOKIE, value, max_age=handoff.max_age, **options)
    return response


def cookie_token() -> str | None:
    """The session token the page load brought, if any."""
    value = st.context.cookies.get(COOKIE)
    return value if isinstance(value, str) and value else None


# the element holding the script is hidden, so that it leaves no gap among the sidebar's elements
_SCRIPT = (
    '<style>[data-testid="stElementContainer"]:has(.guanai-handoff){{display:none}}</style>'
    '<span class="guanai-handoff"></span>'
    '<script>fetch("{route}",{{method:"POST",headers:{{"{header}":"{code}"}},credentials:"same-origin",'
    'cache:"no-store"}}).catch(function(){{}});</script>'
)


def draw(code: str) -> None:
    """The JavaScript that hands a code to the route (runs once when the page shows it; takes no space)."""
    # the code is URL-safe base64 (letters, digits, - and _) and ROUTE and HEADER are constants: nothing here
    # comes from a user or a file
    st.html(_SCRIPT.format(route=ROUTE, header=HEADER, code=code), unsafe_allow_javascript=True)
