"""Plain-text tables that fit the terminal.

Off a terminal (a file, a pipe, a CI log) a table keeps full rows, one line each, so
it can be searched and diffed. On a terminal of W columns it is laid out to fit: the
text columns wrap within their cell (a variant name wraps at its dashes), and when
even wrapped they cannot fit, the least useful columns are left out, in the order the
caller gives, and a note under the table names them and the flag that shows them
(`--wide`). No line ends in spaces."""
from __future__ import annotations

import shutil
import sys
import textwrap
from collections.abc import Sequence

GAP = "  "  # between two columns
MIN_WRAPPED = 12  # a wrapped column narrower than this is unreadable: drop a column instead


def terminal_width(wide: bool = False, width: int | None = None) -> int | None:
    """The width to fit a table printed on stdout: `width` when given (0: no limit),
    none with `wide` or off a terminal, else the terminal's ($COLUMNS wins)."""
    if width is not None:
        return width or None
    if wide or not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size().columns


def table(rows: Sequence[Sequence[object]], headers: Sequence[str], width: int | None = None,
          wrap: Sequence[str] = (), drop: Sequence[str] = (), flag: str = "--wide") -> str:
    """The rows under their headers, columns padded and separated by two spaces.
    With `width`, fitted to it: the columns named in `wrap` wrap their text, and the
    columns named in `drop` are left out, first to last, while the table cannot fit
    with its wrapped columns at least MIN_WRAPPED wide."""
    cells = [[str(c) for c in r] for r in rows]
    keep = list(range(len(headers)))
    natural = [max([len(headers[i])] + [len(r[i]) for r in cells]) for i in keep]
    dropped: list[str] = []
    widths = {i: natural[i] for i in keep}
    if width is not None:
        for name in [None, *drop]:
            if name is not None:
                if name not in headers or headers.index(name) not in keep:
                    continue
                keep.remove(headers.index(name))
                dropped.append(name)
            fitted = _fit([natural[i] for i in keep], [headers[i] in wrap for i in keep], width)
            if fitted is not None:
                widths = dict(zip(keep, fitted))
                break
        else:  # nothing left to drop: wrapped columns at their narrowest, the line may overflow
            widths = {i: min(natural[i], MIN_WRAPPED) if headers[i] in wrap else natural[i] for i in keep}
    lines = [_line([headers[i] for i in keep], [widths[i] for i in keep]),
             _line(["-" * widths[i] for i in keep], [widths[i] for i in keep])]
    for r in cells:
        parts = [textwrap.wrap(r[i], widths[i], break_on_hyphens=True) or [""] if len(r[i]) > widths[i] else [r[i]]
                 for i in keep]
        for k in range(max(len(p) for p in parts)):
            lines.append(_line([p[k] if k < len(p) else "" for p in parts], [widths[i] for i in keep]))
    if dropped and width is not None:
        lines += textwrap.wrap(f"({len(dropped)} column{'s' if len(dropped) != 1 else ''} left out to fit {width} "
                               f"columns: {', '.join(dropped)}; {flag} shows every column)", width)
    return "\n".join(lines)


def _fit(natural: list[int], wraps: list[bool], width: int) -> list[int] | None:
    """Column widths within `width`: fixed columns at their natural width, the wrapped
    ones sharing what is left (none wider than it needs); None when a wrapped column
    would be narrower than MIN_WRAPPED (or a fixed one does not fit)."""
    room = width - len(GAP) * (len(natural) - 1) - sum(n for n, w in zip(natural, wraps) if not w)
    if sum(n for n, w in zip(natural, wraps) if w) <= room:
        return natural
    flexible = sorted((n, i) for i, (n, w) in enumerate(zip(natural, wraps)) if w)
    if not flexible or room < MIN_WRAPPED * len(flexible):
        return None
    out = list(natural)
    for k, (n, i) in enumerate(flexible):  # the narrowest first: each takes at most its fair share of the rest
        share = room // (len(flexible) - k)
        out[i] = min(n, share)
        room -= out[i]
    return out


def _line(cells: list[str], widths: list[int]) -> str:
    return GAP.join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
