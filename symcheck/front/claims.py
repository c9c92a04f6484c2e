"""Finding claims: the claims directory, its files, and every variant they define."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from symcheck.front.check import check_variant, unknown_constant
from symcheck.errors import InputError, suggest
from symcheck.front.ir import Model
from symcheck.front.overrides import Override
from symcheck.front.source import YMap, load_yaml
from symcheck.front.variants import Variant, expand


def claims_dir(explicit: str | None = None) -> Path:
    """--claims DIR, else $SYMCHECK_CLAIMS, else ./claims when there is one, else the
    claims shipped with symcheck (`bundled_claims`)."""
    chosen = explicit or os.environ.get("SYMCHECK_CLAIMS")
    if chosen:
        return Path(chosen)
    local = Path("claims")
    if local.is_dir():
        return local
    return bundled_claims() or local


def bundled_claims() -> Path | None:
    """The claims that come with symcheck: installed from a wheel, the package's
    `claims` folder (pyproject.toml maps the repository's claims/ there); run from a
    source tree (an editable install, or PYTHONPATH), the tree's claims/."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "claims", package.parent / "claims"):
        if candidate.is_dir() and any(candidate.glob("*.yaml")):
            return candidate
    return None


@dataclass(frozen=True)
class Entry:
    name: str
    file: Path
    variant: Variant


def claim_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise InputError(None, f"claims directory {directory} does not exist",
                         "pass --claims DIR or set SYMCHECK_CLAIMS")
    return sorted(p for p in directory.glob("*.yaml") if p.is_file())


def variants_of(path: Path) -> list[Entry]:
    return [Entry(v.name, path, v) for v in expand(load_yaml(path))]


def catalog(directory: Path) -> dict[str, Entry]:
    """Every claim variant under the directory, by name, in file order."""
    out: dict[str, Entry] = {}
    for path in claim_files(directory):
        for entry in variants_of(path):
            if entry.name in out:
                raise InputError(None, f"claim {entry.name!r} is defined in both {out[entry.name].file} and {path}")
            out[entry.name] = entry
    return out


def resolve(name_or_path: str, directory: Path | None = None) -> list[Entry]:
    """A claim name, or a file (all its variants), or FILE:VARIANT (one variant, named by
    its suffix, `negative`, or its full name, `pairing-negative`; the family name is the
    green claim)."""
    file, colon, variant = name_or_path.rpartition(":")
    if colon and Path(file).suffix in (".yaml", ".yml"):
        return [variant_in(Path(file), variant)]
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.is_file():
        if not p.is_file():
            raise InputError(None, f"no such claim file: {p}")
        return variants_of(p)
    table = catalog(directory or claims_dir())
    if name_or_path not in table and p.is_dir():
        raise InputError(None, f"{name_or_path} is a directory, not a claim",
                         f"name a claim or a claim file; to check every claim in the directory: "
                         f"symcheck --claims {name_or_path} check")
    if name_or_path not in table:
        hint = suggest(name_or_path, table, n=3) or "run `symcheck list` to see every claim"
        raise InputError(None, f"no claim named {name_or_path!r} in {directory or claims_dir()}", hint)
    return [table[name_or_path]]


def variant_in(path: Path, variant: str) -> Entry:
    """The variant named after `FILE:`; an unknown one is an error listing those there are."""
    if not path.is_file():
        raise InputError(None, f"no such claim file: {path}")
    entries = variants_of(path)
    for e in entries:
        if variant and variant in (e.variant.suffix, e.name):
            return e
    listing = ", ".join(f"{e.variant.suffix} ({e.name})" if e.variant.suffix else f"{e.name} (the green claim)"
                        for e in entries)
    close = suggest(variant, [e.variant.suffix for e in entries if e.variant.suffix] + [e.name for e in entries])
    what = f"no variant {variant!r}" if variant else "no variant named after the colon"
    raise InputError(None, f"{path} has {what}", (close + " " if close else "") + f"its variants: {listing}")


def load_model(entry: Entry, overrides: Mapping[str, Override] | None = None) -> Model:
    return check_variant(entry.variant, overrides)


def load_models(entries: list[Entry], overrides: Mapping[str, Override] | None = None) -> list[Model]:
    """The checked variants, each with the overrides of the constants it declares: an
    override applies to every variant that has the constant, and is an error when none has."""
    return check_variants([e.variant for e in entries], overrides)


def check_variants(variants: list[Variant], overrides: Mapping[str, Override] | None = None) -> list[Model]:
    """As load_models, for variants (of a file, or of a text: api.load_text)."""
    if not overrides or len(variants) == 1:
        return [check_variant(v, overrides) for v in variants]
    declared: dict[str, None] = {}
    for v in variants:
        node = v.doc.get("constants")
        declared.update(dict.fromkeys(node.items if isinstance(node, YMap) else ()))
    for name, o in overrides.items():
        if name not in declared:
            raise unknown_constant(o, list(declared), f"none of the {len(variants)} selected claim variants has a "
                                                     f"constant {name!r}")
    return [check_variant(v, overrides, every_name=False) for v in variants]
