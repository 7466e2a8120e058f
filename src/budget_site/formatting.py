"""How numbers are written on the pages, in the charts and in the open data
files: one place, so a figure reads the same everywhere."""

from __future__ import annotations

import unicodedata
from decimal import Decimal


def money(value: Decimal | None) -> str:
    """Amounts as the official tables print them: two decimals, blank if absent."""
    return "" if value is None else f"{value:.2f}"


def number(value: Decimal) -> str:
    """A share or count without trailing zeros: 30, 12.5."""
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


def percent(value: Decimal) -> str:
    return f"{number(value)}%"


def display_width(text: str) -> int:
    """Columns a text takes in a monospaced grid: CJK and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def shorten(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` columns, with an ellipsis when cut."""
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 2:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def filesize(size: int) -> str:
    """A download's size as file managers show it: 845 B, 9.6 KB, 1.2 MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
