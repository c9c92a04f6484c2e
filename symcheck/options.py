"""The options several commands of the command line share (click): the engine and its
proof budget, the memory limit, constants from outside the claim, the claims folder."""
from __future__ import annotations

import click

from symcheck.trace import Engine

ENGINES = tuple(e.value for e in Engine)  # the one list (trace.Engine), shared with the API and serve


def engine_options(f):
    f = click.option("--prove-timeout", type=click.FloatRange(min=0.001), default=None, metavar="SECONDS",
                     help="Time budget for the proof phase (default 60 s); when it runs out the verdict "
                          "stays 'holds' to the depth.")(f)
    f = click.option("--engine", type=click.Choice(ENGINES), default="auto", show_default=True,
                     help="auto: the explicit-state search when the claim's reachable states are few (exact, as "
                          "TLC), else a race in parallel processes of the explicit-state search, BMC and the proof "
                          "engines, all at once (the first re-checked decisive answer wins); sequential: the "
                          "search, BMC, then the proof engines one after another; explicit: the "
                          "explicit-state search alone; bmc: bounded check only; lemmas / kind / pdr: BMC, then "
                          "a proof for every depth by k-induction with generated lemmas / k-induction / PDR; forall: "
                          "Houdini over ∀-lemmas (and `lemmas:`), then k-induction (claims with sorts or "
                          "unbounded integers, docs/beyond-bounds.md).")(f)
    return f


claims_option = click.option("--claims", "claims", metavar="DIR", default=None,
                             help="Claims directory (default: $SYMCHECK_CLAIMS, else ./claims, else the claims "
                                  "installed with symcheck).")


def override_options(f):
    """`--set NAME=VALUE` and `--constants FILE`: constants fixed from outside the claim, as in a TLC cfg."""
    f = click.option("--constants", "constants_file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
                     help="A YAML mapping of constant names to values, applied like --set (which wins over it).")(f)
    f = click.option("--set", "settings", multiple=True, metavar="NAME=VALUE",
                     help="Override a constant (repeatable; the value is YAML: --set TTL=2 --set 'Senders=[a, b]'; "
                          "a list for a bool, integer or enum constant checks each value). Applies to every selected "
                          "variant that has the constant, over the variant's own patch of it.")(f)
    return f


memory_option = click.option("--memory", type=click.IntRange(min=1), default=None, metavar="MB",
                             help="Per-check memory limit in megabytes (verdict unknown when hit).")


cross_check_option = click.option(
    "--cross-check", "cross", is_flag=True,
    help="Check each verdict again with an engine that shares no code with the one that gave it (the explicit-state "
         "engines or the independent evaluator against the SMT engines); a disagreement is a failure that shows both "
         "answers, and each verdict says how it was cross-checked.")
