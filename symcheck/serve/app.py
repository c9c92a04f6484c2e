"""The web application of `symcheck serve` (starlette, served by uvicorn through
symcheck.serve.guard).

    GET  /                  the page (static/index.html; static/app.js, static/style.css)
    GET  /api/case          the security case (results/case.json), the page's front door
    GET  /api/catalog       every claim family: title, statement, policy areas, variants
    GET  /api/claim/NAME    one variant: its file's YAML, its constants, depth, expectation
    GET  /api/findings      the findings in OpenClaw: status, package, what avoids each
    POST /api/run           check a variant (or pasted text) with overrides, depth and engine
    POST /api/pasted        a pasted claim's own name, statement and constants
    POST /api/explore       replay a path of actions by hand; the actions enabled after it
    POST /api/unshare       the run a share link encodes

The input is untrusted. The catalog and the case are read once, at start-up: a lookup is a dictionary
access, and no request re-reads the claims. Whatever may take time (a file, a parse, a
check) runs off the event loop, and loading a pasted claim, each run and each
exploration happen in worker processes under hard time and memory limits (the one
sandbox, symcheck.limits; runs through symcheck.api.prove), made by a forkserver: the
server's threads never fork. A request body is at most
64 KB and the depth at most 30; claim names are checked (no paths); a pasted claim may
not read data files. At most `workers` checks run at once; a request waits for a slot a
few seconds, then is answered 503 with a Retry-After that is true: when the earliest
check under way must have ended, by its limits. Bad input answers 400 with the located
message, never a traceback (a 500 says only "internal error"); `unknown` stays `unknown`.
Host, Origin and content type are checked by the guard."""
from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from collections import OrderedDict
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import anyio
import anyio.to_thread
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from symcheck.errors import InputError
from symcheck.front.claims import Entry, catalog, claims_dir
from symcheck.front.ir import Model
from symcheck.serve import guard, loading, share, views
from symcheck.serve.guard import CSP, SECURITY_HEADERS  # noqa: F401 - CSP: the policy, for the tests
from symcheck.serve.views import MAX_DEPTH
from symcheck.trace import HOLDS, UNKNOWN, Engine, Result

STATIC = Path(__file__).with_name("static")
MAX_BODY = 64 * 1024
LOAD_SECONDS = 5.0  # at least this long to load a claim (its own worker) before the run's time limit starts
WAIT_SECONDS = 5.0  # how long a request waits for a check slot before 503
CACHED_RESULTS = 256  # results of catalog claims kept (they cannot change while the server runs)
log = logging.getLogger("symcheck.serve")


@dataclass
class Settings:
    claims: Path = field(default_factory=claims_dir)
    workers: int = 2  # checks at once
    time_limit: float = 10.0  # seconds per check
    memory_limit: int = 512  # megabytes per check
    wait: float = WAIT_SECONDS  # seconds a request waits for a slot

    def public(self, text: str) -> str:
        return views.public_path(self.claims, text)

    @property
    def limits(self) -> str:
        return f"{self.time_limit:g} s, {self.memory_limit} MB"

    def bound(self, runs: int) -> float:
        """The longest a check of `runs` limited phases can hold its slot (the limits end it)."""
        phase = max(self.time_limit, LOAD_SECONDS)
        return runs * (phase + max(1.0, phase / 2)) + 1.0


class TooLarge(Exception):
    pass


class Busy(Exception):
    pass


class Slots:
    """The `workers` check slots. A request waits for one up to `wait` seconds (at most
    four requests per slot wait); then Busy, with the seconds until the earliest check
    under way must have ended."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.free = asyncio.Semaphore(settings.workers)
        self.ends: list[float] = []  # when each check under way must have ended, by its limits
        self.waiting = 0

    def retry_after(self) -> int:
        soonest = min(self.ends, default=time.monotonic() + 1)
        return max(1, math.ceil(soonest - time.monotonic()))

    @asynccontextmanager
    async def take(self, runs: int = 1):
        if self.waiting >= 4 * self.settings.workers:
            raise Busy(self.retry_after())
        self.waiting += 1
        try:
            await asyncio.wait_for(self.free.acquire(), self.settings.wait)
        except asyncio.TimeoutError:
            raise Busy(self.retry_after()) from None
        finally:
            self.waiting -= 1
        end = time.monotonic() + self.settings.bound(runs)
        self.ends.append(end)
        try:
            yield
        finally:
            self.ends.remove(end)
            self.free.release()


def create_app(claims: str | Path | None = None, workers: int = 2, time_limit: float = 10.0,
               memory_limit: int = 512, host: str = "127.0.0.1", allow_hosts=(), wait: float = WAIT_SECONDS,
               case: str | Path | None = None) -> Starlette:
    """The application over the catalog of `claims` and its security case (`case`, by
    default results/case.json in the claims' project), both read now. `host` is the
    bound address and `allow_hosts` more names a `Host` header may give (guard.host_names)."""
    import symcheck.smt.solve  # noqa: F401 - load Z3 once, before any worker is forked
    settings = Settings(claims_dir(str(claims) if claims else None), workers, time_limit, memory_limit, wait)
    entries = catalog(settings.claims)
    catalog_page = Json(views.catalog_json(entries)).body  # rendered once: the answer is these bytes
    findings_page = Json(views.findings_json(entries)).body
    case_page = Json(views.case_json(Path(case) if case else views.case_file(settings.claims), entries)).body
    lookups: list[anyio.CapacityLimiter] = []  # made on the event loop, at the first unknown name
    sources: dict[Path, str] = {}
    results: OrderedDict[str, dict] = OrderedDict()
    slots: list[Slots] = []  # made on the event loop, at the first request

    def slot(runs: int = 1):
        if not slots:
            slots.append(Slots(settings))
        return slots[0].take(runs)

    def source(e: Entry) -> str:
        if e.file not in sources:
            sources[e.file] = e.file.read_text(encoding="utf-8")
        return sources[e.file]

    async def page(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    async def catalog_(request: Request) -> Response:
        return Response(catalog_page, media_type=Json.media_type)

    async def findings(request: Request) -> Response:
        return Response(findings_page, media_type=Json.media_type)

    async def case_(request: Request) -> Response:
        return Response(case_page, media_type=Json.media_type)

    async def claim(request: Request) -> Response:
        name = loading.check_name(request.path_params["name"])
        if name not in entries:  # the did-you-mean costs milliseconds: one thread at a time computes it
            if not lookups:
                lookups.append(anyio.CapacityLimiter(1))
            await anyio.to_thread.run_sync(loading.entry, entries, name, limiter=lookups[0])
        e = entries[name]
        text = await run_in_threadpool(source, e)
        return Json(views.claim_json(e, entries, text))

    async def run(request: Request) -> Response:
        req = run_request(await read_json(request))
        key = share.encode(asdict(req)) if req.text is None else None
        if key is not None and key in results:
            results.move_to_end(key)
            return Json(results[key])
        async with slot(runs=2):
            out = await run_in_threadpool(check, settings, entries, req)
        if key is not None and out["verdict"] != UNKNOWN:
            results[key] = out
            while len(results) > CACHED_RESULTS:
                results.popitem(last=False)
        return Json(out)

    async def pasted(request: Request) -> Response:
        req = run_request(await read_json(request))
        if req.text is None:
            raise InputError(None, "`text` is missing: give the claim's YAML text")
        async with slot():
            return Json(await run_in_threadpool(pasted_page, settings, req))

    async def explore_(request: Request) -> Response:
        body = await read_json(request)
        req = run_request(body)
        async with slot():
            return Json(await run_in_threadpool(explore_path, settings, entries, req, body.get("path", [])))

    async def unshare(request: Request) -> Response:
        body = await read_json(request)

        def decoded():
            state = share.decode(str(body.get("s") or ""))
            run_request(state)  # a link holds what a run accepts, or it is refused here
            return state
        return Json(await run_in_threadpool(decoded))

    routes = [Route("/", page), Route("/api/case", case_), Route("/api/catalog", catalog_), Route("/api/findings", findings),
              Route("/api/claim/{name}", claim), Route("/api/run", run, methods=["POST"]),
              Route("/api/pasted", pasted, methods=["POST"]), Route("/api/explore", explore_, methods=["POST"]),
              Route("/api/unshare", unshare, methods=["POST"]),
              Mount("/static", StaticFiles(directory=STATIC), name="static")]
    handlers = {InputError: _input_error, TooLarge: _too_large, Busy: _busy, ClientDisconnect: _gone,
                Exception: _internal_error}
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.state.settings = settings
    app.state.slots = slots
    app.add_middleware(guard.Guard, hosts=guard.host_names(host, allow_hosts))
    return app


class Json(Response):
    """JSON in ASCII: a lone surrogate in a claim's text (a YAML escape) is written as an
    escape, never an encoding error."""
    media_type = "application/json"

    def render(self, content) -> bytes:
        return json.dumps(content, separators=(",", ":")).encode("ascii")


async def read_json(request: Request) -> dict:
    """The request's JSON object, refused past MAX_BODY bytes before it is all read. A
    body nested too deep, or text that is not Unicode (a lone surrogate), is bad input."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
        raise TooLarge()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise TooLarge()
    data = parse_json(bytes(body))
    if not isinstance(data, dict):
        raise InputError(None, "the request must be a JSON object")
    return data


def parse_json(raw: bytes):
    """JSON as the API accepts it: Unicode text (no lone surrogate), nested at most a few
    levels (the API's own requests nest three)."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InputError(None, "the request is not JSON") from None
    except RecursionError:
        raise InputError(None, "the request is nested too deeply") from None
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(None, "the request holds text that is not Unicode (a lone surrogate such as \\ud800)",
                         "send the text as it is typed") from None
    except RecursionError:
        raise InputError(None, "the request is nested too deeply") from None
    return data


@dataclass(frozen=True)
class RunRequest:
    claim: str
    variant: str | None
    text: str | None
    overrides: dict
    depth: int | None
    engine: Engine


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
    engine = body.get("engine") or Engine.AUTO
    if not isinstance(engine, str) or engine not in set(Engine):
        raise InputError(None, f"unknown engine {str(engine)[:20]!r}", "one of " + ", ".join(Engine))
    return RunRequest(claim or "", variant, text, overrides, depth, Engine(engine))


# The server's threads (the event loop, the thread pool) never fork: every worker is
# forked by a forkserver, a clean single-threaded process (symcheck.limits), so each
# job is picklable: a module-level function with its arguments, the claim travelling
# as its catalog entry or its text, a model as the loaded Model.
START = "forkserver"


def in_worker(settings: Settings, name: str, what: str, job, seconds: float | None = None):
    """`job()` in a worker process under the memory limit and `seconds` (default: the
    run's time limit); a limit hit or bad input is an InputError here."""
    from symcheck.limits import run_limited
    out = run_limited(partial(_guarded, job), SimpleNamespace(name=name, expect=HOLDS), seconds or settings.time_limit,
                      settings.memory_limit, start=START)
    if isinstance(out, Result):  # a limit was hit
        raise InputError(None, f"{what} stopped: {out.reason}", "try a smaller instance (override constants)")
    if isinstance(out, tuple) and out and out[0] == "error":
        raise InputError(*out[1:])
    return out


def _guarded(job, _report):
    """Runs in the worker: an input error comes back as its parts (an exception's own
    pickling loses its place)."""
    try:
        return job()
    except InputError as exc:
        return ("error", exc.span, exc.message, exc.hint)
    except RecursionError:
        return ("error", None, "the claim is nested too deeply to read", None)


def limited(settings: Settings, req: RunRequest, work, what: str, seconds: float | None = None,
            entries: dict[str, Entry] | None = None):
    """`work(model)` (picklable) on the request's claim, loaded (parsed and checked: a
    pasted claim is untrusted) in a worker process under the run's memory limit and
    `seconds` (default: the run's time limit)."""
    e = loading.entry(entries if entries is not None else catalog(settings.claims), req.claim) \
        if req.text is None else None
    return in_worker(settings, req.claim or loading.PASTED, what,
                     partial(_loaded, work, e, req.text, req.variant, req.overrides), seconds)


def _loaded(work, e: Entry | None, text: str | None, variant: str | None, overrides: dict):
    return work(loading.load(e, text, variant, overrides))


def _itself(model: Model) -> Model:
    return model


def check(settings: Settings, entries: dict[str, Entry], req: RunRequest) -> dict:
    """Load, then prove in a worker under the limits; the page's view of the result."""
    from symcheck.api import prove
    model: Model = limited(settings, req, _itself, "loading the claim", max(settings.time_limit, LOAD_SECONDS), entries)
    depth = min(model.depth, MAX_DEPTH) if req.depth is None else req.depth
    r = prove(model, depth=depth, timeout=settings.time_limit, memory=settings.memory_limit, engine=req.engine,
              prove_timeout=settings.time_limit / 2, start=START)
    return views.result_json(model, r, depth, req, settings.public, settings.limits, catalog=req.text is None)


def pasted_page(settings: Settings, req: RunRequest) -> dict:
    """A pasted claim as its page shows it (its own name, statement and constants),
    read in a worker under the limits."""
    return in_worker(settings, loading.PASTED, "reading the claim",
                     partial(_pasted_json, req.text or "", req.variant), max(settings.time_limit, LOAD_SECONDS))


def _pasted_json(text: str, variant: str | None) -> dict:
    return views.variant_json(loading.pasted(text, variant), text, catalog=False)


def explore_path(settings: Settings, entries: dict[str, Entry], req: RunRequest, path) -> dict:
    """The exploration runs in a worker under the same limits as a check."""
    return limited(settings, req, partial(_explore, path, settings.claims), "exploring", entries=entries)


def _explore(path, claims: Path, model: Model) -> dict:
    from symcheck.serve.explore import explore
    return explore(model, path, source=views.public_path(claims, model.file))


def error_json(exc: InputError) -> dict:
    return {"message": exc.message, "where": str(exc.span) if exc.span else None, "hint": exc.hint,
            "text": str(exc)}


async def _input_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, InputError)
    settings = request.app.state.settings
    error = {k: settings.public(v) if isinstance(v, str) else v for k, v in error_json(exc).items()}
    return Json({"error": error}, status_code=400)


async def _too_large(request: Request, exc: Exception) -> Response:
    error = InputError(None, f"the request is larger than {MAX_BODY // 1024} KB", "paste a smaller claim")
    return Json({"error": error_json(error)}, status_code=413)


async def _busy(request: Request, exc: Exception) -> Response:
    seconds = exc.args[0] if exc.args else 1
    error = InputError(None, "the server is running as many checks as it may; try again shortly",
                       f"a check slot is free within {seconds} s")
    return Json({"error": {**error_json(error), "retry_after": seconds}}, status_code=503,
                headers={"Retry-After": str(seconds)})


async def _gone(request: Request, exc: Exception) -> Response:
    return Response(status_code=400)  # the client left (or was too slow): nobody reads this


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.exception("internal error on %s", request.url.path)
    return Json({"error": {"message": "internal error: the server could not handle this request", "where": None,
                           "hint": None, "text": "error: internal error"}}, status_code=500, headers=SECURITY_HEADERS)
