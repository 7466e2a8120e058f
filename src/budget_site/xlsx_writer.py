"""The open-data workbooks (XLSX), written as text: the bytes openpyxl wrote, six times faster.

openpyxl makes an object for every cell and serialises it through lxml: some
9 ms a project's workbook (1.3 ms here), as long as MkDocs takes for the project's page,
and a province publishes tens of thousands of them. These workbooks are all
alike (a header row, frozen; column widths; merged cells or a filter; a few
cell styles), so their worksheets and workbook part are written here from
strings, byte for byte what openpyxl's write-only mode wrote before
(``tests/test_xlsx_writer.py`` compares the two on the reference document
and on generated tables). What depends on openpyxl's defaults (the style
sheet of the styles used, the theme, the package's fixed parts, the document
properties) is still made by openpyxl, the fixed parts once per process.
"""

from __future__ import annotations

import io
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.compat import safe_string
from openpyxl.packaging.core import DocumentProperties
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.stylesheet import write_stylesheet
from openpyxl.utils import absolute_coordinate, get_column_letter, quote_sheetname
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import tostring

Value = str | int | Decimal | None

# The cell styles of the open-data workbooks, by name: how each is set on an openpyxl cell.
_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _header(cell) -> None:
    cell.font, cell.fill, cell.border = Font(bold=True), PatternFill("solid", fgColor="F2F2F2"), _BORDER
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _body(number_format: str | None = None, alignment: Alignment | None = None):
    def setup(cell) -> None:
        cell.border = _BORDER
        if number_format:
            cell.number_format = number_format
        if alignment:
            cell.alignment = alignment
    return setup


STYLES = {
    "header": _header,
    "money": _body(number_format="0.00"),
    "share": _body(number_format="0.##"),
    "merged": _body(alignment=Alignment(vertical="center", wrap_text=True)),  # a merged run of equal cells
    "text": _body(alignment=Alignment(vertical="top", wrap_text=True)),
    "plain": _body(alignment=Alignment(vertical="top", wrap_text=False)),  # numbers and codes
}


@dataclass(frozen=True)
class Sheet:
    """One worksheet: ``rows`` of (value, style name) cells, the first the header; read
    once, as the sheet is written (a county's year has hundreds of thousands)."""

    title: str
    widths: tuple[float, ...]  # each column's, in characters
    rows: Iterable[Sequence[tuple[Value, str]]]
    merges: tuple[tuple[int, int, int], ...] = ()  # (column, first row, last row), 1-based
    filter: str | None = None  # the range of an autofilter, "A1:F12"


def workbook(sheets: Sequence[Sheet], title: str, year: int) -> bytes:
    """The XLSX file of ``sheets``, every date in it 1 January of ``year``: same data, same bytes."""
    styles: dict[str, int] = {}  # style name -> its index in the style sheet, in the order first used
    stamp = datetime(year, 1, 1)
    fixed = _fixed_parts(len(sheets))
    buffer = io.BytesIO()
    with FixedDateZip(buffer, (year, 1, 1, 0, 0, 0)) as archive:
        archive.writestr("docProps/app.xml", fixed["docProps/app.xml"])
        archive.writestr("docProps/core.xml", _core(title, stamp))
        archive.writestr("xl/theme/theme1.xml", fixed["xl/theme/theme1.xml"])
        for number, sheet in enumerate(sheets, 1):
            info = archive.entry(f"xl/worksheets/sheet{number}.xml")
            with archive.open(info, "w") as part:  # the same bytes as writestr(), without the whole text
                for text in _worksheet(sheet, styles):
                    part.write(text.encode("ascii", "xmlcharrefreplace"))  # as lxml writes it
        archive.writestr("xl/styles.xml", _stylesheet(tuple(styles)))
        archive.writestr("_rels/.rels", fixed["_rels/.rels"])
        archive.writestr("xl/workbook.xml", _workbook_part(sheets))
        archive.writestr("xl/_rels/workbook.xml.rels", fixed["xl/_rels/workbook.xml.rels"])
        archive.writestr("[Content_Types].xml", fixed["[Content_Types].xml"])
    return buffer.getvalue()


# --------------------------------------------------------------------------- worksheets

_SHEET_TOP = (
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetPr>'
    '<outlinePr summaryBelow="1" summaryRight="1"/><pageSetUpPr/></sheetPr><sheetViews>'
    '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft" activeCell="A1" sqref="A1"/></sheetView></sheetViews>'
    '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
)
_SHEET_END = '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/></worksheet>'
_MAX_TEXT = 32767  # characters in a cell; openpyxl cuts longer text


def _worksheet(sheet: Sheet, styles: dict[str, int]) -> Iterable[str]:
    """The worksheet's XML a row at a time."""
    yield _SHEET_TOP + "<cols>" + "".join(
        f'<col width="{safe_string(float(w))}" customWidth="1" min="{i}" max="{i}"/>'
        for i, w in enumerate(sheet.widths, 1)) + "</cols><sheetData>"
    letters = [get_column_letter(i) for i in range(1, len(sheet.widths) + 1)]
    for r, row in enumerate(sheet.rows, 1):
        cells = []
        for letter, (value, style) in zip(letters, row, strict=True):
            index = styles.setdefault(style, len(styles) + 1)  # 0: the default style, never used here
            cells.append(_cell(f'<c r="{letter}{r}" s="{index}"', value))
        yield f'<row r="{r}">{"".join(cells)}</row>'
    tail = ["</sheetData>"]
    if sheet.filter:
        tail.append(f'<autoFilter ref="{sheet.filter}"/>')
    if sheet.merges:
        # openpyxl keeps merged ranges in a set and writes them in its order.
        ranges = {CellRange(min_col=c, min_row=first, max_col=c, max_row=last) for c, first, last in sheet.merges}
        tail.append(f'<mergeCells count="{len(ranges)}">')
        tail += [f'<mergeCell ref="{cells.coord}"/>' for cells in ranges]
        tail.append("</mergeCells>")
    tail.append(_SHEET_END)
    yield "".join(tail)


def _cell(start: str, value: Value) -> str:
    if value is None:
        return f'{start} t="n"></c>'
    if isinstance(value, str):
        value = value[:_MAX_TEXT]
        if value in ERROR_CODES:  # openpyxl's reading of "#N/A" and the like
            return f'{start} t="e"><v>{_text(value)}</v></c>'
        if not value:
            return f'{start} t="inlineStr"></c>'
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'{start} t="inlineStr"><is><t{space}>{_text(value)}</t></is></c>'
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise TypeError(f"not a table value: {value!r}")
    return f'{start} t="n"><v>{safe_string(value)}</v></c>'


def _text(value: str) -> str:
    """Text as lxml writes it (non-ASCII characters become references when the part is encoded)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _attribute(value: str) -> str:
    return _text(value).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;")


# --------------------------------------------------------------------------- workbook part

_WORKBOOK_TOP = (
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><workbookPr/>'
    '<workbookProtection/><bookViews><workbookView visibility="visible" minimized="0" showHorizontalScroll="1" '
    'showVerticalScroll="1" showSheetTabs="1" tabRatio="600" firstSheet="0" activeTab="0" '
    'autoFilterDateGrouping="1"/></bookViews><sheets>'
)
_SHEET_ENTRY = ('<sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
                'name="{name}" sheetId="{n}" state="visible" r:id="rId{n}"/>')


def _workbook_part(sheets: Sequence[Sheet]) -> bytes:
    out = [_WORKBOOK_TOP]
    out += [_SHEET_ENTRY.format(name=_attribute(sheet.title), n=n) for n, sheet in enumerate(sheets, 1)]
    out.append("</sheets>")
    names = [f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
             f'{_text(quote_sheetname(sheet.title))}!{absolute_coordinate(sheet.filter)}</definedName>'
             for i, sheet in enumerate(sheets) if sheet.filter]
    out.append(f"<definedNames>{''.join(names)}</definedNames>" if names else "<definedNames/>")
    out.append('<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>')
    return "".join(out).encode("utf-8")


def _core(title: str, stamp: datetime) -> bytes:
    properties = DocumentProperties(creator="budget-site", title=ILLEGAL_CHARACTERS_RE.sub("\ufffd", title),
                                    created=stamp, modified=stamp)
    return tostring(properties.to_tree())


# --------------------------------------------------------------------------- made by openpyxl


@lru_cache(maxsize=64)
def _stylesheet(order: tuple[str, ...]) -> bytes:
    """openpyxl's style sheet for the styles ``order`` (names of ``STYLES``), in the order first used."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for name in order:
        cell = WriteOnlyCell(sheet, None)
        STYLES[name](cell)
        assert cell.style_id == len(book._cell_styles) - 1, name  # registered in this order, each new
    return tostring(write_stylesheet(book))


@lru_cache(maxsize=16)
def _fixed_parts(sheets: int) -> dict[str, bytes]:
    """The parts openpyxl writes alike for every workbook of ``sheets`` sheets."""
    book = Workbook(write_only=True)
    for n in range(sheets):
        book.create_sheet(f"s{n}")
    buffer = io.BytesIO()
    with ZipFile(buffer, "w") as archive:
        ExcelWriter(book, archive).save()
    with ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


class FixedDateZip(ZipFile):
    """A zip whose entries all carry one date, so the same workbook gives the same bytes."""

    def __init__(self, file, date_time: tuple[int, int, int, int, int, int]):
        super().__init__(file, "w", ZIP_DEFLATED)
        self._date_time = date_time

    def entry(self, name: str) -> ZipInfo:
        info = ZipInfo(name, date_time=self._date_time)
        info.compress_type = ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self.entry(zinfo_or_arcname)
        return super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # openpyxl writes each worksheet from a temporary file, whose time would go in.
        with open(filename, "rb") as f:
            return self.writestr(arcname or posixpath.basename(filename), f.read(), compress_type, compresslevel)


def workbook_bytes(book: Workbook, stamp: datetime) -> bytes:
    """An openpyxl workbook as XLSX bytes, every date in it ``stamp``: same data, same bytes."""
    # openpyxl's save_workbook() would stamp the current time into docProps/core.xml.
    buffer = io.BytesIO()
    archive = FixedDateZip(buffer, (stamp.year, 1, 1, 0, 0, 0))
    ExcelWriter(book, archive).save()
    return buffer.getvalue()
