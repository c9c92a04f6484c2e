"""Running TLC on the public TLA+ reference suite, shared by bench/tlc_reference.py and
bench/mutation_parity.py: where the suite and its jar are, which cfg and spec each make
target checks, a scratch copy to edit, one TLC run, and what its output says.

The reference suite is never modified: every run works on a temporary copy of
tla/specs and of the target's cfg, so a spec edit or a cfg without invariants stays in
/tmp."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

JAR = Path("tools") / "tla" / "tla2tools.jar"
DEFAULT_REFERENCE = Path("/work/ref")


def reference_suite(explicit: str | None = None) -> Path | None:
    """--reference DIR, else $SYMCHECK_REFERENCE, else /work/ref when it exists."""
    chosen = explicit or os.environ.get("SYMCHECK_REFERENCE")
    path = Path(chosen) if chosen else DEFAULT_REFERENCE
    return path if (path / "Makefile").is_file() and (path / "tla" / "specs").is_dir() else None


def missing_tools(reference: Path | None) -> str | None:
    """Why TLC cannot run here (for a "skipped: ..." line), or None when it can."""
    if reference is None:
        return ("the reference TLA+ suite was not found (pass --reference DIR or set "
                "SYMCHECK_REFERENCE to a checkout of vignesh07/clawdbot-formal-models)")
    if not (reference / JAR).is_file():
        return f"{reference / JAR} is missing (the reference suite ships TLC there)"
    if shutil.which("java") is None:
        return "java is not on PATH (install a Java runtime, 11 or newer)"
    return None


@dataclass(frozen=True)
class Target:
    """One model-check target of the reference Makefile."""
    name: str
    cfg: str   # relative to the suite, e.g. tla/models/pairing_v2_ok.cfg
    spec: str  # file name under tla/specs
    check_deadlock: bool  # the Makefile does not pass -deadlock


_RECIPE = re.compile(r"^\t\$\(TLC\)(?P<flags>.*?)-config\s+(?P<cfg>\S+\.cfg)\s+tla/specs/(?P<spec>\S+\.tla)\s*$")


def targets(reference: Path) -> dict[str, Target]:
    """Every `name:` rule of the reference Makefile whose recipe runs TLC on a fixed cfg,
    in Makefile order (the generic `tlc` rule, whose cfg is a make variable, is left out)."""
    out: dict[str, Target] = {}
    current = None
    for line in (reference / "Makefile").read_text().splitlines():
        rule = re.match(r"^([A-Za-z0-9][A-Za-z0-9_.-]*):(?!=)", line)
        if rule:
            current = rule.group(1)
            continue
        m = _RECIPE.match(line)
        if m and current and "$(" not in m.group("cfg"):
            out[current] = Target(current, m.group("cfg"), m.group("spec"), "-deadlock" not in m.group("flags").split())
            current = None
    return out


_CFG_KEYWORDS = {"SPECIFICATION", "INIT", "NEXT", "INVARIANT", "INVARIANTS", "PROPERTY", "PROPERTIES", "CONSTANT",
                 "CONSTANTS", "CONSTRAINT", "CONSTRAINTS", "ACTION_CONSTRAINT", "ACTION_CONSTRAINTS", "SYMMETRY",
                 "VIEW", "CHECK_DEADLOCK", "POSTCONDITION", "ALIAS"}


def cfg_checks(text: str) -> tuple[list[str], list[str]]:
    """The invariant and property names a cfg asks TLC to check."""
    invariants, properties, section = [], [], None
    for word in re.sub(r"\\\*.*", "", text).split():
        if word in _CFG_KEYWORDS:
            section = word
        elif section in ("INVARIANT", "INVARIANTS"):
            invariants.append(word)
        elif section in ("PROPERTY", "PROPERTIES"):
            properties.append(word)
    return invariants, properties


def without_checks(text: str) -> str:
    """The cfg with its INVARIANT(S)/PROPERTY(-IES) sections removed, so TLC only
    counts the reachable states. Comments (`\\*`) are dropped first."""
    out, skipping = [], False
    for line in text.splitlines():
        line = re.sub(r"\\\*.*", "", line)
        words = line.split()
        if words and words[0] in _CFG_KEYWORDS:
            skipping = words[0] in ("INVARIANT", "INVARIANTS", "PROPERTY", "PROPERTIES")
        if not skipping:
            out.append(line)
    return "\n".join(out) + "\n"


@dataclass
class TlcRun:
    """What one TLC run reported. `outcome` is holds, violated-invariant,
    violated-action (a `[][A]_v` property), violated-temporal, deadlock, timeout (no verdict in time: often a state space
    without bound) or error; `trace_states` counts the states TLC prints
    (a lasso's distinct states), `loop_start` is the state a lasso goes back to;
    `constant_level` means TLC found the invariant false before any search."""
    outcome: str
    violated: str = ""
    trace_states: int | None = None
    loop_start: int | None = None
    constant_level: bool = False
    distinct_states: int | None = None
    seconds: float = 0.0
    output: str = field(default="", repr=False)

    @property
    def trace_steps(self) -> int | None:
        """Steps of the counterexample: 0 when found before any search."""
        if self.constant_level:
            return 0
        return None if self.trace_states is None else self.trace_states - 1


def parse_output(output: str, properties: list[str]) -> TlcRun:
    """Read TLC's verdict, violated invariant, trace shape and state count from its output.
    TLC does not name a violated temporal property: it is the cfg's only PROPERTY, or
    the names joined by '|' when the cfg has several."""
    counts = re.findall(r"(\d+) distinct states? found", output)
    distinct = int(counts[-1]) if counts else None
    states = [int(n) for n in re.findall(r"^State (\d+):", output, re.M)]
    back = re.search(r"^(?:\d+: )?Back to state (\d+)", output, re.M)
    run = TlcRun("holds", distinct_states=distinct, output=output,
                 trace_states=max(states) if states else None, loop_start=int(back.group(1)) if back else None)
    if m := re.search(r"^Error: The invariant of (\S+) is equal to FALSE", output, re.M):
        run.outcome, run.violated, run.constant_level, run.distinct_states = "violated-invariant", m.group(1), True, 0
    elif m := re.search(r"^Error: Invariant (\S+) is violated", output, re.M):
        run.outcome, run.violated = "violated-invariant", m.group(1)
    elif m := re.search(r"^Error: Action property (\S+) is violated", output, re.M):
        run.outcome, run.violated = "violated-action", m.group(1)
    elif re.search(r"^Error: Temporal properties were violated", output, re.M):
        run.outcome, run.violated = "violated-temporal", "|".join(properties)
    elif re.search(r"^Error: Deadlock reached", output, re.M):
        run.outcome = "deadlock"
    elif re.search(r"^Error:", output, re.M) or "Model checking completed. No error has been found." not in output:
        run.outcome = "error"
    return run


class TextNotFound(Exception):
    """A planted edit's `old` text is not in the file (or not exactly once)."""


def replace_once(text: str, old: str, new: str, where: str) -> str:
    """`text` with `old` replaced by `new`; `old` must occur exactly once, so an edit
    cannot silently land somewhere else after the file changes."""
    count = text.count(old)
    if count != 1:
        found = "not found" if count == 0 else f"found {count} times"
        shown = f"`{old}`" if "\n" not in old else repr(old)
        raise TextNotFound(f"{where}: the text {shown} is {found}; it must occur exactly once "
                           "(make `old` longer to locate the edit, or update it to the current file)")
    return text.replace(old, new)


def run_target(reference: Path, target: Target, *, drop_checks: bool = False, check_deadlock: bool | None = None,
               spec_edit: tuple[str, str, str] | None = None, timeout: float = 600,
               constants: dict[str, str] | None = None) -> TlcRun:
    """Run TLC (one worker) on a scratch copy of the target. `drop_checks` removes the
    cfg's invariants and properties (to count reachable states); `check_deadlock`
    overrides the Makefile's -deadlock choice; `spec_edit` = (file, old, new) plants a
    text edit in the copied spec file (see replace_once); `constants` gives some
    constants other values (TLA+ text), for scaled instances."""
    cfg_text = (reference / target.cfg).read_text()
    _, properties = cfg_checks(cfg_text)
    if drop_checks:
        cfg_text = without_checks(cfg_text)
    for name, value in (constants or {}).items():  # a scaled instance: `Senders = {...}` replaced
        cfg_text, n = re.subn(rf"^(\s*){name}\s*=.*$", lambda m: f"{m.group(1)}{name} = {value}", cfg_text, flags=re.M)
        if n != 1:
            raise TextNotFound(f"{target.cfg}: constant {name} is set {n} times; expected once")
    deadlock = target.check_deadlock if check_deadlock is None else check_deadlock
    with tempfile.TemporaryDirectory(prefix="symcheck-tlc-") as tmp:
        work = Path(tmp) / "specs"
        shutil.copytree(reference / "tla" / "specs", work)
        if spec_edit is not None:
            file, old, new = spec_edit
            path = work / file
            if not path.is_file():
                raise TextNotFound(f"{file}: no such spec in {reference / 'tla' / 'specs'}")
            path.write_text(replace_once(path.read_text(), old, new, f"tla/specs/{file}"))
        cfg = Path(tmp) / "model.cfg"
        cfg.write_text(cfg_text)
        cmd = ["java", "-XX:+UseParallelGC", "-Xmx1g", "-cp", str(reference / JAR), "tlc2.TLC", "-workers", "1",
               "-metadir", str(Path(tmp) / "meta"), "-config", str(cfg)]
        if not deadlock:
            cmd.append("-deadlock")
        cmd.append(target.spec)
        t0 = time.perf_counter()
        timed_out = False
        try:
            proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=timeout)
            output = proc.stdout + proc.stderr
        except subprocess.TimeoutExpired as exc:
            partial = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else exc.stdout or ""
            output, timed_out = f"{partial}\nTLC stopped after {timeout:g} s", True
        seconds = time.perf_counter() - t0
    run = parse_output(output, properties)
    if timed_out and run.outcome in ("holds", "error"):  # e.g. a state space without bound
        run.outcome = "timeout"
    run.seconds = seconds
    return run


def run_spec(jar: Path, spec: Path, cfg: Path, check_deadlock: bool, timeout: float = 600) -> TlcRun:
    """Run TLC (one worker) on a spec and cfg of our own (bench/protocols/tla), in a
    scratch directory for its metadata."""
    _, properties = cfg_checks(cfg.read_text())
    with tempfile.TemporaryDirectory(prefix="symcheck-tlc-") as tmp:
        cmd = ["java", "-XX:+UseParallelGC", "-Xmx1g", "-cp", str(jar), "tlc2.TLC", "-workers", "1",
               "-metadir", str(Path(tmp) / "meta"), "-config", str(cfg.resolve())]
        cmd += [] if check_deadlock else ["-deadlock"]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd + [spec.name], cwd=spec.parent, capture_output=True, text=True, timeout=timeout)
        run = parse_output(proc.stdout + proc.stderr, properties)
    run.seconds = time.perf_counter() - t0
    return run


def snake(name: str) -> str:
    """TLC's `Inv_DenyWins` / `Live_EventuallyDone` as the claims name it (`deny_wins`,
    `eventually_done`); the parity tests use it too."""
    name = re.sub(r"^(Inv|Live)_", "", name)
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()
