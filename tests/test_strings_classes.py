"""The enumeration of collision classes (bench/collision_classes.py, which bench/strings.py
runs on oc-routing-strings) on a key derivation whose classes are known: 'k:' + the id
trimmed and lower-cased merges ids that differ in surrounding white space and ids that
differ in letter case, and nothing else. The loop must find both, each with a witness the
engine gave, and then report the list complete; with a class left out it must report a
witness in no known class, and an engine that cannot tell is never complete."""
import sys
import textwrap
from pathlib import Path

import yaml

from symcheck.front import strings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import collision_classes  # noqa: E402

TINY = textwrap.dedent("""\
    claim: tiny-keys
    title: two different ids never get one key
    source: test
    statement: test
    constants: {Alpha: {type: str, value: "aA "}}
    types:
      Msg: {record: {id: ID}}
    variables: {msgs: "seq[Msg, 2]"}
    init: {msgs: "[]"}
    defs:
      "key(m: Msg) -> str": "'k:' + m.id.strip().lower()"
      "in_class(p: Msg, q: Msg) -> bool": "True"
    actions:
      arrive:
        params: {id: ID}
        when: len(msgs) < 2
        then: {msgs: "append(msgs, Msg(id))"}
    invariants:
      one_key_per_id: >-
        len(msgs) < 2 or msgs[0].id == msgs[1].id or not in_class(msgs[0], msgs[1])
        or key(msgs[0]) != key(msgs[1])
    expect: holds
    depth: 2
    """)
WHITE_SPACE = ("ids differ only in surrounding white space", "p.id != q.id and p.id.strip() == q.id.strip()")
CASE = ("ids differ in letter case (and perhaps white space)",
        "p.id.strip() != q.id.strip() and p.id.strip().lower() == q.id.strip().lower()")


def pair(state):
    return tuple(state["msgs"])


def run(id_type: str, classes, engine: str = "bmc", timeout: float | None = None):
    doc = yaml.safe_load(TINY.replace("ID}", id_type + "}"))
    return collision_classes.enumerate_classes(doc, classes, pair, engine=engine, timeout=timeout)


def check_witnesses(out, classes):
    """Each witness really is two ids with one key, in the class it is named by."""
    for r in out.found:
        (p,), (q,) = r.witness
        assert p != q and strings.lower(strings.strip(p)) == strings.lower(strings.strip(q)), r
        if classes[r.cls] is WHITE_SPACE:
            assert strings.strip(p) == strings.strip(q), r
        else:
            assert strings.strip(p) != strings.strip(q), r


def test_both_classes_are_found_and_then_the_list_is_complete():
    """Over every string (BMC; on the finite instance below, 'str[2, Alpha]', Z3 took 745 s
    at load 7 with the alphabet as a regular expression: the next test checks that one
    without the solver)."""
    classes = [CASE, WHITE_SPACE]
    out = run("str", classes)
    assert sorted(r.cls for r in out.found) == [0, 1], out.summary()
    assert out.complete and out.verdict == "holds" and out.rounds[-1].witness is None, out.summary()
    assert len(out.rounds) == 3 and out.depth == 2
    check_witnesses(out, classes)
    assert out.summary().startswith("2 classes") and "complete: no other violation to depth 2" in out.summary()


def test_complete_agrees_with_every_pair_of_short_ids():
    """The engine's "no collision outside the two classes", checked without it: every pair
    of ids of at most two of the characters 'aA ' (the finite instance above) that gets one
    key falls in one of them, and both occur."""
    from symcheck.explicit.evaluator import Definitions
    ids = [""] + [a + b for a in "aA " for b in ["", *"aA "]]
    key = lambda s: "k:" + strings.lower(strings.strip(s))  # noqa: E731
    seen = set()
    with collision_classes.tempfile.TemporaryDirectory() as tmp:
        doc = collision_classes.patched(yaml.safe_load(TINY.replace("ID}", "'str[2, Alpha]'}")), {}, {},
                                        [CASE, WHITE_SPACE], [], "p: Msg, q: Msg")
        path = Path(tmp) / "tiny-keys.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        defs = Definitions(str(path), variant="enumerate", claims=tmp)
        for p in ids:
            for q in ids:
                if p != q and key(p) == key(q):
                    named = [i for i in (0, 1) if defs.call(f"class_{i}", (p,), (q,))]
                    assert named, (p, q)
                    seen.update(named)
    assert seen == {0, 1}


def test_a_class_left_out_is_a_witness_in_no_known_class():
    out = run("str", [CASE])
    assert not out.complete and out.verdict == "violated", out.summary()
    last = out.rounds[-1]
    assert last.cls is None and last.witness is not None
    (p,), (q,) = last.witness
    assert p != q and strings.strip(p) == strings.strip(q)  # the white-space class, which was not given
    assert "NOT complete: a witness in no known class" in out.summary()


def test_an_engine_that_cannot_tell_is_never_complete():
    out = run("str", [CASE, WHITE_SPACE], timeout=0.001)
    assert out.verdict == "unknown" and not out.complete, out.summary()
    assert "NOT complete" in out.summary()


def test_on_a_finite_instance_every_collision_is_named_without_a_solver():
    """`on_instance`: the evaluator keys every id of at most two of 'aA ', and each forbidden
    pair with one key is named: both classes occur and none is left; with the white-space
    class left out, its pairs are in no known class and the list is not complete."""
    doc = yaml.safe_load(TINY.replace("ID}", "str}"))
    ids = [""] + [a + b for a in "aA " for b in ["", *"aA "]]
    msgs = [(i,) for i in ids]
    out = collision_classes.on_instance(doc, [CASE, WHITE_SPACE], msgs, "key(m)", "p.id == q.id")
    assert out.messages == 13 and out.complete, out.summary()
    assert set(out.by_class) == {0, 1} and out.pairs == sum(out.by_class.values())
    key = lambda s: strings.lower(strings.strip(s))  # noqa: E731
    assert out.pairs == sum(1 for i, p in enumerate(ids) for q in ids[i + 1:] if key(p) == key(q))
    partial = collision_classes.on_instance(doc, [CASE], msgs, "key(m)", "p.id == q.id")
    assert not partial.complete and partial.unnamed and "NOT complete" in partial.summary()
    assert all(strings.strip(p[0]) == strings.strip(q[0]) for p, q in partial.unnamed)


def test_the_routing_claims_small_instance_is_complete():
    """bench/strings.py's finite instance of oc-routing-strings, made small: every collision
    among its messages is in one of the classes the finding variants show."""
    import strings as routing
    out = routing.instance({"ids": ("aA :", 2), "accounts": ("a:", 1), "threads": ("aA", 1)})
    assert out.complete, out.unnamed[:5]
    names = {routing.CLASSES[c][0] for c in out.by_class}
    assert {"a blank id is read as 'unknown'", "ids differ only in surrounding white space",
            "DM ids differ only in letter case", "group ids differ only in letter case",
            "thread ids differ only in case or white space"} <= names, names
