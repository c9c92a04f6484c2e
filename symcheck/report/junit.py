"""Results as JUnit XML, the report every CI system shows as tests: one testcase per
variant, a failure when its verdict is not the expected one (the message says what
was found, the body holds the full text report with the trace; `unknown` is a failure,
as it is for `symcheck check`). Written with the standard library."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from symcheck.front.ir import Model
from symcheck.report.text import constant_text, headline, text
from symcheck.trace import Result


def junit_xml(results: list[tuple[Model, Result, float]], suite: str = "symcheck") -> str:
    """results: (model, result, seconds) triples, as `symcheck check` collects them."""
    failures = sum(1 for _, r, _ in results if not r.as_expected)
    total = sum(secs for _, _, secs in results)
    root = ET.Element("testsuites", name=suite, tests=str(len(results)), failures=str(failures),
                      errors="0", time=f"{total:.3f}")
    ts = ET.SubElement(root, "testsuite", name=suite, tests=str(len(results)), failures=str(failures),
                       errors="0", skipped="0", time=f"{total:.3f}")
    for model, r, secs in results:
        case = ET.SubElement(ts, "testcase", name=model.name, classname=f"{suite}.{model.family}",
                             file=model.file, time=f"{secs:.3f}")
        if model.overrides:  # testcase properties, as pytest's record_property writes them
            props = ET.SubElement(case, "properties")
            for o in model.overrides:
                ET.SubElement(props, "property", name=f"override.{o.constant.name}",
                              value=f"{constant_text(o.constant)} ({o.origin})")
        if not r.as_expected:
            failure = ET.SubElement(case, "failure", message=_message(model, r), type=f"verdict-{r.verdict}")
            failure.text = text(model, r)
        else:
            out = ET.SubElement(case, "system-out")
            out.text = headline(model, r)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _message(model: Model, r: Result) -> str:
    return f"expected {model.expect}, got {r.verdict}" + (f": {r.invariant}" if r.invariant else "") + (
        f" ({r.reason})" if r.reason else "")
