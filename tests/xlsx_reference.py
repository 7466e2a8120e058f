"""The open-data workbooks as openpyxl's write-only mode made them (until 2026-12):
the reference ``budget_site.xlsx_writer`` must match byte for byte. The column widths
are ``opendata.column_widths``, which both use: what is compared is the writing."""

from __future__ import annotations

from collections.abc import Iterable
from copy import copy
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from budget_site.opendata import Column, Table, _merge_spans, _xlsx_value, column_widths
from budget_site.xlsx_writer import workbook_bytes

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def to_xlsx(tables: Iterable[Table], year: int, title: str, sheet_titles: Iterable[str] | None = None) -> bytes:
    """One sheet per table (named by its title, or by ``sheet_titles``): a frozen
    header row, column widths that fit the content, long text wrapped, and
    merged level cells like the page. Written row by row (openpyxl's write-only
    mode): a province's year workbook would otherwise hold a million cell
    objects, some 400 MB."""
    book = Workbook(write_only=True)
    tables = tuple(tables)
    styles: dict[tuple, object] = {}  # shared by the sheets, see _write_sheet
    for table, sheet_title in zip(tables, sheet_titles or [t.spec.title for t in tables], strict=True):
        _write_sheet(book.create_sheet(sheet_title), table, styles)
    stamp = datetime(year, 1, 1)
    book.properties.creator = "budget-site"
    book.properties.title = _xlsx_value(title)
    book.properties.created = stamp
    book.properties.modified = stamp
    return workbook_bytes(book, stamp)


def _write_sheet(sheet, table: Table, prototypes: dict[tuple, object]) -> None:
    columns = table.spec.columns
    spans = _merge_spans(table)  # (row index, column index) -> rows merged, 0 where merged away
    # Widths, the frozen header and the merges go before the first row is written.
    for i, width in enumerate(column_widths(table), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    # Straight into the set: MultiCellRange.add() checks each new range against all
    # the others (quadratic for a year's table); ours never overlap.
    for (r, i), span in spans.items():
        if span > 1:
            letter = get_column_letter(i + 1)
            sheet.merged_cells.ranges.add(CellRange(f"{letter}{r + 2}:{letter}{r + span + 1}"))
    if not table.spec.merges and table.rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(table.rows) + 1}"
    # Styles are set once per workbook and kind of cell, then copied: openpyxl hashes
    # every style it is given, which would dominate the build for thousands of files.
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, column.name)
        if "header" not in prototypes:
            cell.font, cell.fill, cell.border = _HEADER_FONT, _HEADER_FILL, _BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            prototypes["header"] = copy(cell._style)
        cell._style = copy(prototypes["header"])
        header.append(cell)
    sheet.append(header)
    for r, row in enumerate(table.rows):
        cells = []
        for i, (value, column) in enumerate(zip(row, columns, strict=True)):
            cell = WriteOnlyCell(sheet, None if spans.get((r, i)) == 0 else _xlsx_value(value))
            if cell.data_type == "f":  # text beginning with "=" stays text, never a formula
                cell.data_type = "s"
            key = (column.kind, column.type, spans.get((r, i), 1) > 1)
            if key not in prototypes:
                prototypes[key] = _cell_style(cell, column, merged=key[2])
            cell._style = copy(prototypes[key])
            cells.append(cell)
        sheet.append(cells)


def _cell_style(cell, column: Column, merged: bool) -> object:
    """The style of a kind of body cell, set on ``cell`` and returned for copying."""
    cell.border = _BORDER
    if column.kind == "money":
        cell.number_format = "0.00"
    elif column.kind == "share":
        cell.number_format = "0.##"
    elif merged:
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    else:
        cell.alignment = Alignment(vertical="top", wrap_text=column.type == "string")
    return copy(cell._style)


