"""Reader of PDF files through their text layer (pdfplumber, on pdfminer.six).

What the page shows is rebuilt from positions, not from one producer's
habits: ruled tables from their lines (pdfplumber's table finder), cells
merged across grid columns or rows, a table continued on the next page
joined to the one above (its columns matched by position); text lines outside
the tables joined into paragraphs where a line runs to the right margin and
the next starts at the left one; page numbers and running headers/footers in
the page margins dropped as page furniture.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

from ..filesystem import cause_of
from .characters import WIDE, join_wrapped
from .refusal import MAX_FILE_BYTES, MAX_PAGES, refuse
from .source import Cell, Paragraph, Row, SourceDocument, Table, Where

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–]\s*\d+\s*[-—–]|\d{1,4}|第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$")
_TOC_ENTRY = re.compile(r"(?:[.．·…]{3,}|\s{2,})\s*\d+$")  # ends in a leader and a page number
_MARGIN = 0.08  # share of the page height at top and bottom where furniture lives
_TOLERANCE = 3.0  # points: positions closer than this are the same


# --------------------------------------------------------------------------- opening


def _open(path: Path) -> Any:
    """The pdfplumber document, or DataError saying why it cannot be read."""
    import pdfplumber

    # pdfminer logs what it works around in a producer's fonts ("Could not get FontBBox"): not the user's concern
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        size = path.stat().st_size
    except OSError as exc:
        raise refuse(path, f"无法读取文件：{cause_of(exc)}") from None
    if size > MAX_FILE_BYTES:
        raise refuse(path, f"文件过大（{size // 1024 // 1024} MB），上限为 {MAX_FILE_BYTES // 1024 // 1024} MB，"
                           "不像是一份部门预算绩效文本")
    try:
        pdf = pdfplumber.open(path)
        pages = len(pdf.pages)
    except Exception as exc:  # pdfminer raises many kinds for a damaged file: all mean the same to the user
        cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc  # pdfplumber wraps them
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise refuse(path, "PDF 文件设置了密码（已加密），无法读取文字；请向报送单位索取未加密的 PDF，"
                               "或在 WPS/Word 中打开原文“另存为”不加密的 PDF 后再导入") from None
        raise refuse(path, "PDF 文件已损坏或不完整（可能下载或复制时中断），无法读取；"
                           "请重新获取原文件后再导入") from None
    if pages > MAX_PAGES:
        pdf.close()
        raise refuse(path, f"PDF 有 {pages} 页，超过上限 {MAX_PAGES} 页，不像是一份部门预算绩效文本")
    if pages == 0:
        pdf.close()
        raise refuse(path, "PDF 文件没有任何页面")
    return pdf


# --------------------------------------------------------------------------- one page


@dataclass
class _TextLine:
    page: int
    number: int  # line on its page, counting every text line and table row from the top
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    font: str
    text: str
    lead: float  # width of its first word: had it fitted at the end of the line above, it would be there


@dataclass
class _Fragment:
    """A table's part on one page: its rows as (number on the page, cells (x0, x1, text))."""

    page: int
    top: float
    rows: list[tuple[int, list[tuple[float, float, str]]]] = field(default_factory=list)


def _read_page(page: Any, index: int) -> list[_TextLine | _Fragment]:
    """Text lines and table fragments of one page, top to bottom."""
    tables = page.find_tables(_table_settings(page))
    boxes = [table.bbox for table in tables]

    def outside(obj: dict) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    items: list[Any] = []
    text_page = page.filter(lambda obj: obj.get("object_type") != "char" or outside(obj)) if boxes else page
    for line in text_page.extract_text_lines(return_chars=True):
        if line["text"].strip():
            chars = line["chars"]
            size = median(c["size"] for c in chars)
            # the font most characters use, without the subset tag ("DAAAAA+"): a title's bold stands apart
            font = Counter(c["fontname"].split("+", 1)[-1] for c in chars).most_common(1)[0][0]
            top, bottom, x0, x1 = line["top"], line["bottom"], line["x0"], line["x1"]
            items.append(_TextLine(index, 0, top, bottom, x0, x1, size, font, line["text"], _lead(chars)))
    for table in tables:
        items.append(_fragment(page, table, index))
    items.sort(key=lambda item: item.top)
    number = 0
    for item in items:
        if isinstance(item, _TextLine):
            number += 1
            item.number = number
        else:
            for i, (_, cells) in enumerate(item.rows):
                number += 1
                item.rows[i] = (number, cells)
    return items


def _table_settings(page: Any) -> dict[str, Any]:
    """Ruled tables from the drawn lines, closed at the top and bottom of the
    page's vertical rules: some producers (browsers) draw no line where a
    page break cuts a table, which would leave its cells there open."""
    verticals = [edge for edge in page.edges if edge["orientation"] == "v"]
    if not verticals:
        return {}
    return {"explicit_horizontal_lines": [min(e["top"] for e in verticals), max(e["bottom"] for e in verticals)]}


def _inside(chars: list[dict], box: tuple[float, float, float, float]) -> list[dict]:
    """The characters whose centre is in ``box`` (x0, top, x1, bottom)."""
    x0, top, x1, bottom = box
    return [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]


def _fragment(page: Any, table: Any, index: int) -> _Fragment:
    """A table's rows with each cell's text rebuilt from its characters."""
    chars = _inside(page.chars, table.bbox)
    fragment = _Fragment(index, table.bbox[1])
    claimed = {id(c) for row in table.rows for box in row.cells if box for c in _inside(chars, box)}
    starts = [column.bbox[0] for column in table.columns] + [table.bbox[2]]
    for row in table.rows:
        cells = []
        for column, box in enumerate(row.cells):
            if box is None:  # no closed cell here: a merged cell's covered part, or a cell left open by a page break
                box = (starts[column], row.bbox[1], starts[column + 1], row.bbox[3])
                inside = [c for c in _inside(chars, box) if id(c) not in claimed]
                if not inside:
                    continue
                claimed.update(id(c) for c in inside)
            else:
                inside = _inside(chars, box)
            cells.append((box[0], box[2], _cell_text(inside, box[0], box[2])))
        fragment.rows.append((0, cells))
    return fragment


def _char_lines(chars: list[dict]) -> list[list[dict]]:
    """Characters grouped into lines, top to bottom, each left to right."""
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if lines and char["top"] - lines[-1][0]["top"] < 0.5 * char["size"]:
            lines[-1].append(char)
        else:
            lines.append([char])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def _line_text(chars: list[dict]) -> str:
    """A line's text; a space where a producer left a gap between two Latin
    characters instead of a space character (Chinese is never spaced: a gap
    there is the producer's glyph placement)."""
    text = ""
    for i, char in enumerate(chars):
        gap = char["x0"] - chars[i - 1]["x1"] > 0.3 * char["size"] if i else False
        if gap and not text.endswith(" ") and not (WIDE.match(char["text"]) or WIDE.match(chars[i - 1]["text"])):
            text += " "
        text += char["text"]
    return text.strip()


_NO_LINE_START = "，。、；：？！）》」』”’%％"  # punctuation that never starts a line: it travels with the word before


def _lead(chars: list[dict]) -> float:
    """Width of a line's first word: a Chinese character with the punctuation after it, or Latin up to a space."""
    chars = [c for c in chars if c["text"].strip()]
    if not chars:
        return 0.0
    end = 1  # Latin, digits and "/" stick to the character before them; so does closing punctuation
    while end < len(chars) and (chars[end]["text"].isascii() or chars[end]["text"] in _NO_LINE_START) \
            and chars[end]["x0"] - chars[end - 1]["x1"] < 1:
        end += 1
    return chars[end - 1]["x1"] - chars[0]["x0"]


def _cell_text(chars: list[dict], left: float, right: float) -> str:
    """A cell's lines joined: a line that stops where the next line's first
    word would still have fitted ends a paragraph ("\n"); others are wraps.
    The cell's right padding is taken to be its left one."""
    lines = _char_lines(chars)
    if not lines:
        return ""
    inner = right - max(min(line[0]["x0"] for line in lines) - left, 0.0)
    text = _line_text(lines[0])
    for above, line in zip(lines, lines[1:], strict=False):
        room = inner - above[-1]["x1"]
        if room > max(_lead(line) + 1, 3 * line[0]["size"]):  # narrow cells: always a wrap
            text += "\n" + _line_text(line)
        else:
            text = join_wrapped([text, _line_text(line)])
    return text


# --------------------------------------------------------------------------- page furniture


def _furniture(pages: list[list[Any]], heights: list[float]) -> set[int]:
    """ids of text lines that are page numbers or running headers/footers:
    in the top or bottom margin, and a page number or repeated on other pages."""
    in_margin = []
    for items, height in zip(pages, heights, strict=True):
        for item in items:
            if isinstance(item, _TextLine) and (item.bottom < height * _MARGIN or item.top > height * (1 - _MARGIN)):
                in_margin.append(item)
    def shape(item: _TextLine) -> str:  # "第 3 页" and "第 4 页" repeat as one running footer
        return re.sub(r"\d+", "#", item.text.replace(" ", ""))

    repeated = Counter(shape(item) for item in in_margin)
    return {id(item) for item in in_margin if _PAGE_NUMBER.match(item.text.strip()) or repeated[shape(item)] > 1}


# --------------------------------------------------------------------------- paragraphs


def _paragraphs(lines: list[_TextLine], left: float, right: float) -> list[list[_TextLine]]:
    """Wrapped lines grouped into paragraphs: a line continues the one above
    when that one runs to the right margin and this one starts at the left
    margin in the same size, close below (possibly at the top of the next page)."""
    groups: list[list[_TextLine]] = []
    for line in lines:
        previous = groups[-1][-1] if groups else None
        if previous is not None and _continues(previous, line, left, right):
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def _continues(previous: _TextLine, line: _TextLine, left: float, right: float) -> bool:
    full = right - previous.x1 < line.lead + 1  # the first word of the line would not have fitted above
    if _TOC_ENTRY.search(previous.text):
        return False
    at_left = line.x0 <= left + 0.5 * line.size
    same_look = abs(previous.size - line.size) < 0.5 and previous.font == line.font  # titles are bold
    close = line.page != previous.page or line.top - previous.bottom < 1.2 * line.size
    return full and at_left and same_look and close


def _margins(lines: list[_TextLine]) -> tuple[float, float]:
    """The body's left and right margins: where lines start at the furthest
    left (at least twice, so no stray mark decides), and where the furthest
    line starting there or one indent in ends (a right-aligned "单位：万元" or
    a centred title does not count)."""
    if not lines:
        return 0.0, 0.0
    starts = Counter(round(line.x0) for line in lines)
    left = float(min((x for x, n in starts.items() if n > 1), default=min(starts)))
    right = max((line.x1 for line in lines if line.x0 <= left + 2.5 * line.size), default=left)
    return left, right


# --------------------------------------------------------------------------- tables


def _table(fragments: list[_Fragment], first: int) -> Table:
    """One table from its fragments on consecutive pages, its rows numbered
    from ``first``: grid columns from every cell edge of every fragment, so
    columns line up across the break."""
    edges = sorted({round(x) for f in fragments for _, cells in f.rows for x0, x1, _ in cells for x in (x0, x1)})
    columns: list[float] = []
    for x in edges:
        if not columns or x - columns[-1] > _TOLERANCE:
            columns.append(x)

    def column(x: float) -> int:
        return min(range(len(columns)), key=lambda i: abs(columns[i] - x))

    rows = []
    for f_index, fragment in enumerate(fragments):
        for r_index, (number, cells) in enumerate(fragment.rows):
            grid = tuple(Cell(text, column(x0), max(1, column(x1) - column(x0))) for x0, x1, text in cells if text)
            where = Where(first + len(rows), f"第 {fragment.page + 1} 页第 {number} 行")
            rows.append(Row(grid, where, continued=f_index > 0 and r_index == 0))
    return Table(tuple(rows))


# --------------------------------------------------------------------------- the document


def read_pdf(path: Path) -> SourceDocument:
    """The paragraphs and tables of a PDF's text layer, in reading order."""
    pdf = _open(path)
    try:
        pages = [_read_page(page, i) for i, page in enumerate(pdf.pages)]
        heights = [float(page.height) for page in pdf.pages]
        has_chars = any(page.chars for page in pdf.pages)
    except Exception:
        raise refuse(path, "PDF 文件已损坏或不完整，读取页面内容时出错；请重新获取原文件后再导入") from None
    finally:
        pdf.close()
    if not has_chars:
        raise refuse(path, "PDF 没有文字层（像是扫描件或图片），无法读取文字；请先用文字识别（OCR）软件转换成"
                           "可复制文字的 PDF 或 Word 文件，核对无误后再导入")
    furniture = _furniture(pages, heights)
    document = SourceDocument(path, "PDF")
    if furniture:
        document.notes.append(f"页码和页眉页脚共 {len(furniture)} 行不是正文，导入时已略去")
    items = [item for page in pages for item in page if id(item) not in furniture]
    text_lines = [item for item in items if isinstance(item, _TextLine)]
    _assemble(document, items, *_margins(text_lines))
    return document


def _assemble(document: SourceDocument, items: list[Any], left: float, right: float) -> None:
    """Paragraphs and tables in order; fragments on consecutive pages with
    nothing between them are one table."""
    order = 0
    pending: list[_TextLine] = []
    fragments: list[_Fragment] = []

    def flush() -> None:
        nonlocal order, pending, fragments
        for group in _paragraphs(pending, left, right):
            order += 1
            first = group[0]
            where = Where(order, f"第 {first.page + 1} 页第 {first.number} 行")
            document.blocks.append(Paragraph(join_wrapped([line.text for line in group]), where))
        pending = []
        if fragments:
            table = _table(fragments, order + 1)
            order += len(table.rows)
            document.blocks.append(table)
            fragments = []

    for item in items:
        if isinstance(item, _Fragment):
            if pending or (fragments and item.page != fragments[-1].page + 1):
                flush()
            fragments.append(item)
        else:
            if fragments:
                flush()
            pending.append(item)
    flush()
