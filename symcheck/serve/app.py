"""The web application of `symcheck serve` (starlette, served by uvicorn).

    GET  /                  the page (static/index.html; static/app.js, static/style.css)
    GET  /api/catalog       every claim family with its title, statement and variants
    GET  /api/claim/NAME    one variant: its file's YAML, its constants, depth, expectation
    POST /api/run           check a variant (or pasted text) with overrides, depth and engine
    POST /api/explore       replay a path of actions by hand; the actions enabled after it
    POST /api/unshare       the run a share link encodes

The input is untrusted. A request body is at most 64 KB and the depth at most 30; claim
names are checked (no paths); a pasted claim may not read data files. Loading a claim,
each run and each exploration happen in worker processes under hard time and memory
limits (the one sandbox, symcheck.limits; runs through symcheck.api.prove); at most
`workers` requests at once, beyond that 503 with Retry-After. Bad input answers 400 with the located message, never a
traceback; `unknown` stays `unknown`. Every response carries a Content-Security-Policy
that allows only the server's own scripts, styles and fonts."""
from __future__ import annotations

import json
import logging
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import SimpleNamespace

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from symcheck.errors import InputError
from symcheck.front.claims import catalog, claims_dir
from symcheck.front.ir import Invariant, Model, Property
from symcheck.front.values import render
from symcheck.report.itf import itf_trace
from symcheck.report.text import as_json, constant_text, headline, result_document
from symcheck.serve import loading, share
from symcheck.serve.explore import label
from symcheck.trace import HOLDS, PROVED, UNKNOWN, VIOLATED, Result

STATIC = Path(__file__).with_name("static")
MAX_BODY = 64 * 1024
MAX_DEPTH = 30
LOAD_SECONDS = 5.0  # at least this long to load a claim (its own worker) before the run's time limit starts
ENGINES = ("auto", "bmc", "kind", "pdr")
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
                    "Cross-Origin-Opener-Policy": "same-origin"}
log = logging.getLogger("symcheck.serve")


@dataclass
class Settings:
    claims: Path = field(default_factory=claims_dir)
    workers: int = 2  # runs at once
    time_limit: float = 10.0  # seconds per run
    memory_limit: int = 512  # megabytes per run
    running: int = 0  # runs under way (changed on the event loop only)

    def public(self, text: str) -> str:
        """A claim file's place as the page shows it: under `claims/`, never the server's own path."""
        return text.replace(str(self.claims).rstrip("/") + "/", "claims/", 1) if text else text

    @property
    def retry_after(self) -> int:
        return max(1, math.ceil(self.time_limit / 10))  # most small checks take about a second


class TooLarge(Exception):
    pass


class Busy(Exception):
    pass


def create_app(claims: str | Path | None = None, workers: int = 2, time_limit: float = 10.0,
               memory_limit: int = 512) -> Starlette:
    import symcheck.smt.solve  # noqa: F401 - load Z3 once, before any worker is forked
    settings = Settings(claims_dir(str(claims) if claims else None), workers, time_limit, memory_limit)
    cache: dict = {}

    def entries():
        if "catalog" not in cache:
            cache["catalog"] = catalog(settings.claims)
        return cache["catalog"]

    async def page(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    async def catalog_(request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(lambda: catalog_json(entries())))

    async def claim(request: Request) -> Response:
        name = loading.check_name(request.path_params["name"])
        if name not in entries():
            loading.entry(settings.claims, name)  # the located error with a suggestion
        return JSONResponse(await run_in_threadpool(lambda: claim_json(entries()[name], entries())))

    async def run(request: Request) -> Response:
        req = run_request(await read_json(request))
        async with _slot(settings):
            return JSONResponse(await run_in_threadpool(check, settings, req))

    async def explore_(request: Request) -> Response:
        body = await read_json(request)
        req = run_request(body)
        async with _slot(settings):
            return JSONResponse(await run_in_threadpool(explore_path, settings, req, body.get("path", [])))

    async def unshare(request: Request) -> Response:
        body = await read_json(request)
        state = share.decode(str(body.get("s") or ""))
        run_request(state)  # a link holds what a run accepts, or it is refused here
        return JSONResponse(state)

    routes = [Route("/", page), Route("/api/catalog", catalog_), Route("/api/claim/{name}", claim),
              Route("/api/run", run, methods=["POST"]), Route("/api/explore", explore_, methods=["POST"]),
              Route("/api/unshare", unshare, methods=["POST"]),
              Mount("/static", StaticFiles(directory=STATIC), name="static")]
    handlers = {InputError: _input_error, TooLarge: _too_large, Busy: _busy, Exception: _internal_error}
    app = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)], exception_handlers=handlers)
    app.state.settings = settings

    return app


class SecurityHeaders:
    """Every response gets the security headers; the API's are not cached."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        api = scope["path"].startswith("/api/")

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for k, v in SECURITY_HEADERS.items():
                    headers[k] = v
                if api:
                    headers["Cache-Control"] = "no-store"
            await send(message)
        return await self.app(scope, receive, send_with_headers)


class _slot:
    """One of the `workers` run slots, or Busy (503) when all are taken."""

    def __init__(self, settings: Settings):
        self.settings = settings

    async def __aenter__(self):
        if self.settings.running >= self.settings.workers:
            raise Busy(self.settings.retry_after)
        self.settings.running += 1

    async def __aexit__(self, *exc):
        self.settings.running -= 1


async def read_json(request: Request) -> dict:
    """The request's JSON object, refused past MAX_BODY bytes before it is all read."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
        raise TooLarge()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise TooLarge()
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InputError(None, "the request is not JSON") from None
    if not isinstance(data, dict):
        raise InputError(None, "the request must be a JSON object")
    return data


@dataclass(frozen=True)
class RunRequest:
    claim: str
    variant: str | None
    text: str | None
    overrides: dict
    depth: int | None
    engine: str


def run_request(body: dict) -> RunRequest:
    """The fields of a run (or an exploration, or a share link), checked."""
    text = body.get("text")
    if text is not None and not isinstance(text, str):
        raise InputError(None, "`text` must be the claim's YAML text")
    claim = body.get("claim")
    if text is None or claim:
        loading.check_name(claim)
    variant = body.get("variant") or None
    if variant is not None:
        loading.check_name(variant, "variant")
    overrides = body.get("overrides") or {}
    if not isinstance(overrides, dict) or not all(isinstance(v, (str, int)) for v in overrides.values()):
        raise InputError(None, "`overrides` must map constant names to values")
    depth = body.get("depth")
    if depth is not None and (isinstance(depth, bool) or not isinstance(depth, int) or not 0 <= depth <= MAX_DEPTH):
        raise InputError(None, f"depth must be a whole number from 0 to {MAX_DEPTH}",
                         "this server checks small bounded instances; run symcheck locally for deeper ones")
    engine = body.get("engine") or "auto"
    if engine not in ENGINES:
        raise InputError(None, f"unknown engine {str(engine)[:20]!r}", "one of " + ", ".join(ENGINES))
    return RunRequest(claim or "", variant, text, overrides, depth, engine)


def load(settings: Settings, req: RunRequest) -> Model:
    if req.text is None:
        return loading.load(settings.claims, req.claim, overrides=req.overrides)
    return loading.load(settings.claims, req.variant, text=req.text, overrides=req.overrides)


def limited(settings: Settings, req: RunRequest, work, what: str, seconds: float | None = None):
    """`work(model)` on the request's claim, loaded (parsed and checked: a pasted claim is
    untrusted) in a worker process under the run's memory limit and `seconds` (default:
    the run's time limit)."""
    from symcheck.limits import run_limited

    def job(progress):
        try:
            return work(load(settings, req))
        except InputError as exc:  # an exception's own pickling loses its place: send its parts
            return ("error", exc.span, exc.message, exc.hint)
    out = run_limited(job, SimpleNamespace(name=req.claim or loading.PASTED, expect=HOLDS),
                      seconds or settings.time_limit, settings.memory_limit)
    if isinstance(out, Result):  # a limit was hit
        raise InputError(None, f"{what} stopped: {out.reason}", "try a smaller instance (override constants)")
    if isinstance(out, tuple) and out[0] == "error":
        raise InputError(*out[1:])
    return out


def check(settings: Settings, req: RunRequest) -> dict:
    """Load, then prove in a worker under the limits; the page's view of the result."""
    from symcheck.api import prove
    model = limited(settings, req, lambda model: model, "loading the claim", max(settings.time_limit, LOAD_SECONDS))
    depth = min(model.depth, MAX_DEPTH) if req.depth is None else req.depth
    r = prove(model, depth=depth, timeout=settings.time_limit, memory=settings.memory_limit, engine=req.engine,
              prove_timeout=settings.time_limit / 2)
    return result_json(model, r, depth, req, settings)


def result_json(model: Model, r: Result, depth: int, req: RunRequest, settings: Settings) -> dict:
    doc = result_document([as_json(model, r)])
    out: dict = {"headline": headline(model, r), "verdict": r.verdict, "meaning": meaning(model, r, depth),
                 "as_expected": r.as_expected, "result": doc,
                 "configuration": configuration(model, r, depth, req, settings),
                 "explanation": ["  " * indent + line for indent, line in r.explanation],
                 "proof": list(r.proof), "reason": r.reason, "share": share.encode(asdict(req))}
    doc["results"][0]["file"] = settings.public(model.file)
    checked: list[Invariant | Property] = [*model.invariants, *model.properties]
    inv = next((i for i in checked if i.name == r.invariant), None)
    if inv is not None:
        out["violated"] = {"name": inv.name, "text": inv.text,
                           "where": settings.public(str(inv.span)) if inv.span else None}
    if r.trace is not None:
        out["rendered"] = [{n: render(step.state[n], t) for n, t in model.variables} for step in r.trace.steps]
        out["labels"] = [None if step.action is None else label(step.action, {p: v for p, v, _ in step.params},
                                                               {p: t for p, _, t in step.params})
                         for step in r.trace.steps]
    if r.trace is not None and r.violated:
        itf = itf_trace(model, r)
        itf["#meta"]["source"] = settings.public(model.file)
        out["itf"] = itf
    return out


def meaning(model: Model, r: Result, depth: int) -> str:
    if r.verdict == PROVED:
        return ("No reachable state violates an invariant, at any depth: the engine found a proof, and "
                "symcheck re-checked it.")
    if r.verdict == HOLDS:
        return (f"No path of up to {r.bound} steps violates an invariant. Longer paths were not checked, or "
                "the proof did not finish within the limits: this is a bounded result.")
    if r.verdict == VIOLATED and r.loop_start is not None:
        return (f"{r.invariant} fails on an infinite behaviour: the trace below ends by looping back to state "
                f"{r.loop_start}, and repeats that loop forever.")
    if r.verdict == VIOLATED:
        steps = "the initial state" if r.length == 0 else f"a path of {r.length} step{'s' if r.length != 1 else ''}"
        return f"{r.invariant} is false in {steps}: the trace below reaches it."
    return (f"symcheck could not decide within the limits ({r.reason}). Unknown is neither holds nor "
            "violated: lower the depth, or run symcheck locally without these limits.")


def configuration(model: Model, r: Result, depth: int, req: RunRequest, settings: Settings) -> list:
    config = r.config or {}
    rows = [["depth", str(depth)], ["engine", r.engine if r.verdict != UNKNOWN else req.engine],
            ["limits", f"{settings.time_limit:g} s, {settings.memory_limit} MB"]]
    for c in model.constants:
        value = render(config[c.name], c.type) if c.name in config else constant_text(c)
        rows.append([c.name + (" (overridden)" if c.name in req.overrides else ""), value])
    return rows


def explore_path(settings: Settings, req: RunRequest, path) -> dict:
    """The exploration runs in a worker under the same limits as a check."""
    from symcheck.serve.explore import explore
    return limited(settings, req, lambda model: explore(model, path, source=settings.public(model.file)), "exploring")


def catalog_json(entries: dict) -> list:
    families: dict = {}
    for name, e in entries.items():
        doc = e.variant.doc
        family = str(doc.get("claim").value)
        if family not in families:
            families[family] = {"family": family, "title": _text(doc, "title"), "statement": _text(doc, "statement"),
                                "file": e.file.name, "variants": []}
        families[family]["variants"].append({"name": name, "suffix": e.variant.suffix, "bug": e.variant.bug,
                                             "title": _text(doc, "title"), "expect": _text(doc, "expect") or HOLDS})
    return list(families.values())


def claim_json(e, entries: dict) -> dict:
    doc = e.variant.doc
    siblings = [x for x in entries.values() if x.file == e.file]
    return {"name": e.name, "suffix": e.variant.suffix, "family": str(doc.get("claim").value),
            "title": _text(doc, "title"), "statement": _text(doc, "statement"), "bug": e.variant.bug,
            "expect": _text(doc, "expect") or HOLDS, "depth": min(int(doc.get("depth").value), MAX_DEPTH)
            if doc.get("depth") is not None else None, "file": e.file.name,
            "text": e.file.read_text(encoding="utf-8"), "constants": loading.constants_form(e.variant),
            "variants": [{"name": x.name, "suffix": x.variant.suffix} for x in siblings]}


def _text(doc, key: str) -> str:
    node = doc.get(key)
    return " ".join(str(node.value).split()) if node is not None and node.value is not None else ""


def error_json(exc: InputError) -> dict:
    return {"message": exc.message, "where": str(exc.span) if exc.span else None, "hint": exc.hint,
            "text": str(exc)}


async def _input_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, InputError)
    settings = request.app.state.settings
    error = {k: settings.public(v) if isinstance(v, str) else v for k, v in error_json(exc).items()}
    return JSONResponse({"error": error}, status_code=400, headers=SECURITY_HEADERS)


async def _too_large(request: Request, exc: Exception) -> Response:
    error = InputError(None, f"the request is larger than {MAX_BODY // 1024} KB", "paste a smaller claim")
    return JSONResponse({"error": error_json(error)}, status_code=413, headers=SECURITY_HEADERS)


async def _busy(request: Request, exc: Exception) -> Response:
    seconds = exc.args[0] if exc.args else 1
    error = InputError(None, "the server is running as many checks as it may; try again shortly",
                       f"retry after {seconds} s")
    return JSONResponse({"error": {**error_json(error), "retry_after": seconds}}, status_code=503,
                        headers={**SECURITY_HEADERS, "Retry-After": str(seconds)})


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.exception("internal error on %s", request.url.path)
    return JSONResponse({"error": {"message": "internal error: the server could not handle this request", "where": None,
                                   "hint": None, "text": "error: internal error"}},
                        status_code=500, headers=SECURITY_HEADERS)
