"""Z3's witness of a finding variant, recorded (`--record` of bench/strings.py and
bench/allowlists.py) in the JSON file `make conformance` replays on the package."""
from __future__ import annotations

import json
import os
from pathlib import Path


def write_witness(path: Path, claim: str, script: str, variant: str, fields: dict, seconds: float) -> None:
    """Add or replace `variant`'s witness (its `fields`, how it was found, its seconds and
    the machine's load) in `path`, keeping the variants sorted."""
    import z3

    doc = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {
        "claim": claim, "about": f"Z3's witness of each finding variant (python {script} --record); "
                                 "make conformance replays them on the package", "witnesses": {}}
    doc["witnesses"][variant] = {**fields, "found_by": f"bmc, z3 {z3.get_version_string()}",
                                 "seconds": round(seconds, 1), "load": round(os.getloadavg()[0], 1)}
    doc["witnesses"] = dict(sorted(doc["witnesses"].items()))
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=True) + "\n", encoding="utf-8")
