"""The README's tutorial claim works as the README says."""
import symcheck
from conftest import ROOT


def test_readme_tutorial(tmp_path):
    readme = (ROOT / "README.md").read_text()
    (tmp_path / "approval-expiry.yaml").write_text(readme.split("```yaml\n")[1].split("```")[0])
    green = symcheck.prove(symcheck.load_claim("approval-expiry", claims=tmp_path))
    red = symcheck.prove(symcheck.load_claim("approval-expiry-negative", claims=tmp_path))
    assert green.proved and green.engine == "kind" and green.depth == 1
    assert red.violated and red.depth == 4 and red.invariant == "ran_only_when_live"
    assert "fails after 4 steps" in readme and "PROVED for every depth by k-induction (k = 1)" in readme
    bounded = symcheck.prove(symcheck.load_claim("approval-expiry", claims=tmp_path), engine="bmc")
    assert bounded.holds and bounded.depth == 8 and "HOLDS to depth 8" in readme
