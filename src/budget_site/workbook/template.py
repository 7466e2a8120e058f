"""The workbook finance staff fill in or correct: a unit's document as Excel/WPS sheets.

One sheet for the cover and Part 1, one sheet per project laid out like the
绩效目标表 of the page and the PDF (same labels, merged cells, A4 portrait),
and, when an imported document left lines unplaced, a sheet of them. Labels
are protected (no password) so they are not overwritten by accident; data
cells carry input messages in Chinese and validation lists. ``workbook.reader``
reads it back; ``layout`` is what both agree on.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from copy import copy
from datetime import datetime
from decimal import Decimal
from typing import Any
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from ..formatting import display_width
from ..lint import LEVEL1_GROUPS, LEVEL2_OF_LEVEL1
from ..model import Indicator, Project, SpendingPeriod, UnitDocument
from ..xlsx_writer import workbook_bytes
from . import layout as L

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LABEL_FILL = PatternFill("solid", fgColor="E7E6E6")
_LINE_HEIGHT = 14.5  # points, a line of 11-point text
_SPARE_ROWS = 5  # empty indicator rows under the table, ready to type in
_ALL_LEVEL2 = tuple(name for group in LEVEL1_GROUPS for name in LEVEL2_OF_LEVEL1[group])

Value = str | int | Decimal | None
_STYLES: WeakKeyDictionary[Workbook, dict[tuple, Any]] = WeakKeyDictionary()  # see _styled


def unit_workbook(unit: UnitDocument) -> bytes:
    """The workbook of ``unit``, pre-filled: importing it gives the same data."""
    return _save(_book(unit.year, unit.code, unit.name, unit), unit.year)


def blank_workbook(year: int, projects: int) -> bytes:
    """A workbook to fill in: the cover, and ``projects`` project sheets with the
    usual spending periods and one row for each 二级指标 to start from."""
    return _save(_book(year, "", "", None, projects), year)


def _save(book: Workbook, year: int) -> bytes:
    stamp = datetime(year, 1, 1)
    book.properties.creator = "budget-site"
    book.properties.created = stamp
    book.properties.modified = stamp
    return workbook_bytes(book, stamp)


def _book(year: int, code: str, name: str, unit: UnitDocument | None, blank_projects: int = 0) -> Workbook:
    book = Workbook()
    book.properties.title = _text(f"{name} {year}年部门预算绩效文本")
    _write_cover(book.active, year, code, name, unit)
    if unit is not None:
        for number, project in enumerate(unit.projects, 1):
            _write_project(book.create_sheet(L.PROJECT_SHEET.format(number=number)), project)
        if unit.unplaced:
            _write_unplaced(book.create_sheet(L.UNPLACED_SHEET), unit)
    else:
        for number in range(1, blank_projects + 1):
            _write_project(book.create_sheet(L.PROJECT_SHEET.format(number=number)), None)
    return book


# --------------------------------------------------------------------------- cells


def _text(value: str) -> str:
    """Control characters cannot be stored in XLSX (XML 1.0): they become U+FFFD."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)


def _styled(cell: Any, key: tuple, setup: Callable[[Any], None]) -> None:
    """Give ``cell`` the style ``key``, made by ``setup`` on the first cell that needs it and
    copied after: openpyxl hashes every style object it is given, most of the writing time."""
    made = _STYLES.setdefault(cell.parent.parent, {})
    if key not in made:
        setup(cell)
        made[key] = copy(cell._style)
    else:
        cell._style = copy(made[key])


def _label(sheet: Worksheet, ref: str, text: str, merge: str | None = None, bold: bool = False) -> None:
    """A protected grey label cell (the range ``merge`` merged and bordered)."""
    cell = sheet[ref]
    cell.value = _text(text)
    cell.data_type = "s"  # a title made from a name beginning with "=" is no formula either

    def setup(cell: Any) -> None:
        cell.font = Font(bold=bold)
        cell.fill = _LABEL_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER

    _styled(cell, ("label", bold), setup)
    _frame(sheet, merge)


def _data(sheet: Worksheet, ref: str, value: Value, merge: str | None = None, number_format: str = "@",
          align: str = "left") -> None:
    """An unlocked data cell: text always stays text (a value beginning with "=" is never a formula)."""
    cell = sheet[ref]
    if isinstance(value, str):
        cell.value = _text(value)
        cell.data_type = "s"
    else:
        cell.value = value

    def setup(cell: Any) -> None:
        cell.number_format = number_format
        cell.protection = Protection(locked=False)
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
        cell.border = _BORDER

    _styled(cell, ("data", number_format, align), setup)
    _frame(sheet, merge)
    if isinstance(value, str):
        _fit_height(sheet, merge or ref, value)


def _fit_height(sheet: Worksheet, ref: str, text: str) -> None:
    """Make the row tall enough for ``text`` wrapped in ``ref``'s width: spreadsheets
    do not grow a row for a merged cell, and LibreOffice not even for a plain one."""
    first, _, last = ref.partition(":")
    low, high = column_index_from_string(first.rstrip("0123456789")), column_index_from_string(
        (last or first).rstrip("0123456789"))
    width = sum(sheet.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(low, high + 1))
    lines = sum(max(1, math.ceil(display_width(part) / max(width - 1, 1))) for part in text.split("\n"))
    row = sheet[first].row
    height = lines * _LINE_HEIGHT + 3
    if height > (sheet.row_dimensions[row].height or 15):
        sheet.row_dimensions[row].height = height


def _frame(sheet: Worksheet, ref: str | None) -> None:
    """The range ``ref`` merged, each of its cells styled as its first (borders all round).

    Added to the sheet's merged ranges directly: ``merge_cells`` would restyle
    every edge cell through openpyxl's slow path."""
    if ref is None:
        return
    sheet.merged_cells.add(MergedCellRange(sheet, ref))
    cells = [cell for row in sheet[ref] for cell in row]
    for cell in cells[1:]:
        cell._style = copy(cells[0]._style)


def _validation(sheet: Worksheet, ranges: Iterable[str], title: str, prompt: str, **rule: object) -> None:
    """A validation with an input message on ``ranges`` (a list warns only: the data allows other words)."""
    ranges = [r for r in ranges if r]
    if not ranges:
        return
    check = DataValidation(allow_blank=True, showInputMessage=True, showErrorMessage=True,
                           promptTitle=title, prompt=prompt, errorTitle=title, error=prompt, **rule)
    for ref in ranges:
        check.add(ref)
    sheet.add_data_validation(check)


def _protect(sheet: Worksheet) -> None:
    """Labels locked without a password; rows and columns may still be inserted, deleted and formatted."""
    protection = sheet.protection
    protection.sheet = True
    for action in ("formatCells", "formatColumns", "formatRows", "insertRows", "insertColumns",
                   "deleteRows", "deleteColumns", "sort", "autoFilter"):
        setattr(protection, action, False)


def _print_a4(sheet: Worksheet, last_column: str, last_row: int) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_area = f"A1:{last_column}{last_row}"
    sheet.page_margins.left = sheet.page_margins.right = 0.5


# --------------------------------------------------------------------------- cover and Part 1


def _write_cover(sheet: Worksheet, year: int, code: str, name: str, unit: UnitDocument | None) -> None:
    sheet.title = L.COVER_SHEET
    for letter, width in zip("ABC", (24, 44, 44), strict=True):
        sheet.column_dimensions[letter].width = width
    _label(sheet, "A1", L.COVER_TITLE, "A1:C1", bold=True)
    _label(sheet, "A2", L.COVER_HELP, "A2:C2")
    sheet.row_dimensions[2].height = 45
    disclosure = unit.disclosure if unit else None
    values: dict[str, Value] = {
        "year": year, "code": code, "name": name,
        "prepared_by": unit.prepared_by if unit else "", "reviewed_by": unit.reviewed_by if unit else "",
        **{field: getattr(disclosure, field) if disclosure else None for field in L.DISCLOSURE_FIELDS.values()},
    }
    prompts = {"year": "四位数年度，如 2024", "code": "单位编码，如 230001（用作网址，只用数字和字母）",
               "prepared_by": "封面上的编制单位", "reviewed_by": "封面上的审核单位",
               "written_date": "可选，格式 2024-01-28", "published_date": "可选，格式 2024-01-28"}
    row = 3
    for label, field in {**L.COVER_FIELDS, **L.DISCLOSURE_FIELDS}.items():
        _label(sheet, f"A{row}", label)
        value = values[field]
        _data(sheet, f"B{row}", value or None, f"B{row}:C{row}", "0" if field == "year" else "@")
        if field == "year":
            _validation(sheet, [f"B{row}"], "年度", prompts["year"], type="whole", operator="between",
                        formula1="2000", formula2="2100")
        else:
            optional = "（可选）" if field in L.DISCLOSURE_FIELDS.values() and field not in prompts else ""
            _validation(sheet, [f"B{row}"], label, prompts.get(field, f"{label}{optional}"))
        row += 1
    goals = unit.overall_goals if unit else ("",)
    row = _section(sheet, row + 1, L.OVERALL, [[goal] for goal in goals], ["A:C"])
    itemised = [[g.title, g.goal, g.indicator] for g in unit.itemised_goals] if unit else [["", "", ""]]
    row = _section(sheet, row + 1, L.ITEMISED, itemised, ["A", "B", "C"])
    measures = [[m.title, m.text] for m in unit.measures] if unit else [["", ""]]
    row = _section(sheet, row + 1, L.MEASURES, measures, ["A", "B:C"])
    _print_a4(sheet, "C", row - 1)
    _protect(sheet)


def _section(sheet: Worksheet, row: int, heading: str, items: Sequence[Sequence[str]], columns: list[str]) -> int:
    """A heading, its column headers and one row per item; returns the next free row."""
    _label(sheet, f"A{row}", heading, f"A{row}:C{row}", bold=True)
    headers = list(L.SECTIONS[heading][1])
    for header, span in zip(headers, columns, strict=True):
        _label(sheet, _first(span, row + 1), header, _range(span, row + 1))
    for offset, item in enumerate(items, 2):
        for value, span in zip(item, columns, strict=True):
            _data(sheet, _first(span, row + offset), value or None, _range(span, row + offset))
    return row + len(items) + 2


def _first(span: str, row: int) -> str:
    return f"{span.split(':')[0]}{row}"


def _range(span: str, row: int) -> str | None:
    return f"{span.split(':')[0]}{row}:{span.split(':')[1]}{row}" if ":" in span else None


# --------------------------------------------------------------------------- a project's goal table


def _write_project(sheet: Worksheet, project: Project | None) -> None:
    for index, width in enumerate(L.COLUMN_WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    name = project.name if project else ""
    _label(sheet, "A1", f"{name}{L.PROJECT_TITLE_SUFFIX}", "A1:G1", bold=True)
    sheet.row_dimensions[1].height = 24
    _label(sheet, "A2", L.UNIT_LINE)
    _data(sheet, "B2", project.unit_line if project else None, "B2:E2")
    _label(sheet, "F2", L.MONEY_UNIT)
    _data(sheet, "G2", project.money_unit if project else "万元", align="center")
    _label(sheet, "A3", L.CODE)
    _data(sheet, "B3", project.code if project else None, "B3:C3")
    _label(sheet, "D3", L.NAME)
    _data(sheet, "E3", name or None, "E3:G3")
    _label(sheet, "A4", L.BUDGET_GROUP, "A4:A5")
    budget = project.budget if project else None
    for label_ref, label, ref, amount in (("B4", L.TOTAL, "C4", budget.total if budget else None),
                                          ("D4", L.FISCAL, "E4", budget.fiscal if budget else None),
                                          ("F4", L.OTHER, "G4", budget.other if budget else None)):
        _label(sheet, label_ref, label)
        _data(sheet, ref, amount, number_format="0.00", align="right")
    _validation(sheet, ["C4", "E4", "G4"], "金额", "单位见“金额单位”，数字，最多两位小数；其他资金没有时留空",
                type="decimal", operator="greaterThanOrEqual", formula1="0")
    _label(sheet, "B5", L.USE)
    _data(sheet, "C5", project.use_of_funds if project else None, "C5:G5")
    _label(sheet, "A6", L.PLAN, "A6:A7")
    plan = project.spending_plan if project else tuple(SpendingPeriod(p, None) for p in L.DEFAULT_PERIODS)
    last = max(len(plan), 6)
    for index in range(last):
        column = get_column_letter(2 + index)
        step = plan[index] if index < len(plan) else None
        _data(sheet, f"{column}6", step.period if step else None, align="center")
        share = None if step is None or step.share is None else _share(step.share)
        _data(sheet, f"{column}7", share, number_format="General", align="center")
    shares = f"B7:{get_column_letter(1 + last)}7"
    _validation(sheet, [f"B6:{get_column_letter(1 + last)}6"], "时间节点", "如 3月底；不用的格子留空")
    _validation(sheet, [shares], "支出比例（%）", "该时间节点的支出比例，0 到 100 的数字（30 即 30%）",
                type="decimal", operator="between", formula1="0", formula2="100")
    _label(sheet, "A8", L.TARGET)
    _data(sheet, "B8", project.target if project else None, f"B8:{get_column_letter(1 + last)}8")
    sheet.row_dimensions[8].height = 36
    for index, header in enumerate(L.INDICATOR_COLUMNS, 1):
        _label(sheet, f"{get_column_letter(index)}9", header, bold=True)
    rows = project.indicators if project else tuple(
        Indicator(group, level2, "", "", "", "") for group in LEVEL1_GROUPS for level2 in LEVEL2_OF_LEVEL1[group])
    _write_indicators(sheet, rows, 10)
    end = 10 + len(rows) + _SPARE_ROWS - 1
    _print_a4(sheet, get_column_letter(max(7, 1 + last)), end)
    sheet.print_title_rows = "9:9"
    _protect(sheet)


def _share(value: Decimal) -> int | Decimal:
    return int(value) if value == value.to_integral_value() else value


def _write_indicators(sheet: Worksheet, rows: Sequence[Indicator], first: int) -> None:
    """One row per indicator, 一级/二级指标 merged down their groups as on the page,
    then a few empty rows; the 二级指标 list of each row is that of its 一级指标."""
    fields = list(L.INDICATOR_COLUMNS.values())
    lists: dict[tuple[str, ...], list[str]] = {}
    heads = {(start, column) for column in (0, 1) for start, _ in _runs(rows, column)}
    for offset, indicator in enumerate(rows):
        row = first + offset
        for index, field in enumerate(fields):
            value = getattr(indicator, field) if index > 1 or (offset, index) in heads else None
            _data(sheet, f"{get_column_letter(index + 1)}{row}", value or None, align="left" if index > 1 else "center")
        allowed = LEVEL2_OF_LEVEL1.get(indicator.level1, _ALL_LEVEL2)
        lists.setdefault(allowed, []).append(f"B{row}")
    for offset in range(_SPARE_ROWS):
        row = first + len(rows) + offset
        for index in range(len(fields)):
            _data(sheet, f"{get_column_letter(index + 1)}{row}", None)
        lists.setdefault(_ALL_LEVEL2, []).append(f"B{row}")
    for column in (0, 1):
        for start, end in _runs(rows, column):
            if end > start:
                letter = "AB"[column]
                _frame(sheet, f"{letter}{first + start}:{letter}{first + end}")
    last = first + len(rows) + _SPARE_ROWS - 1
    _validation(sheet, [f"A{first}:A{last}"], "一级指标", "产出指标、效益指标或满意度指标；与上一行相同可留空",
                type="list", formula1=f'"{",".join(LEVEL1_GROUPS)}"', errorStyle="warning")
    for allowed, cells in lists.items():
        _validation(sheet, cells, "二级指标", f"可选：{'、'.join(allowed)}；与上一行相同可留空",
                    type="list", formula1=f'"{",".join(allowed)}"', errorStyle="warning")
    _validation(sheet, [f"E{first}:E{last}"], "指标值", "如 100%、≥98%、8 小时、按时发放")


def _runs(rows: Sequence[Indicator], column: int) -> list[tuple[int, int]]:
    """Runs of rows with the same 一级指标 (column 0) or the same 一级 and 二级指标 (column 1)."""
    key = [(r.level1,) if column == 0 else (r.level1, r.level2) for r in rows]
    runs, start = [], 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or key[i] != key[start]:
            runs.append((start, i - 1))
            start = i
    return runs


# --------------------------------------------------------------------------- unplaced lines


def _write_unplaced(sheet: Worksheet, unit: UnitDocument) -> None:
    for letter, width in zip("ABC", (8, 60, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    for letter, header in zip("ABC", L.UNPLACED_COLUMNS, strict=True):
        _label(sheet, f"{letter}1", header, bold=True)
    for row, item in enumerate(unit.unplaced, 2):
        _data(sheet, f"A{row}", item.line, number_format="0")
        _data(sheet, f"B{row}", item.text)
        _data(sheet, f"C{row}", item.where)
    _print_a4(sheet, "C", len(unit.unplaced) + 1)
    _protect(sheet)
