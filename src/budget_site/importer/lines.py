"""The parser's view of a document: one line per paragraph and per table row, in reading order."""

from __future__ import annotations

from dataclasses import dataclass

from .characters import join_chinese, label_key
from .source import Paragraph, SourceDocument, Where


@dataclass(frozen=True)
class Line:
    """A paragraph or a table row: where it is, the text as written, and for
    a row its cells as written, one per grid column ("" where merged)."""

    where: Where
    raw: str
    raw_cells: tuple[str, ...] | None = None
    continued: bool = False  # a row right after a page break (see Row.continued)

    @property
    def number(self) -> int:
        return self.where.number

    @property
    def is_row(self) -> bool:
        return self.raw_cells is not None

    @property
    def text(self) -> str:
        """The line with conversion spaces removed, for recognising headings."""
        return join_chinese(self.raw)

    @property
    def cells(self) -> tuple[str, ...]:
        return tuple(join_chinese(c) for c in self.raw_cells or ())

    @property
    def key(self) -> str:
        """The first cell (rows) or the whole line as a lookup key."""
        return label_key(self.raw_cells[0] if self.raw_cells else self.raw)

    def filled(self) -> list[tuple[int, str]]:
        """(column, raw cell) of the non-empty cells of a row."""
        return [(i, c) for i, c in enumerate(self.raw_cells or ()) if c]


def document_lines(document: SourceDocument) -> list[Line]:
    """Paragraphs as lines, table rows as lines of cells (a row written as
    one line keeps that text; others show as ``| a | b |``)."""
    lines = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            lines.append(Line(block.where, block.text))
            continue
        for row in block.rows:
            cells = row.grid()
            text = row.text or "| " + " | ".join(c.replace("\n", " ") for c in cells) + " |"
            lines.append(Line(row.where, text, cells, row.continued))
    return lines
