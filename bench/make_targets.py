"""Rewrite the claim-target block of the Makefile from `symcheck list --names`."""
import subprocess
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
names = subprocess.run([sys.executable, "-m", "symcheck.cli", "list", "--names"], cwd=root,
                       capture_output=True, text=True, check=True).stdout.split()
block = ["# BEGIN CLAIM TARGETS (generated: `make targets` rewrites this block)",
         "CLAIM_TARGETS := \\"] + [f"  {n} \\" for n in names[:-1]] + [f"  {names[-1]}", "",
         ".PHONY: $(CLAIM_TARGETS)", "$(CLAIM_TARGETS): $(STAMP)", "\t$(SYMCHECK) prove $@",
         "# END CLAIM TARGETS"]
path = root / "Makefile"
text = path.read_text()
start, end = text.index("# BEGIN CLAIM TARGETS"), text.index("# END CLAIM TARGETS") + len("# END CLAIM TARGETS")
path.write_text(text[:start] + "\n".join(block) + text[end:])
print(f"{len(names)} claim targets")
