"""Load benchmark of `symcheck serve`: many runs at once against a local server.

    python bench/load.py [--runs 200] [--concurrency 16] [--workers 2] [--time-limit 10]
                         [--memory-limit 512] [--stall-rounds 10]

First the stall case: --stall-rounds rounds of 16 lookups of unknown claims at once
(each once re-read the whole catalog on the event loop), with the latency of
GET /api/catalog measured while they are in flight; it must stay under 100 ms (p50),
else the exit status is 1. Then the runs (--runs 0 skips them).

Starts `symcheck serve` on a free port as a subprocess, then sends --runs run requests
(small claims, red and green, in turn) from --concurrency clients at once. Every request
must be answered 200 (a result) or 503 (busy, with Retry-After); anything else, or no
answer, is a failure. Meanwhile it samples the resident memory of the server and its
worker processes; the peak must stay below the server's own size plus --workers times
the memory limit. Prints the answers, p50 and p95 latency (all answers, and the 200s
alone) and the memory peak. With --retry N a client told 503 waits Retry-After and
tries again (a latency is then the whole wait until its last answer). Exit status 0 when every request was answered and the
memory stayed bounded."""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLAIMS = ["pairing-negative", "pairing", "approvals-negative", "approvals", "attacker-negative", "groups-negative"]
PAGE = os.sysconf("SC_PAGE_SIZE")
MB = 1 << 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm", encoding="ascii") as f:
                total += int(f.read().split()[1]) * PAGE
        except (OSError, ValueError, IndexError):
            pass
        todo.extend(children.get(p, []))
    return total


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed_get(url: str) -> tuple[int, float]:
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    except OSError:
        status = 0
    return status, time.perf_counter() - t0


def stall(url: str, rounds: int, lookups: int = 16) -> int:
    """The stall case: `lookups` unknown-claim lookups at once, `rounds` times, with the
    catalog's latency sampled five times while they are in flight (20 to 100 ms after
    they are sent). 1 when the catalog's median latency reached 100 ms, or a lookup was not
    answered 400."""
    idle = [timed_get(url + "/api/catalog")[1] for _ in range(5)]
    during, answers = [], []
    def later(seconds: float) -> float:
        time.sleep(seconds)
        return timed_get(url + "/api/catalog")[1]
    with ThreadPoolExecutor(lookups + 5) as pool:
        for r in range(rounds):
            batch = [pool.submit(timed_get, f"{url}/api/claim/no-such-claim-{r}-{i}") for i in range(lookups)]
            samples = [pool.submit(later, 0.02 * k) for k in range(1, 6)]  # while the lookups are in flight
            during.extend(f.result() for f in samples)
            answers.extend(f.result() for f in batch)
    statuses = {s for s, _ in answers}
    lookup_times = [t for _, t in answers]
    ms = lambda v: f"{v * 1000:.0f} ms"  # noqa: E731
    print(f"stall case: {rounds} rounds of {lookups} unknown-claim lookups at once; answers "
          + ", ".join(f"{s}: {sum(1 for x, _ in answers if x == s)}" for s in sorted(statuses)))
    print(f"  lookups: p50 {ms(statistics.median(lookup_times))}, p95 {ms(percentile(lookup_times, 0.95))}")
    print(f"  GET /api/catalog alongside: p50 {ms(statistics.median(during))}, p95 {ms(percentile(during, 0.95))}, "
          f"max {ms(max(during))} (idle: p50 {ms(statistics.median(idle))})")
    bad = statistics.median(during) >= 0.1 or statuses != {400}
    if bad:
        print("FAIL: the catalog stalled (p50 >= 100 ms) or a lookup was not answered 400", file=sys.stderr)
    return int(bad)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2, help="the server's --workers (runs at once)")
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--memory-limit", type=int, default=512)
    ap.add_argument("--stall-rounds", type=int, default=10, metavar="N",
                    help="rounds of 16 unknown-claim lookups at once, the catalog's latency measured alongside")
    ap.add_argument("--retry", type=int, default=0, metavar="N",
                    help="a client told 503 waits Retry-After and tries again, up to N times (default: never)")
    args = ap.parse_args()

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    server = subprocess.Popen([sys.executable, "-m", "symcheck", "serve", "--port", str(port),
                               "--workers", str(args.workers), "--time-limit", str(args.time_limit),
                               "--memory-limit", str(args.memory_limit), "--claims", str(ROOT / "claims")],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/", timeout=1).close()
                break
            except OSError:
                if server.poll() is not None:
                    print("the server exited:", server.stderr.read().decode(errors="replace"), file=sys.stderr)
                    return 1
                time.sleep(0.1)
        stalled = stall(url, args.stall_rounds)
        if not args.runs:
            return stalled
        idle = tree_rss(server.pid)
        peak = [idle]
        done = threading.Event()

        def sample():
            while not done.is_set():
                peak[0] = max(peak[0], tree_rss(server.pid))
                time.sleep(0.05)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()

        retries = [0]

        def one(i: int):
            body = json.dumps({"claim": CLAIMS[i % len(CLAIMS)], "engine": "auto"}).encode()
            t0 = time.perf_counter()
            for attempt in range(args.retry + 1):
                request = urllib.request.Request(url + "/api/run", data=body,
                                                 headers={"Content-Type": "application/json"})
                try:
                    with urllib.request.urlopen(request, timeout=args.time_limit * 6 + 30) as response:
                        status, verdict = response.status, json.loads(response.read())["verdict"]
                except urllib.error.HTTPError as exc:
                    status, verdict = exc.code, exc.headers.get("Retry-After")
                    exc.read()
                except OSError as exc:
                    status, verdict = 0, str(exc)
                if status != 503 or attempt == args.retry:
                    break
                retries[0] += 1
                time.sleep(float(verdict or 1))
            return status, time.perf_counter() - t0, verdict

        t0 = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            answers = list(pool.map(one, range(args.runs)))
        wall = time.perf_counter() - t0
        done.set()
        sampler.join()
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    counts: dict[int, int] = {}
    for status, _, _ in answers:
        counts[status] = counts.get(status, 0) + 1
    verdicts: dict[str, int] = {}
    for status, _, verdict in answers:
        if status == 200:
            verdicts[verdict] = verdicts.get(verdict, 0) + 1
    latencies = [s for _, s, _ in answers]
    ok_latencies = [s for status, s, _ in answers if status == 200]
    bound = idle + args.workers * args.memory_limit * MB
    print(f"{args.runs} runs, {args.concurrency} concurrent clients, server --workers {args.workers} "
          f"--time-limit {args.time_limit:g} --memory-limit {args.memory_limit}: {wall:.1f} s"
          + (f", {retries[0]} retries after a 503" if args.retry else ""))
    print("answers: " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
          + "   verdicts of the 200s: " + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())))
    print(f"latency, all answers: p50 {statistics.median(latencies) * 1000:.0f} ms, "
          f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms")
    if ok_latencies:
        print(f"latency, 200s only:   p50 {statistics.median(ok_latencies) * 1000:.0f} ms, "
              f"p95 {percentile(ok_latencies, 0.95) * 1000:.0f} ms")
    print(f"memory (server and workers, resident): idle {idle / MB:.0f} MB, peak {peak[0] / MB:.0f} MB "
          f"(bound {bound / MB:.0f} MB)")
    unanswered = args.runs - counts.get(200, 0) - counts.get(503, 0) + stalled
    if unanswered:
        print(f"FAIL: {unanswered} requests were not answered 200 or 503", file=sys.stderr)
    if peak[0] > bound:
        print("FAIL: the server's memory exceeded its bound", file=sys.stderr)
    return 1 if unanswered or peak[0] > bound else 0


if __name__ == "__main__":
    sys.exit(main())
