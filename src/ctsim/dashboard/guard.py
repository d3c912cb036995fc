"""Safe on a classroom network: which requests the server answers, and how many sessions it keeps.

:class:`Guard` wraps the Solara app (an ASGI app) and

- answers only requests whose ``Host`` header names this server: a loopback name (``127.0.0.1``, ``localhost``,
  ``[::1]``), the address given with ``--host``, any IP address of this computer's (trainees on the LAN type one),
  or a name added with ``--allow-host``. A page on another site cannot reach the server through a name of its own
  (DNS rebinding);
- accepts a websocket (the channel that drives a session) only when its ``Origin`` is this server itself: a page
  the trainer opens elsewhere cannot drive or watch a session. Solara's front end always sends one;
- refuses a new session's websocket once :func:`live_sessions` reaches the cap (``--max-sessions``); the page's
  own cap on sessions that hold models (:class:`SessionCounter`) says so in words.

The websocket of a session also tells which browser opened it: :func:`client_of` gives the address of the kernel's
browser, so that only the trainer's own computer (a loopback client) runs an exercise's packages.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
from collections.abc import Iterable
from urllib.parse import urlsplit

log = logging.getLogger("ctsim.dashboard")
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
KERNEL_PATH = "/jupyter/api/kernels/"

_clients: dict[str, str] = {}  # kernel id -> the client address of its websocket
_clients_lock = threading.Lock()


def split_host(value: str) -> tuple[str, int | None]:
    """``host[:port]`` (IPv6 in brackets) as (host, port)."""
    parts = urlsplit(f"//{value}")
    try:
        port = parts.port
    except ValueError:
        port = -1
    return (parts.hostname or "").lower(), port


def is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def is_loopback(address: str) -> bool:
    """Whether a client address is this computer's loopback."""
    if address in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def client_of(kernel_id: str | None) -> str | None:
    """The address of the browser whose websocket opened kernel ``kernel_id`` (None: unknown)."""
    with _clients_lock:
        return _clients.get(kernel_id or "")


def live_sessions() -> int:
    """Solara kernels (browser tabs) alive now."""
    from solara.server import kernel_context

    return len(kernel_context.contexts)


class SessionCounter:
    """The sessions that hold models, at most ``cap`` at a time (thread-safe)."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._held: set[int] = set()
        self._lock = threading.Lock()

    def take(self, key: int) -> bool:
        """Count session ``key`` in; False when the cap is reached (it is not counted)."""
        with self._lock:
            if key in self._held:
                return True
            if len(self._held) >= self.cap:
                return False
            self._held.add(key)
            return True

    def give_back(self, key: int) -> None:
        with self._lock:
            self._held.discard(key)

    def __len__(self) -> int:
        with self._lock:
            return len(self._held)


class Guard:
    """ASGI middleware that checks ``Host`` on every request and ``Origin`` and the session cap on websockets.

    Args:
        app: the wrapped ASGI app.
        port: the port served (an ``Origin`` or ``Host`` naming another port is another site).
        hosts: further host names to accept (``--host`` and ``--allow-host``).
        max_kernels: websockets of new sessions are refused beyond this many live sessions (None: no cap).
    """

    def __init__(self, app, port: int, hosts: Iterable[str] = (), max_kernels: int | None = None) -> None:
        self.app = app
        self.port = port
        self.hosts = frozenset(h.lower().strip("[]") for h in hosts) | LOOPBACK_NAMES
        self.max_kernels = max_kernels

    def host_allowed(self, value: str | None) -> bool:
        """Whether a ``Host`` header names this server."""
        if not value:
            return False
        name, port = split_host(value)
        if port not in (None, self.port):
            return False
        return name in self.hosts or (is_ip(name) and name != "0.0.0.0")

    def origin_allowed(self, origin: str | None, host: str | None) -> bool:
        """Whether a websocket's ``Origin`` is the page this server served (same host and port)."""
        if not origin or not host:
            return False
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https"):
            return False
        try:
            origin_port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return False
        host_name, host_port = split_host(host)
        return (parts.hostname or "").lower() == host_name and origin_port == (host_port or 80)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host")
        if not self.host_allowed(host):
            log.warning("refused a request for host %r (not this server)", host)
            await self._refuse(scope, receive, send, 421, "this server does not answer for that host name")
            return
        if scope["type"] == "websocket":
            if not self.origin_allowed(headers.get("origin"), host):
                log.warning("refused a websocket from origin %r", headers.get("origin"))
                await self._refuse(scope, receive, send, 403, "foreign origin")
                return
            path = scope.get("path", "")
            if path.startswith(KERNEL_PATH):
                kernel_id = path[len(KERNEL_PATH):].split("/")[0]
                if self.max_kernels is not None and not self._known(kernel_id) \
                        and live_sessions() >= self.max_kernels:
                    log.warning("refused a new session: %d sessions are open", live_sessions())
                    await self._refuse(scope, receive, send, 503, "too many sessions")
                    return
                client = scope.get("client") or ("", 0)
                with _clients_lock:
                    _clients[kernel_id] = client[0]
        await self.app(scope, receive, send)

    @staticmethod
    def _known(kernel_id: str) -> bool:
        from solara.server import kernel_context

        return kernel_id in kernel_context.contexts

    @staticmethod
    async def _refuse(scope, receive, send, status: int, reason: str) -> None:
        if scope["type"] == "websocket":
            await receive()  # the websocket.connect message
            await send({"type": "websocket.close", "code": 1008, "reason": reason})
            return
        body = f"{reason}\n".encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
