"""Claims that read constants from data files: the generated tool-group data, its
regeneration script (on small fixture sources, as CI has no OpenClaw checkout), and
the located errors of a data reference."""
import importlib.util
import re
import shutil
import subprocess
import sys

import pytest
import yaml

import symcheck
from conftest import CLAIMS, ROOT
from symcheck.front.claims import catalog
from symcheck.errors import InputError
from symcheck.front.source import YMap, YScalar, YSeq, load_data_file

DATA = CLAIMS / "data" / "tool-groups.yaml"
SCRIPT = ROOT / "scripts" / "gen_tool_groups.py"
FIXTURES = ROOT / "tests" / "data"
SHA = "0123456789abcdef0123456789abcdef01234567"


def gen(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True)


def shape(node):
    """The structure of a data file: mapping keys, and what the lists hold."""
    if isinstance(node, YMap):
        return {k: shape(v) for k, v in node.items.items()}
    if isinstance(node, YSeq):
        return ["str"] if all(isinstance(i, YScalar) and isinstance(i.value, str) for i in node.items) else ["?"]
    return type(node.value).__name__


def data_shape(path):
    """The shape of a tool-group data file, whatever its group names."""
    top = shape(load_data_file(path))
    top["groups"] = sorted({repr(v) for v in top["groups"].values()})
    return top


def script():
    """The generator as a module, for its parts."""
    spec = importlib.util.spec_from_file_location("gen_tool_groups", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["gen_tool_groups"] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


# ---------------------------------------------------------------- the committed data


def test_tool_group_data_parses_and_records_its_source():
    data = yaml.safe_load(DATA.read_text())
    src = data["source"]
    assert src["repo"] == "openclaw/openclaw"
    assert re.fullmatch(r"[0-9a-f]{40}", src["commit"])
    assert src["path"].startswith("src/agents/") and src["path"].endswith(".ts")
    assert src["layout"] in ("catalog", "literal")
    assert src["command"] == f"python scripts/gen_tool_groups.py --openclaw PATH --rev {src['commit']}"
    groups = data["groups"]
    assert all(g.startswith("group:") and tools and len(set(tools)) == len(tools) for g, tools in groups.items())
    # tools: every tool named by a group, each once
    assert len(set(data["tools"])) == len(data["tools"])
    assert set(data["tools"]) == {t for tools in groups.values() for t in tools}
    assert "do not edit by hand" in DATA.read_text().splitlines()[0]


@pytest.mark.slow
def test_groups_claim_reads_its_constants_from_the_data():
    data = yaml.safe_load(DATA.read_text())
    entries = catalog(CLAIMS)
    assert entries["groups"].variant.data == ("data/tool-groups.yaml",)
    green = symcheck.load_claim("groups")
    consts = {c.name: c.value for c in green.constants}
    assert consts["Tools"] == frozenset(data["tools"])
    assert consts["GroupMemory"] == frozenset(data["groups"]["group:memory"])
    # the red patches the reference away and plants its literal
    red = {c.name: c.value for c in symcheck.load_claim("groups-negative").constants}
    assert red["GroupMemory"] == frozenset({"memory_search"}) and red["Tools"] == consts["Tools"]


# ---------------------------------------------------------------- the generator


@pytest.mark.parametrize("layout,path,groups", [
    ("catalog", "src/agents/tool-catalog.ts", {
        "group:openclaw": ["memory_search", "memory_get", "message"],
        "group:fs": ["read", "write"], "group:memory": ["memory_search", "memory_get"],
        "group:runtime": ["exec"], "group:messaging": ["message"]}),
    ("literal", "src/agents/tool-policy.ts", {
        "group:memory": ["memory_search", "memory_get"], "group:fs": ["read", "write"],
        "group:openclaw": ["memory_search", "memory_get", "message"]}),
])
def test_generator_on_a_fixture_source_reproduces_the_data_shape(tmp_path, layout, path, groups):
    out = tmp_path / "tool-groups.yaml"
    p = gen("--openclaw", FIXTURES / f"openclaw-{layout}", "--commit", SHA, "--output", out)
    assert p.returncode == 0, p.stderr
    assert data_shape(out) == data_shape(DATA)
    data = yaml.safe_load(out.read_text())
    assert data["source"]["commit"] == SHA and data["source"]["path"] == path
    assert data["source"]["layout"] == layout
    assert data["groups"] == groups  # in the source's order
    assert list(data["groups"]) == list(groups)
    # --check: up to date, then stale
    assert gen("--openclaw", FIXTURES / f"openclaw-{layout}", "--commit", SHA, "--output", out, "--check").returncode == 0
    out.write_text(out.read_text().replace('"write"', '"wrote"'))
    stale = gen("--openclaw", FIXTURES / f"openclaw-{layout}", "--commit", SHA, "--output", out, "--check")
    assert stale.returncode == 1 and "out of date" in stale.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_generator_reads_a_bare_mirror_and_records_its_commit(tmp_path):
    work = tmp_path / "work"
    shutil.copytree(FIXTURES / "openclaw-catalog", work)
    env = ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    subprocess.run(["git", "-C", str(work), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(work), *env, "commit", "-qm", "fixture"], check=True)
    subprocess.run(["git", "clone", "-q", "--mirror", str(work), str(tmp_path / "mirror.git")], check=True)
    head = subprocess.run(["git", "-C", str(work), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    out = tmp_path / "tg.yaml"
    for source in (tmp_path / "mirror.git", work):
        p = gen("--openclaw", source, "--output", out)
        assert p.returncode == 0, p.stderr
        data = yaml.safe_load(out.read_text())
        assert data["source"]["commit"] == head and data["groups"]["group:memory"] == ["memory_search", "memory_get"]
    # a work tree with local changes names no commit: refused
    (work / "src/agents/tool-catalog.ts").write_text("// changed\n")
    p = gen("--openclaw", work, "--output", out)
    assert p.returncode == 2 and "local changes" in p.stderr


def test_generator_refuses_what_it_cannot_read(tmp_path):
    mod = script()
    # a plain directory needs --commit
    p = gen("--openclaw", FIXTURES / "openclaw-literal", "--output", tmp_path / "x.yaml")
    assert p.returncode == 2 and "--commit" in p.stderr and "Traceback" not in p.stderr
    # a catalog whose group derivation changed is not guessed at
    src = (FIXTURES / "openclaw-catalog/src/agents/tool-catalog.ts").read_text()
    with pytest.raises(mod.GenError, match="derivation changed"):
        mod.groups_from_catalog(src.replace("includeInOpenClawGroup", "inDefaultGroup"), "f.ts")
    # groups built by a spread are not a literal
    with pytest.raises(mod.GenError, match="spread"):
        mod.groups_from_literal("const TOOL_GROUPS = { ...CORE };", "f.ts")
    (tmp_path / "src/agents").mkdir(parents=True)
    (tmp_path / "src/agents/tool-policy.ts").write_text("export const OTHER = 1;\n")
    p = gen("--openclaw", tmp_path, "--commit", SHA, "--output", tmp_path / "x.yaml")
    assert p.returncode == 2 and "no tool groups found" in p.stderr


def test_literal_reader_handles_comments_quotes_and_trailing_commas():
    mod = script()
    text = "const X: T = { a: ['x\\'y', \"z\", ], /* c */ 'b': { n: -2, ok: true, f: g, }, // d\n };"
    assert mod.literal_of(text, "X", "f.ts") == {"a": ["x'y", "z"], "b": {"n": -2, "ok": True, "f": mod.Ref("g")}}


# ---------------------------------------------------------------- data references


CLAIM = """\
claim: d
constants:
  Tools: {enum: {from: data/t.yaml, key: tools}}
  Mem: {type: "set[Tools]", value: {from: data/t.yaml, key: [groups, "group:memory"]}}
variables:
  x: 0..0
init:
  x: 0
invariants:
  exact: Mem == {a, b}
variants:
  negative:
    bug: reads another group
    expect: violated
    patch:
      constants:
        Mem: {value: {key: [groups, "group:other"]}}
"""
DATA_TEXT = """\
source: {repo: "x/y", commit: "c"}
groups:
  "group:memory": [a, b]
  "group:other": [a]
tools: [a, b, c]
"""


def write(tmp_path, claim=CLAIM, data=DATA_TEXT):
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "t.yaml").write_text(data)
    path = tmp_path / "d.yaml"
    path.write_text(claim)
    return path


def test_a_variant_may_patch_a_data_reference(tmp_path):
    green, red = symcheck.load_claims(str(write(tmp_path)))
    assert symcheck.prove(green).holds
    r = symcheck.prove(red)
    assert r.violated and r.depth == 0 and r.invariant == "exact"


ERRORS = [
    ("missing file", CLAIM.replace("from: data/t.yaml, key: tools", "from: data/nope.yaml, key: tools"), DATA_TEXT,
     "d.yaml:3:24: error: data file 'data/nope.yaml' does not exist"),
    ("missing key", CLAIM.replace('"group:memory"', '"group:memroy"'), DATA_TEXT,
     "d.yaml:4:70: error: data file data/t.yaml has no key 'group:memroy' under groups\n"
     "d.yaml:4:70: note: did you mean 'group:memory'?"),
    ("key into a list", CLAIM.replace("key: tools", "key: [tools, x]"), DATA_TEXT,
     "d.yaml:3:50: error: data file data/t.yaml has nothing at 'x' under tools (it holds a list of 3 items "
     "there, at data/t.yaml:5:8)"),
    ("outside the claims directory", CLAIM.replace("from: data/t.yaml, key: tools", "from: ../t.yaml, key: tools"),
     DATA_TEXT, "d.yaml:3:24: error: data file '../t.yaml' is outside the claims directory"),
    ("bad yaml in the data file", CLAIM, DATA_TEXT.replace("[a, b, c]", "[a, b, c"),
     "data/t.yaml:6:1: error: YAML syntax: expected ',' or ']', but got '<stream end>'\n"
     "data/t.yaml:6:1: note: the data file is read for"),
    ("bad value in the data file", CLAIM, DATA_TEXT.replace('"group:memory": [a, b]', '"group:memory": [a, z]'),
     "data/t.yaml:3:23: error: constant Mem: 'z' is not a member of Tools"),
]


@pytest.mark.parametrize("what,claim,data,message", ERRORS, ids=[e[0] for e in ERRORS])
def test_data_reference_errors_are_located(tmp_path, what, claim, data, message):
    path = write(tmp_path, claim, data)
    with pytest.raises(InputError) as exc:
        symcheck.load_claims(str(path))
    got = str(exc.value).replace(str(tmp_path) + "/", "")
    assert got.startswith(message), got



ENUM_CLAIM = """\
claim: c
types:
  K: {enum: REF}
variables: {x: K}
init: {x: "'p'"}
invariants: {ok: "x != 'r'"}
actions:
  next: {then: {x: "'q' if x == 'p' else 'r'"}}
"""


@pytest.mark.parametrize("data,ref,members", [
    ("[p, q, r]\n", "{from: data/k.yaml}", ("p", "q", "r")),  # no key: the whole file
    ("names: [[p, q], [p, q, r]]\n", "{from: data/k.yaml, key: [names, 1]}", ("p", "q", "r")),  # a list index
])
def test_a_type_enum_may_come_from_a_whole_file_or_a_list_item(tmp_path, data, ref, members):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "k.yaml").write_text(data)
    (tmp_path / "c.yaml").write_text(ENUM_CLAIM.replace("REF", ref))
    model = symcheck.load_claim(str(tmp_path / "c.yaml"))
    assert dict(model.variables)["x"].members == members
    r = symcheck.prove(model)
    assert r.violated and r.depth == 2


def test_a_data_reference_stands_for_a_whole_value_not_an_item(tmp_path):
    path = write(tmp_path, CLAIM.replace('value: {from: data/t.yaml, key: [groups, "group:memory"]}',
                                         "value: [{from: data/t.yaml, key: [tools, 0]}]"))
    with pytest.raises(InputError, match="expected an enum member"):
        symcheck.load_claims(str(path))


def test_a_mapping_literal_in_a_patch_replaces_a_data_reference(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "m.yaml").write_text("limits: {p: 1, q: 1}\n")
    (tmp_path / "c.yaml").write_text("""\
claim: c
types:
  K: {enum: [p, q]}
constants:
  Limit: {type: "map[K, 0..3]", value: {from: data/m.yaml, key: limits}}
variables: {x: 0..0}
init: {x: 0}
invariants: {small: "all(Limit[k] <= 1 for k in K)"}
variants:
  negative:
    bug: q's limit is raised
    expect: violated
    patch:
      constants:
        Limit: {value: {p: 1, q: 3}}
""")
    green, red = symcheck.load_claims(str(tmp_path / "c.yaml"))
    assert symcheck.prove(green).holds
    assert {c.name: c.value for c in red.constants}["Limit"] == (("p", 1), ("q", 3))
    assert symcheck.prove(red).violated
