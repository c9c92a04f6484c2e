"""Mutated claim files only ever give a located InputError or a valid result: never
another exception. (Seeded random mutations of the seed claims.)"""
import random

import pytest

from conftest import CLAIMS
from symcheck.engines.bmc import check_bmc
from symcheck.front.check import check_variant
from symcheck.errors import InputError
from symcheck.front.source import parse_yaml
from symcheck.front.variants import expand

TOKENS = ["x", "now", "pending", "{}", "[]", "True", "1", "-1", "len(", ")", ":", "[", "]", "set[", "seq[", ",",
          "and", "not", "'a'", "Req(", "map[", "0..", "..", "99999999999", "null", "|", "&", "\n", "  ",
          "for r in pending", "all(", "choose(", "head(", '"', "'", "#", "{", "}", "MaxTime", "Channels",
          "replace(", ".put(", "r.ch", "é", "\t", "((((((((", "-", "*", "//0"]


def mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 3)):
        pos = rng.randrange(len(text))
        if rng.random() < 0.5:
            text = text[:pos] + rng.choice(TOKENS) + text[pos + rng.randint(0, 6):]
        else:
            text = text[:pos] + text[pos + rng.randint(1, 12):]
    return text


@pytest.mark.slow
@pytest.mark.parametrize("claim", ["pairing", "nodes-pipeline", "gateway-exposure-v2", "routing-isolation"])
def test_mutated_claims_never_crash(claim):
    rng = random.Random(claim)
    base = (CLAIMS / f"{claim}.yaml").read_text()
    outcomes = {"error": 0, "ok": 0}
    for _ in range(150):
        text = mutate(base, rng)
        try:
            for variant in expand(parse_yaml(text, "f.yaml")):
                check_bmc(check_variant(variant), 2)
            outcomes["ok"] += 1
        except InputError as exc:
            assert str(exc).startswith("f.yaml:") or exc.span is None
            outcomes["error"] += 1
    assert outcomes["error"] > 0
