"""What keeps `symcheck serve` safe as a public service, below the routes.

- `Guard`, an ASGI middleware: the `Host` header must name this server (the bound
  address, localhost, 127.0.0.1, [::1], or a name allowed with `--allow-host`), which
  defeats DNS rebinding; every POST must come from the page's own origin (an `Origin`,
  when sent, equal to the `Host`) and carry `application/json`, which defeats
  cross-site requests (a form or a text/plain fetch from another site). Every answer
  gets the security headers.
- `protocol`, uvicorn's HTTP/1.1 protocol with a connection cap (beyond it a
  connection is answered 503 and closed at once) and a request timeout (a request's
  headers and body must arrive within `request_seconds` of its first byte, and a new
  connection's first request within as long of the connection, else 408 and the
  connection is closed: a client sending a byte a second, or nothing, holds nothing).
- `run`, the server itself (uvicorn) with both."""
from __future__ import annotations

import ipaddress
import json
from urllib.parse import urlsplit

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
                    "Cross-Origin-Opener-Policy": "same-origin"}
LOOPBACK = ("localhost", "127.0.0.1", "::1")
CONNECTIONS = 64  # open connections at once
REQUEST_SECONDS = 10.0  # from a request's first byte to its last


def host_names(bound: str | None, allowed=()) -> frozenset[str]:
    """The names a `Host` header may give: the bound address (unless it is a wildcard
    such as 0.0.0.0, which no client names), the loopback names, and `allowed`."""
    names = {*LOOPBACK, *(a.strip().lower().strip("[]") for a in allowed if a.strip())}
    if bound and bound not in ("0.0.0.0", "::", ""):
        names.add(bound.lower().strip("[]"))
    return frozenset(names)


def host_name(host: str) -> str:
    """`example.org:8000` -> `example.org`; `[::1]:8000` -> `::1`."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    name, colon, port = host.rpartition(":")
    if colon and port.isdigit() and name:
        try:  # a bare IPv6 address has colons of its own
            ipaddress.IPv6Address(host)
            return host
        except ValueError:
            return name
    return host


class Guard:
    """Host, Origin and content type checks, and the security headers, for every request."""

    def __init__(self, app, hosts: frozenset[str]):
        self.app, self.hosts = app, hosts

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self.refusal(scope["method"], headers)
        if refusal is not None:
            status, message, hint = refusal
            return await _answer(send, status, message, hint)
        api = scope["path"].startswith("/api/")

        async def with_headers(message):
            if message["type"] == "http.response.start":
                extra = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                if api:
                    extra.append((b"cache-control", b"no-store"))
                names = {k for k, _ in extra}
                message = {**message, "headers": [h for h in message.get("headers", []) if h[0].lower() not in names]
                           + extra}
            await send(message)
        return await self.app(scope, receive, with_headers)

    def refusal(self, method: str, headers: dict) -> tuple[int, str, str] | None:
        host = headers.get("host", "")
        if host_name(host) not in self.hosts:
            return (400, f"this server does not answer for the host {host[:80]!r}",
                    "open it as http://localhost:PORT/, or start it with --allow-host NAME")
        if method in ("GET", "HEAD"):
            return None
        origin = headers.get("origin")
        if origin is not None and urlsplit(origin).netloc.lower() != host.strip().lower():
            return 403, f"a request from another site ({origin[:80]}) may not use this server", ""
        if method != "POST":
            return 405, f"method {method[:10]} is not allowed", "GET a page or POST to the API"
        if headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
            return 415, "the request must be JSON (Content-Type: application/json)", ""
        return None


async def _answer(send, status: int, message: str, hint: str = "") -> None:
    """A refusal as the API words errors (JSON, ASCII only), with the security headers."""
    error = {"message": message, "where": None, "hint": hint or None,
             "text": f"error: {message}" + (f"\nnote: {hint}" if hint else "")}
    body = json.dumps({"error": error}).encode("ascii")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               (b"connection", b"close"), *[(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def protocol(connections: int = CONNECTIONS, request_seconds: float = REQUEST_SECONDS):
    """uvicorn's h11 protocol with the connection cap and the request timeout."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    refused = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nRetry-After: 1\r\n"
               b"Connection: close\r\nContent-Length: 30\r\n\r\ntoo many connections; retry.\r\n")
    timed_out = (b"HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain\r\nConnection: close\r\n"
                 b"Content-Length: 34\r\n\r\nthe request took too long to send\n")

    class Guarded(H11Protocol):
        timer = None
        fresh = True  # no request yet: a new connection must send its first within the time too

        def connection_made(self, transport):
            super().connection_made(transport)
            if len(self.connections) > connections:
                transport.write(refused)
                transport.close()
                return
            self.watch()

        def handle_events(self):
            super().handle_events()
            if self.cycle is not None:
                self.fresh = False
            self.watch()

        def watch(self):
            """The timer runs while a request is awaited on a new connection or arriving
            (from its first byte, buffered, not yet a whole header, through its body);
            between requests uvicorn's keep-alive timeout closes an idle connection."""
            arriving = self.conn.their_state is h11.SEND_BODY or (
                self.conn.their_state is h11.IDLE and (self.fresh or bool(self.conn.trailing_data[0])))
            if arriving and self.timer is None:
                self.timer = self.loop.call_later(request_seconds, self.too_slow)
            elif not arriving and self.timer is not None:
                self.timer.cancel()
                self.timer = None

        def too_slow(self):
            self.timer = None
            if self.transport.is_closing():
                return
            if self.cycle is None or self.cycle.response_complete or not self.cycle.response_started:
                self.transport.write(timed_out)
            self.transport.close()

        def connection_lost(self, exc):
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
            super().connection_lost(exc)

    return Guarded


def config(app, host: str, port: int, connections: int = CONNECTIONS, request_seconds: float = REQUEST_SECONDS):
    import uvicorn
    return uvicorn.Config(app, host=host, port=port, http=protocol(connections, request_seconds),
                          log_level="warning", access_log=False, timeout_keep_alive=5,
                          h11_max_incomplete_event_size=16 * 1024)


def run(app, host: str, port: int, connections: int = CONNECTIONS, request_seconds: float = REQUEST_SECONDS) -> None:
    import uvicorn
    uvicorn.Server(config(app, host, port, connections, request_seconds)).run()
