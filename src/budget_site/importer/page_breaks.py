"""Table rows of a PDF put back together where a page break cut them.

A producer may let a row break across a page (one cell's text goes on at
the top of the next page) and a label cell merged down several rows shows
its text in two pieces when the break falls inside it. The reader marks the
first row after a break (``Line.continued``); these helpers join what the
form's fixed words show belongs together, each with a warning for the reviewer.
"""

from __future__ import annotations

from dataclasses import replace

from .characters import join_wrapped, label_key
from .context import Context
from .lines import Line
from .table_labels import LABELS, ROW_KINDS


def mend_page_breaks(rows: list[Line], ctx: Context) -> list[Line]:
    """A label cell merged down rows on both sides of a page break shows its
    text in two pieces ("资金支" above the break, "出计划（%）" below): the
    second piece goes back to the first when together they make a known label."""
    mended = _join_split_rows(rows, ctx)
    for i, row in enumerate(list(mended)):
        rest = row.raw_cells[0] if row.continued and row.raw_cells else ""
        if not rest or label_key(rest) in ROW_KINDS:
            continue
        j = next((j for j in range(i - 1, -1, -1) if (mended[j].raw_cells or ("",))[0]), None)
        if j is None:
            continue
        above = mended[j].raw_cells or ("",)
        joined = join_wrapped([above[0], rest])
        if label_key(joined) not in ROW_KINDS:
            continue
        mended[j] = replace(mended[j], raw_cells=(joined, *above[1:]))
        mended[i] = replace(row, raw_cells=("", *(row.raw_cells or ())[1:]))
        ctx.warn(row.number, f"“{joined}”跨页断开，已把下一页的“{rest}”接回")
    return [row for row in mended if row.filled()]


def _join_split_rows(rows: list[Line], ctx: Context) -> list[Line]:
    """A row broken across a page ("其中：财政" | "资金" below the break) joined
    cell by cell, when a label cell (after the first) has a piece on each side."""
    joined_rows: list[Line] = []
    for row in rows:
        above = joined_rows[-1] if joined_rows else None
        if row.continued and above is not None and above.raw_cells and row.raw_cells:
            width = max(len(above.raw_cells), len(row.raw_cells))
            pairs = [(above.raw_cells[i] if i < len(above.raw_cells) else "",
                      row.raw_cells[i] if i < len(row.raw_cells) else "") for i in range(width)]
            # a label made of a piece on each side, after the first cell (that one: see mend_page_breaks)
            if any(a and b and label_key(a) not in LABELS and label_key(join_wrapped([a, b])) in LABELS
                   for a, b in pairs[1:]):
                joined_rows[-1] = replace(above, raw_cells=tuple(join_wrapped([a, b]) for a, b in pairs))
                ctx.warn(row.number, "这一行是上一页最后一行跨页断开的后半部分，已接到该行")
                continue
        joined_rows.append(row)
    return joined_rows
