"""Safe on a classroom network: the guard answers only for this server's names, lets a websocket in only from this
server's own page, refuses new sessions beyond the cap; the page's own cap on sessions that hold models."""

from __future__ import annotations

import asyncio

import pytest

from ctsim.dashboard import guard
from ctsim.dashboard.guard import Guard, SessionCounter

PORT = 8765


async def _inner(scope, receive, send):
    """The wrapped app: accepts a websocket, answers 200 to HTTP."""
    if scope["type"] == "websocket":
        await receive()
        await send({"type": "websocket.accept"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _call(app, kind: str, headers: dict[str, str], path: str = "/") -> list[dict]:
    sent: list[dict] = []
    scope = {"type": kind, "path": path, "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
             "client": ("127.0.0.1", 50000)}

    async def receive():
        return {"type": "websocket.connect"} if kind == "websocket" else {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


@pytest.mark.parametrize(("host", "allowed"), [
    ("127.0.0.1:8765", True), ("localhost:8765", True), ("[::1]:8765", True), ("192.168.1.20:8765", True),
    ("classroom.example:8765", False), ("127.0.0.1:9999", False), ("0.0.0.0:8765", False), ("", False),
])
def test_only_this_servers_names_are_answered(host, allowed):
    sent = _call(Guard(_inner, PORT), "http", {"host": host} if host else {})
    assert (sent[0]["status"] == 200) is allowed, f"Host {host!r}: {'answered' if allowed else 'refused'}"


def test_a_name_given_with_allow_host_is_answered():
    sent = _call(Guard(_inner, PORT, hosts=["trainer-laptop"]), "http", {"host": "trainer-laptop:8765"})
    assert sent[0]["status"] == 200


@pytest.mark.parametrize(("origin", "accepted"), [
    ("http://127.0.0.1:8765", True), ("http://evil.example", False), ("http://127.0.0.1:9000", False),
    ("null", False), (None, False), ("http://localhost:8765", False),
])
def test_a_websocket_is_let_in_only_from_this_servers_page(origin, accepted):
    headers = {"host": "127.0.0.1:8765", **({"origin": origin} if origin else {})}
    sent = _call(Guard(_inner, PORT), "websocket", headers, "/other")
    assert (sent[0]["type"] == "websocket.accept") is accepted, f"Origin {origin!r}"
    if not accepted:
        assert sent[0] == {"type": "websocket.close", "code": 1008, "reason": "foreign origin"}


def test_new_sessions_beyond_the_cap_are_refused(monkeypatch):
    monkeypatch.setattr(guard, "live_sessions", lambda: 3)
    monkeypatch.setattr(Guard, "_known", staticmethod(lambda kernel_id: kernel_id == "old"))
    app = Guard(_inner, PORT, max_kernels=3)
    headers = {"host": "127.0.0.1:8765", "origin": "http://127.0.0.1:8765"}
    refused = _call(app, "websocket", headers, "/jupyter/api/kernels/new/channels")
    assert refused[0]["type"] == "websocket.close" and refused[0]["reason"] == "too many sessions"
    known = _call(app, "websocket", headers, "/jupyter/api/kernels/old/channels")
    assert known[0]["type"] == "websocket.accept", "a session already open reconnects"
    assert guard.client_of("old") == "127.0.0.1", "the kernel's browser address is kept"


def test_the_session_counter_caps_and_frees():
    counter = SessionCounter(2)
    assert counter.take(1) and counter.take(2) and counter.take(1), "a session counted once"
    assert not counter.take(3), "a third session is refused"
    counter.give_back(1)
    assert counter.take(3) and len(counter) == 2, "a closed session frees its place"


@pytest.mark.parametrize(("address", "loopback"), [("127.0.0.1", True), ("::1", True), ("127.0.0.5", True),
                                                   ("192.168.1.4", False), ("", False)])
def test_loopback_clients(address, loopback):
    assert guard.is_loopback(address) is loopback
