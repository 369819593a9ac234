"""What every request passes before the app sees it: a known host name, a same-site origin for
anything that changes state, and a capped body. Also the shortening of messages that quote input.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException

__all__ = ["LOCAL_HOSTS", "MAX_BODY_BYTES", "Guard", "host_of", "shorten"]

LOCAL_HOSTS = ["127.0.0.1", "localhost", "::1"]
MAX_BODY_BYTES = 2**20
"""The largest request body the server reads (a run request is well under a kilobyte)."""
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
MAX_WORD = 80
MAX_MESSAGE = 2000

_DEFAULT_PORTS = {"http": "80", "https": "443"}
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD + 1},}}")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def host_of(header: str) -> str:
    """The host name of a Host header, without the port ('[::1]:8765' -> '::1')."""
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


def shorten(text: str) -> str:
    """`text` with every run of more than 80 non-blank characters cut, and at most 2,000
    characters in all: a message never echoes a large input."""
    text = _LONG_WORD.sub(lambda m: m.group()[: MAX_WORD - 1] + "…", text)
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def _netloc(scheme: str, host: str, port: str | None) -> str:
    """scheme://host:port with the scheme's default port filled in, lower case."""
    return f"{scheme}://{host.lower()}:{port or _DEFAULT_PORTS.get(scheme, '')}"


def _served(host_header: str, scheme: str) -> str:
    host = host_of(host_header)
    rest = host_header[len(host) + 2 :] if host_header.startswith("[") else host_header[len(host) :]
    return _netloc(scheme, host, rest.lstrip(":") or None)


def _origin_of(url: str) -> str | None:
    """scheme://host:port of an Origin or Referer value, or None when it names no http(s)
    site."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return _netloc(parts.scheme, parts.hostname, None if port is None else str(port))


class _TooLarge(HTTPException):
    """Raised while the body is read (FastAPI passes an HTTPException through as its status)."""


class Guard:
    """ASGI middleware: 400 for a host name not in `hosts`, 403 for a state-changing request
    from another origin, 413 for a body over `max_body` bytes (refused before it is read)."""

    def __init__(self, app: Any, hosts: Iterable[str], max_body: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.hosts = {h.lower() for h in hosts}
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        problem = self._problem(scope, headers)
        if problem is not None:
            await _reply(send, *problem)
            return
        started = False

        async def tracked(message: dict[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        received = 0

        async def limited() -> dict[str, Any]:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise _TooLarge(*self._too_large())
            return message

        try:
            await self.app(scope, limited, tracked)
        except _TooLarge:
            if not started:
                await _reply(send, *self._too_large())

    def _problem(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        # A page on another site must not reach this server through a host name it controls.
        host_header = headers.get("host", "")
        if host_of(host_header).lower() not in self.hosts:
            return 400, "invalid host header"
        if scope["method"] not in SAFE_METHODS:
            # A page on another site must not make a visitor's browser start or stop runs here.
            claimed = headers.get("origin") or headers.get("referer")
            served = _served(host_header, scope.get("scheme", "http"))
            if claimed is not None and _origin_of(claimed) != served:
                return 403, "cross-origin request refused: the Origin is not this dashboard"
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return self._too_large()
        return None

    def _too_large(self) -> tuple[int, str]:
        return 413, f"request body too large: at most {self.max_body:,} bytes"


async def _reply(send: Send, status: int, message: str) -> None:
    body = json.dumps({"detail": message}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"cache-control", b"no-store"),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
