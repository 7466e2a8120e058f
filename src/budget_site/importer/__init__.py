"""Import one 部门预算绩效文本 (Word, PDF or converted text) into ``data/<year>/<unit code>.yaml``.

Each format has a reader (``text``, ``pdf``, ``docx``) that turns the file into
one form, a ``SourceDocument`` of paragraphs and tables with merged cells,
each with where it is in the source. One parser turns that into data:

1. a reader, chosen by what the file is (``content``: its signature, not its name)
   through ``READERS``, refusing what it cannot read; a wrong extension is said;
2. ``lines``: paragraphs and table rows as lines, in reading order;
3. ``layout.locate``: title page, table of contents, Part 1 and Part 2 by their headings;
4. ``cover``, ``part_one``, ``part_two``: each part into the fields of the data format;
5. ``yaml_out.render_yaml``: the data in the layout of ``data/2023/230001.yaml``;
6. ``writing.write_unit``: checked by the loader first, never overwriting by accident.

It changes only what the conversion provably broke (whitespace between two
Chinese characters, inside codes and inside period labels; look-alike radical
code points of some PDF fonts) and keeps every other character as written.
Nothing is dropped: a line it cannot place goes to ``unplaced`` with where it
is, and a warning, so the reviewer sees it.

A new format needs only a function ``Path -> SourceDocument`` registered
with ``register_reader``. A reader of structured input (the ``.xlsx``
workbook of ``budget_site.workbook``) may return the ``ImportedUnit`` itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..problems import DataError
from .characters import ideographs, join_chinese, squeeze, strip_numbering
from .content import Kind, agrees, content_kind
from .parse import ImportedUnit, parse_source
from .refusal import refuse
from .source import Cell, Paragraph, Row, SourceDocument, Table, Where
from .text import read_text, text_document
from .writing import write_unit
from .yaml_out import render_yaml

__all__ = [
    "READERS", "Cell", "ImportedUnit", "Paragraph", "Row", "SourceDocument", "Table", "Where",
    "import_document", "join_chinese", "parse_document", "register_reader", "render_yaml", "squeeze",
    "strip_numbering", "write_unit",
]

Reader = Callable[[Path], "SourceDocument | ImportedUnit"]


def _read_pdf(path: Path) -> SourceDocument:
    from .pdf import read_pdf  # pdfminer is loaded only when a PDF comes

    return read_pdf(path)


def _read_docx(path: Path) -> SourceDocument:
    from .docx import read_docx

    return read_docx(path)


def _old_binary(path: Path) -> SourceDocument:
    raise refuse(path, "这是旧版 Word（.doc）或 WPS（.wps）的二进制格式，无法直接读取；请在 Word 或 WPS 中打开，"
                       "“另存为”Word 文档（.docx）后再导入")


def _read_xlsx(path: Path) -> ImportedUnit:
    from ..workbook import read_workbook

    return read_workbook(path)


def _old_spreadsheet(suffix: str) -> Reader:
    """The refusal of a spreadsheet in format ``suffix``, whatever the file's name says."""

    def refuse_it(path: Path) -> ImportedUnit:
        from ..workbook import refuse_old_spreadsheet

        return refuse_old_spreadsheet(path, suffix)

    return refuse_it


# File extension (lower case) -> reader. Add formats with register_reader.
READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".pdf": _read_pdf,
    ".docx": _read_docx,
    ".doc": _old_binary,
    ".wps": _old_binary,
    ".xlsx": _read_xlsx,
    ".xlsm": _old_spreadsheet(".xlsm"),
    ".xls": _old_spreadsheet(".xls"),
    ".et": _old_spreadsheet(".et"),
}

def register_reader(suffix: str, reader: Reader) -> None:
    """Read files ending in ``suffix`` (".xlsx") with ``reader``."""
    READERS[suffix.lower()] = reader


def reader_for(path: Path, kind: Kind | None = None) -> Reader:
    """The reader for ``path`` by its extension; for another extension, by its
    content (``kind``), else the text reader (which refuses what is not text)."""
    reader = READERS.get(path.suffix.lower())
    if reader is not None:
        return reader
    return READERS[kind.suffix] if kind is not None else read_text


def import_document(path: Path) -> ImportedUnit:
    """Read and parse one document as what its bytes say it is; DataError (in Chinese,
    naming the file) when it is not one. A wrong extension is said in a note, or in the refusal."""
    kind = content_kind(path)
    if agrees(kind, path.suffix):
        return _read(reader_for(path, kind), path)
    assert kind is not None
    told = f"文件扩展名是“{path.suffix}”，但内容是{kind.name}"
    try:
        unit = _read(READERS[kind.suffix], path)
    except DataError as error:
        raise DataError([replace(p, message=f"{told}：{p.message}") for p in error.problems]) from None
    unit.notes.append(f"{told}，已按{kind.name}导入；请把文件改名为“{path.stem}{kind.suffix}”")
    return unit


def _read(reader: Reader, path: Path) -> ImportedUnit:
    read = reader(path)
    if isinstance(read, ImportedUnit):  # a workbook is read straight into the data
        return read
    return parse_source(_with_ideographs(read))


def parse_document(text: str, source: Path) -> ImportedUnit:
    """Parse a converted text held in memory (``source`` names it in messages)."""
    return parse_source(_with_ideographs(text_document(text, source)))


def _with_ideographs(document: SourceDocument) -> SourceDocument:
    """The document with radical look-alikes replaced by the ideographs a
    reader types and searches for, and a note saying which were replaced."""
    changed: dict[str, str] = {}
    counts: Counter[str] = Counter()

    def fix(text: str) -> str:
        new, found = ideographs(text)
        changed.update(found)
        counts.update(char for char in text if char in found)
        return new

    blocks = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            blocks.append(replace(block, text=fix(block.text)))
        else:
            rows = tuple(replace(row, text=fix(row.text) if row.text else row.text,
                                 cells=tuple(replace(c, text=fix(c.text)) for c in row.cells)) for row in block.rows)
            blocks.append(Table(rows))
    if not changed:
        return document
    pairs = "、".join(f"“{old}”→“{new}”（{counts[old]} 处）" for old, new in sorted(changed.items()))
    note = f"原文的文字层用了字形相同的部首字符，已换成通用汉字：{pairs}"
    return replace(document, blocks=blocks, notes=[*document.notes, note])
