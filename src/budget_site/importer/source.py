"""The one form every reader produces: paragraphs and tables, each with where it is in the source.

A reader (text, PDF, Word, and whatever comes next) only has to say what the
document shows, in reading order; the parser never sees a file format. Tables
are grids: each cell starts at a grid column of its row and may span columns
(Word's ``gridSpan``, a PDF cell over several column lines) and rows (``vMerge``,
a PDF cell with no line under it). A merged area is one cell at its first row,
so the rows below show it as empty: the same as a blank "same as above" cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Where:
    """Where a paragraph or table row is: an order number (1-based; the line
    number for text files), and for other formats how a reader finds it."""

    number: int
    label: str | None = None  # "第 3 页第 12 行", "第 5 段", "第 2 个表格第 3 行"; None: "第 N 行"

    def __str__(self) -> str:
        return self.label or f"第 {self.number} 行"


@dataclass(frozen=True)
class Paragraph:
    text: str
    where: Where


@dataclass(frozen=True)
class Cell:
    """A cell at its first grid column, spanning ``columns`` columns and ``rows`` rows."""

    text: str
    column: int
    columns: int = 1
    rows: int = 1


@dataclass(frozen=True)
class Row:
    """The cells that start on one table row. ``text``: the row as written,
    when the source has it as one line (the text format's ``| a | b |``).
    ``continued``: the first row after a page break, which may be the rest of
    the row above when the producer let a row break across pages."""

    cells: tuple[Cell, ...]
    where: Where
    text: str | None = None
    continued: bool = False

    def grid(self) -> tuple[str, ...]:
        """The row's text per grid column: a cell at its first column, "" for
        the columns it spans and for the cells merged down from above."""
        width = max((c.column + c.columns for c in self.cells), default=0)
        texts = [""] * width
        for cell in self.cells:
            texts[cell.column] = cell.text
        return tuple(texts)


@dataclass(frozen=True)
class Table:
    rows: tuple[Row, ...]


Block = Paragraph | Table


@dataclass
class SourceDocument:
    """What a reader found: the blocks in reading order, and what it had to
    change that a reviewer should know (look-alike characters, dropped page furniture)."""

    path: Path
    kind: str  # "文字", "PDF", "Word"
    blocks: list[Block] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
