import functools
import time
import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# Hypothesis profiles: `quick` by default (a developer's `make test`), `thorough` on CI
# (the CI environment variable is set) or when HYPOTHESIS_PROFILE=thorough. A test that
# sets max_examples itself should ask for examples(n), so the profile scales it too.
HYPOTHESIS_PROFILES = {"quick": 0.1, "thorough": 1.0}  # the share of a test's examples that run
hypothesis_settings.register_profile("quick", max_examples=20, deadline=None)
hypothesis_settings.register_profile("thorough", max_examples=200, deadline=None)
HYPOTHESIS_PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("thorough" if os.environ.get("CI") else "quick")
if HYPOTHESIS_PROFILE not in HYPOTHESIS_PROFILES:
    raise pytest.UsageError(f"HYPOTHESIS_PROFILE={HYPOTHESIS_PROFILE!r}: use one of {', '.join(HYPOTHESIS_PROFILES)}")
hypothesis_settings.load_profile(HYPOTHESIS_PROFILE)


def examples(n: int) -> int:
    """How many Hypothesis examples a test written for n runs under the loaded profile:
    all n when thorough, a tenth (at least 10) when quick."""
    return n if HYPOTHESIS_PROFILE == "thorough" else max(10, round(n * HYPOTHESIS_PROFILES[HYPOTHESIS_PROFILE]))



def stride_claim(claim: str, name: str, invariant: str) -> str:
    """A small claim several tests share: x steps by 2 modulo 8 from 0 (so it visits
    0, 2, 4, 6), with one invariant `name: invariant`."""
    return (f"claim: {claim}\nvariables:\n  x: 0..7\ninit:\n  x: 0\nactions:\n  step:\n    when: \"True\"\n"
            f"    then:\n      x: (x + 2) % 8\ninvariants:\n  {name}: {invariant}\n")


ROOT = Path(__file__).resolve().parent.parent
CLAIMS = ROOT / "claims"

SEED_VARIANTS = [
    "gateway-exposure-v2", "gateway-exposure-v2-protected", "gateway-exposure-v2-negative",
    "gateway-exposure-v2-protected-negative", "gateway-exposure-v2-unsafe-custom",
    "gateway-exposure-v2-unsafe-tailnet", "gateway-exposure-v2-unsafe-auto",
    "gateway-exposure-v2-protected-custom", "gateway-exposure-v2-protected-tailnet",
    "gateway-exposure-v2-protected-password", "gateway-exposure-v2-protected-auto",
    "nodes-pipeline", "nodes-pipeline-negative", "approvals-token", "approvals-token-negative",
    "pairing", "pairing-negative", "pairing-cap", "pairing-cap-negative",
    "ingress-gating", "ingress-gating-negative", "routing-isolation", "routing-isolation-negative",
]


@functools.cache
def suite_result(name: str):
    """The default (auto engine) result of a claim variant of the suite, computed once
    per test run: the parity and cross-check tests both read it."""
    import symcheck
    from symcheck.front.claims import catalog, load_model
    # A generous proof budget: these tests check verdicts, not speed (bench/ measures
    # speed), and pairing-race's proof takes about 40 s of CPU, more on a loaded machine.
    return symcheck.prove(load_model(catalog(CLAIMS)[name]), prove_timeout=PROVE_BUDGET)


PROVE_BUDGET = 300.0  # seconds for the proof phase of a suite variant in the tests


def tlc_reference() -> dict:
    """What TLC reported for each reference target (measured by running TLC 2.19 on
    the public suite): outcome, violated property, trace length in steps."""
    rows = {}
    lines = (ROOT / "tests" / "data" / "tlc-reference.tsv").read_text().splitlines()
    header = lines[0].split("\t")
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t")))
        rows[row["target"]] = row
    return rows


@pytest.fixture
def write_claim(tmp_path):
    """Write a claim file and return its path."""
    def write(text: str, name: str = "c.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path
    return write


@pytest.fixture(autouse=True)
def _claims_env(monkeypatch):
    monkeypatch.setenv("SYMCHECK_CLAIMS", "claims")
    monkeypatch.setenv("SYMCHECK_PROGRESS", "0")  # no progress lines in the outputs tests compare (CI is set)
    monkeypatch.chdir(ROOT)
    yield


UPDATE_GOLDEN = os.environ.get("SYMCHECK_UPDATE_GOLDEN") == "1"


# Claim variants whose proofs take tens of seconds: a test of one of them is `slow`
# wherever it is parametrized by claim name (the whole-suite sweeps are slow anyway).
SLOW_CLAIMS = {"pairing-cap", "pairing-race", "pairing-race-negative"}


# Whole-catalog sweeps (a test parametrized by every claim variant): every variant runs in
# the slow tier (`make test-slow`); the everyday tier (`make test`) runs them on SWEEP_SAMPLE,
# one variant of each shape of the suite (a green proved by search, reds with a path and
# with a lasso, symbolic constants, a claim from OpenClaw's code).
SWEEPS = {"test_engine_agrees_with_the_evaluator_on_the_suite", "test_green_state_counts_are_tlcs",
          "test_reachable_states_match_tlc"}
SWEEP_SAMPLE = {"pairing", "pairing-negative", "routing-isolation", "retry-termination-negative",
                "gateway-exposure-matrix-unsafe", "oc-routing-finding-main-scope-merges-dms"}


def pytest_collection_modifyitems(config, items):
    """Marks a test of a SLOW_CLAIMS variant `slow`, and a sweep's test of a variant
    outside SWEEP_SAMPLE. Under pytest-xdist with --dist loadgroup (`make test`), the
    tests that read suite_result(name) for the same claim variant run on one worker, so
    each variant is proved once per run, not once per worker."""
    for item in items:
        params = getattr(item, "callspec", None)
        name = (params.params.get("name") or params.params.get("variant")) if params else None
        if not isinstance(name, str):
            continue
        if getattr(item, "originalname", None) in SWEEPS and name not in SWEEP_SAMPLE:
            item.add_marker(pytest.mark.slow)
        if name in SLOW_CLAIMS:
            item.add_marker(pytest.mark.slow)
        if item.module.__name__ in ("test_parity", "test_crosscheck"):
            item.add_marker(pytest.mark.xdist_group(f"suite-{name}"))


# ---------------------------------------------------------------- progress lines for the long tiers
# `pytest --progress-lines` (make test-slow, make test-all, .ci/run): one line per finished
# test instead of a dot, with its outcome, its seconds and the time since the start, so a
# CI log shows where a long run is. Under pytest-xdist the controller prints them.


def pytest_addoption(parser):
    parser.addoption("--progress-lines", action="store_true",
                     help="print one line per finished test: count, elapsed time, outcome, seconds, test id")


class ProgressLines:
    def __init__(self, config):
        self.config, self.done, self.total = config, 0, 0
        self.start = time.monotonic()

    def pytest_collection_finish(self, session):
        self.total = len(session.items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node, ids):
        self.total = len(ids)

    def pytest_runtest_logreport(self, report):
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            self.done += 1
            elapsed = int(time.monotonic() - self.start)
            outcome = "XFAIL" if hasattr(report, "wasxfail") else report.outcome.upper()
            writer = self.config.pluginmanager.get_plugin("terminalreporter")
            writer.write_line(f"[{self.done:>4}/{self.total} {elapsed // 60:>3}m{elapsed % 60:02d}s] {outcome:<7} "
                              f"{report.duration:7.1f} s  {report.nodeid}", flush=True)

    def pytest_report_teststatus(self, report, config):
        if report.when == "call":  # the line replaces the dot
            return report.outcome, "", report.outcome.upper()


def pytest_configure(config):
    if config.getoption("progress_lines", False) and not hasattr(config, "workerinput"):
        config.pluginmanager.register(ProgressLines(config), "symcheck-progress-lines")


# The independent search runs once per configuration of the symbolic constants. Past this
# many states over all configurations (oc-exec-policy: 500 configurations of 1,001 states,
# about 45 minutes in the evaluator), or past this many configurations (oc-gateway-auth:
# 2,880 configurations of about 4 states, but 0.3 s each, so 15 minutes per variant and
# sweep), the cross-check runs on a covering sample of its configurations instead: finite
# instances of the claim, each decided by both sides.
EVALUATOR_BUDGET = 50_000
CONFIGURATION_BUDGET = 1_000
SEARCH_BUDGET = 100_000  # states of a claim of one configuration (about a minute in the evaluator)


def too_big_for_the_evaluator(model) -> bool:
    """Whether a claim with symbolic constants is cross-checked on a covering sample of
    its configurations rather than on every one (the first one's states, to the claim's
    depth, stand for each's)."""
    from symcheck.explicit.evaluator import search
    from symcheck.front.ir import configurations, with_constants
    configs = configurations(model) if model.symbolic else []
    if len(configs) <= 1:
        return False
    return len(configs) > CONFIGURATION_BUDGET or \
        len(configs) * search(with_constants(model, configs[0]), model.depth).states > EVALUATOR_BUDGET


def evaluator_depth(model):
    """None when the independent search can take a claim of one configuration whole
    (it is violated within SEARCH_BUDGET states, or has no more); otherwise the deepest
    depth within that budget, to which the evaluator searches instead (oc-ingress: 207,360
    states, over 15 minutes in the evaluator). The compiled engine measures the levels."""
    from symcheck.engines import explicit
    from symcheck.trace import UNKNOWN
    if explicit.run(model, max_states=SEARCH_BUDGET).verdict != UNKNOWN:
        return None
    depth = 0
    while explicit.run(model, depth=depth + 1, max_states=SEARCH_BUDGET).verdict != UNKNOWN:
        depth += 1
    return depth


def evaluator_takes_whole(model) -> bool:
    """Whether the independent search can decide the claim whole: finite types, and not
    too big over its configurations (too_big_for_the_evaluator) or in one (evaluator_depth)."""
    from symcheck.engines.auto import unsupported
    if unsupported("explicit", model) is not None:
        return False
    if model.symbolic:
        return not too_big_for_the_evaluator(model)
    return evaluator_depth(model) is None


def covering_sample(model, configs, reported):
    """The first configuration, the first one with each value of each symbolic constant
    (domain order), and the configuration a violation was reported in."""
    sample = [configs[0]] + ([reported] if reported else [])
    for c in model.symbolic:
        for value in c.domain:
            sample.append(next(cfg for cfg in configs if cfg[c.name] == value))
    unique = {tuple(sorted(cfg.items())): cfg for cfg in sample}
    return list(unique.values())


def process_alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped by init counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
