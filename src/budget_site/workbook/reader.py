"""Reading a filled-in or corrected workbook back into a unit's data.

Sheets are recognised by what they hold, not by name or place: the one with
“单位编码” is the cover and Part 1, each with “项目编码” is a project (in the
order of the sheets), any other sheet (notes, say) is left out with a warning.
Inside a sheet, rows and columns are found by their labels, so inserted or
empty rows and columns read as before; a blank 一级/二级指标 cell (left blank,
or merged) means "same as the row above", as in the documents.

Every problem is collected with its sheet and cell (``项目2!E14：指标值为空``)
and nothing is imported when there is one. Formulas are never evaluated: a
formula's value is the one the spreadsheet saved, the cells are named in a
warning, and a formula with no saved value is an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from defusedxml import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from ..importer.parse import ImportedUnit
from ..importer.refusal import refuse
from ..lint import LEVEL2_OF_LEVEL1
from ..problems import DataError, Problem
from . import cells as C
from . import layout as L
from .cells import Found, Refused
from .container import BROKEN, MAX_COLUMNS, MAX_ROWS, MAX_SHEETS, open_container

Rows = dict[int, list[Found]]  # row number -> its non-empty cells, left to right


@dataclass
class Sheet:
    title: str
    rows: Rows
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) -> "=SUM(…)"

    def has_label(self, label: str) -> bool:
        return any(row[0].label() == label for row in self.rows.values())


@dataclass
class _Reading:
    """Problems and warnings of one workbook, each naming its cell."""

    source: Path
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def error(self, where: str, message: str) -> None:
        """An error at ``where``; one per cell is enough (a formula without a value is not also "empty")."""
        if "!" in where and any(p.message.startswith(f"{where}：") for p in self.errors):
            return
        self.errors.append(Problem(self.source, None, None, (), f"{where}：{message}"))

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(Problem(self.source, None, None, (), f"{where}：{message}", "warning"))

    def value(self, cell: Found, parse: Callable[[Found], Any]) -> Any:
        """``parse(cell)``, or None and an error naming the cell."""
        try:
            return parse(cell)
        except Refused as refused:
            self.error(cell.ref, str(refused))
            return None

    def text(self, cell: Found) -> str | None:
        try:
            value, warning = C.text(cell)
        except Refused as refused:
            self.error(cell.ref, str(refused))
            return None
        if warning:
            self.warn(cell.ref, warning)
        return value or None


def read_workbook(path: Path) -> ImportedUnit:
    """The unit's data from a workbook; DataError naming every bad cell otherwise."""
    container = open_container(path)
    sheets = _load(path)
    reading = _Reading(path)
    _refuse_links(container.external_links, sheets, path)
    notes = _check_formulas(sheets, reading)
    covers = [s for s in sheets if s.has_label("单位编码")]
    projects = [s for s in sheets if s not in covers and _is_project(s)]
    unplaced = [s for s in sheets if s.title == L.UNPLACED_SHEET and s not in covers + projects]
    for sheet in sheets:
        if sheet not in covers + projects + unplaced and sheet.rows:
            reading.warn(sheet.title, "这个工作表不是封面或项目表，其中的内容没有导入")
    if not covers:
        raise refuse(path, f"不是填报工作簿：没有找到含“单位编码”的“{L.COVER_SHEET}”工作表；"
                           "请用 budget-site template 生成的工作簿填写")
    if len(covers) > 1:
        reading.error("、".join(s.title for s in covers), "有多个含“单位编码”的封面工作表，只能有一个")
    data = _cover(covers[0], reading)
    data["projects"] = [_project(sheet, reading) for sheet in projects]
    if unplaced:
        data["unplaced"] = _unplaced(unplaced[0], reading)
    if reading.errors:
        raise DataError(_in_sheet_order(reading.errors, sheets))
    return ImportedUnit(_ordered(data), reading.warnings, {}, "工作簿", notes)


def _in_sheet_order(problems: list[Problem], sheets: list[Sheet]) -> list[Problem]:
    """Problems by sheet, then row and column, as a clerk goes through the workbook;
    a problem of a whole sheet after its cells."""
    order = {sheet.title: index for index, sheet in enumerate(sheets)}

    def key(problem: Problem) -> tuple[int, int, int]:
        sheet, _, cell = problem.message.split("：", 1)[0].rpartition("!")
        match = re.fullmatch(r"([A-Z]{1,3})(\d+)", cell)
        if not sheet or match is None:
            return (order.get(cell, len(order)), 1 << 30, 0)
        return (order.get(sheet, len(order)), int(match[2]), column_index_from_string(match[1]))

    return sorted(problems, key=key)


# --------------------------------------------------------------------------- loading


def _load(path: Path) -> list[Sheet]:
    """Every worksheet's non-empty cells, the saved values of formulas, and where formulas are.

    Read twice in openpyxl's streaming mode: once for the formulas, once for
    the values the spreadsheet saved; a sheet past the row or column limits is
    refused as soon as the reader gets there."""
    try:
        formulas = {title: found for title, _, found in _stream(path, data_only=False)}
        return [Sheet(title, rows, formulas.get(title, {})) for title, rows, _ in _stream(path, data_only=True)]
    except (DefusedXmlException, BadZipFile, KeyError, ValueError, TypeError, AttributeError, IndexError,
            SyntaxError, EOFError, OSError) as error:
        if _caused_by(error, DefusedXmlException):  # openpyxl wraps what it meets in a ValueError
            raise refuse(path, "工作簿中含有 XML 实体声明（可能是恶意构造的文件），没有读取") from None
        raise refuse(path, BROKEN) from None


def _caused_by(error: BaseException | None, kind: type[BaseException]) -> bool:
    while error is not None:
        if isinstance(error, kind):
            return True
        error = error.__cause__ or error.__context__
    return False


def _stream(path: Path, data_only: bool) -> Iterator[tuple[str, Rows, dict[tuple[int, int], str]]]:
    """Each sheet's title, non-empty cells by row, and (without ``data_only``) its formulas."""
    # An open file, not the path: openpyxl would refuse a workbook by its name's extension.
    handle = path.open("rb")
    book = load_workbook(handle, read_only=True, data_only=data_only, keep_links=False)
    try:
        if len(book.worksheets) > MAX_SHEETS:
            raise refuse(path, f"工作簿有 {len(book.worksheets)} 个工作表，超过 {MAX_SHEETS} 个，"
                               "不像是一个单位的填报工作簿")
        for sheet in book.worksheets:
            sheet.reset_dimensions()  # the size a file declares may lie
            rows: Rows = {}
            formulas: dict[tuple[int, int], str] = {}
            for number, row in enumerate(sheet.iter_rows(), 1):
                if number > MAX_ROWS or len(row) > MAX_COLUMNS:
                    limit = f"{MAX_ROWS} 行" if number > MAX_ROWS else f"{MAX_COLUMNS} 列"
                    raise refuse(path, f"工作表“{sheet.title}”超过 {limit}，不像是填报工作簿，没有继续读取")
                found = []
                for cell in row:
                    if cell.data_type == "f":
                        formulas[(number, cell.column)] = str(cell.value)
                    elif _filled(cell.value):
                        value = _ErrorValue(cell.value) if cell.data_type == "e" else cell.value
                        found.append(Found(sheet.title, number, cell.column, value, cell.number_format or "General"))
                if found:
                    rows[number] = found
            yield sheet.title, rows, formulas
    finally:
        book.close()
        handle.close()


def _filled(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


class _ErrorValue(str):
    """A cell holding a spreadsheet error such as #REF!."""


def _refuse_links(targets: list[str], sheets: list[Sheet], path: Path) -> None:
    if not targets:
        return
    cells = [C.ref(s.title, r, c) for s in sheets for (r, c), f in s.formulas.items() if "[" in f]
    where = f"，用到它的单元格：{'、'.join(cells[:20])}" if cells else ""
    raise refuse(path, f"工作簿链接了其他文件（{'、'.join(targets)}）{where}。导入不打开其他文件，也不计算公式；"
                       "请在 Excel 或 WPS 中用“数据→编辑链接→断开链接”把链接换成数值，保存后再导入")


def _check_formulas(sheets: list[Sheet], reading: _Reading) -> list[str]:
    """An error for each formula without a saved value or with an error value; the rest named in a warning."""
    used = []
    for sheet in sheets:
        values = {(c.row, c.column): c for cells in sheet.rows.values() for c in cells}
        for (row, column), formula in sorted(sheet.formulas.items()):
            where = C.ref(sheet.title, row, column)
            if (row, column) not in values:
                reading.error(where, f"公式 {formula} 没有保存计算结果（导入不计算公式）；"
                                     "请在 Excel 或 WPS 中打开并保存，或把公式换成数值")
            else:
                used.append(where)
    for sheet in sheets:
        for cells in sheet.rows.values():
            for cell in cells:
                if isinstance(cell.value, _ErrorValue):
                    reading.error(cell.ref, f"单元格是错误值 {cell.value}，请改正后再导入")
    if not used:
        return []
    note = f"以下单元格是公式，导入的是表格保存时的计算结果（导入不计算公式）：{'、'.join(used)}"
    reading.warnings.append(Problem(reading.source, None, None, (), note, "warning"))
    return [note]


# --------------------------------------------------------------------------- cover and Part 1


def _cover(sheet: Sheet, reading: _Reading) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    labels = {**L.COVER_FIELDS, **L.DISCLOSURE_FIELDS}
    section: str | None = None
    columns: dict[int, str] | None = None
    parts: dict[str, list[Any]] = {key: [] for key, _ in L.SECTIONS.values()}
    for number, cells in sorted(sheet.rows.items()):
        first = cells[0].label()
        if first in (L.COVER_TITLE, L.COVER_HELP) and len(cells) == 1:
            continue
        if first in labels:
            section = None
            field_name = labels[first]
            if field_name in fields:
                reading.error(cells[0].ref, f"“{first}”出现了两次")
            fields[field_name] = _cover_value(field_name, cells, reading)
        elif first in L.SECTIONS and len(cells) == 1:
            section, columns = first, None
        elif section is not None and columns is None:
            columns = _headers(cells, L.SECTIONS[section][1], reading)
        elif section is not None and columns:
            item = _item(sheet.title, number, cells, columns, L.COVER_WIDTH, reading)
            key = L.SECTIONS[section][0]
            parts[key].append(item.get("text") if key == "overall_goals" else item)
        else:
            reading.error(cells[0].ref, f"“{_shown(cells[0])}”不在任何标签或表格之下，无法导入；请删除或移到正确位置")
    data: dict[str, Any] = {}
    for label, field_name in L.COVER_FIELDS.items():
        if fields.get(field_name) is None and field_name not in fields:
            reading.error(sheet.title, f"没有“{label}”一行")
    data["year"] = fields.get("year")
    data["unit"] = {"code": fields.get("code"), "name": fields.get("name")}
    data["prepared_by"] = fields.get("prepared_by")
    data["reviewed_by"] = fields.get("reviewed_by")
    disclosure = {f: fields[f] for f in L.DISCLOSURE_FIELDS.values() if fields.get(f) is not None}
    if disclosure:
        data["disclosure"] = disclosure
    if not parts["overall_goals"]:
        reading.error(sheet.title, f"“{L.OVERALL}”下面没有内容，至少要有一项")
    data.update(parts)
    return data


def _cover_value(field_name: str, cells: list[Found], reading: _Reading) -> Any:
    label = cells[0]
    for extra in cells[2:]:
        reading.error(extra.ref, f"“{label.label()}”一行只能填一个值，这个单元格多余")
    if len(cells) < 2:
        if field_name in L.COVER_FIELDS.values():
            reading.error(C.ref(label.sheet, label.row, label.column + 1), f"{label.label()}为空")
        return None
    cell = cells[1]
    parse = {"year": C.year, "code": lambda c: C.code(c, "单位编码"), "written_date": C.day,
             "published_date": C.day}.get(field_name)
    return reading.value(cell, parse) if parse else reading.text(cell)


def _headers(cells: list[Found], expected: dict[str, str], reading: _Reading) -> dict[int, str]:
    """Column -> field, from a header row; missing or unknown headers are errors."""
    columns: dict[int, str] = {}
    for cell in cells:
        if cell.label() in expected:
            columns[cell.column] = expected[cell.label()]
        else:
            reading.error(cell.ref, f"“{_shown(cell)}”不是这张表的列名（应为{'、'.join(expected)}）")
    for header, key in expected.items():
        if key not in columns.values():
            reading.error(cells[0].ref, f"这一行应是表头，缺少“{header}”")
    return columns if set(columns.values()) == set(expected.values()) else {}


_RIGHT = "right"  # a cell right of the table


def _column_of(cell: Found, columns: dict[int, str], width: int) -> str | None:
    """The field whose header is at or left of the cell (a merged header spans to the
    next one); None left of the table, ``_RIGHT`` past its ``width`` columns."""
    starts = [c for c in sorted(columns) if c <= cell.column]
    if columns and cell.column > max(min(columns) + width - 1, max(columns)):
        return _RIGHT
    return columns[starts[-1]] if starts else None


def _item(title: str, number: int, cells: list[Found], columns: dict[int, str], width: int, reading: _Reading,
          optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """One table row of ``width`` grid columns: every field filled (or named in an error)."""
    raw: dict[str, Found] = {}
    for cell in cells:
        key = _column_of(cell, columns, width)
        if key is None:
            reading.error(cell.ref, f"“{_shown(cell)}”在表格左侧，不在任何列下，无法导入；请删除或移到正确位置")
        elif key == _RIGHT:
            reading.error(cell.ref, f"“{_shown(cell)}”在表格右侧，不属于任何一列，无法导入；请删除或移到正确位置")
        elif key in raw:
            reading.error(cell.ref, f"{L.FIELD_NAMES.get(key, key)}填在了两个单元格（另一个是 {raw[key].ref}）")
        else:
            raw[key] = cell
    item: dict[str, Any] = {}
    for column, key in columns.items():
        if key in raw:
            item[key] = reading.text(raw[key]) if key != "line" else reading.value(raw[key], C.line_number)
        elif key not in optional:
            reading.error(C.ref(title, number, column), f"{L.FIELD_NAMES.get(key, key)}为空")
    return item


def _shown(cell: Found) -> str:
    text = str(cell.value)
    return text if len(text) <= 20 else text[:20] + "…"


# --------------------------------------------------------------------------- a project's goal table


def _is_project(sheet: Sheet) -> bool:
    return any(cell.label() == L.CODE for cells in sheet.rows.values() for cell in cells[:2])


def _project(sheet: Sheet, reading: _Reading) -> dict[str, Any]:
    values: dict[str, Found | str] = {}
    plan: list[dict[str, Any]] | None = None
    indicators: list[dict[str, Any]] = []
    rows = sorted(sheet.rows.items())
    index = 0
    while index < len(rows):
        number, cells = rows[index]
        first = cells[0].label()
        index += 1
        if index == 1 and len(cells) == 1 and first and first.endswith(L.PROJECT_TITLE_SUFFIX):
            continue  # the title, made from the name
        if first == L.PLAN:
            shares = rows[index][1] if index < len(rows) else []
            if shares and shares[0].label() not in L.PROJECT_FIELDS and shares[0].label() not in L.INDICATOR_COLUMNS:
                index += 1
            else:
                shares = []
            plan = _plan(sheet.title, cells, shares, reading)
        elif first in L.INDICATOR_COLUMNS:
            columns = _headers(cells, L.INDICATOR_COLUMNS, reading)
            if columns:
                indicators = _indicators(sheet.title, rows[index:], columns, reading)
            index = len(rows)
        else:
            _labelled(cells, values, reading)
    return _project_data(sheet, values, plan, indicators, reading)


def _labelled(cells: list[Found], values: dict[str, Found | str], reading: _Reading) -> None:
    """Label, value, label, value… in one row. A label followed by another label
    (or nothing) is blank: its value is then the cell where it belongs ("项目1!B3")."""
    pending: Found | None = None

    def blank(label: Found) -> None:
        values.setdefault(L.PROJECT_FIELDS[label.label()], C.ref(label.sheet, label.row, label.column + 1))

    for cell in cells:
        label = cell.label()
        if label == L.BUDGET_GROUP:
            continue
        if label in L.PROJECT_FIELDS:
            if pending is not None:
                blank(pending)
            if L.PROJECT_FIELDS[label] in values:
                reading.error(cell.ref, f"“{label}”出现了两次")
            pending = cell
        elif pending is not None:
            values[L.PROJECT_FIELDS[pending.label()]] = cell
            pending = None
        else:
            reading.error(cell.ref, f"“{_shown(cell)}”不在任何标签之后，无法导入；请删除或移到正确位置")
    if pending is not None:
        blank(pending)


def _plan(title: str, periods: list[Found], shares: list[Found], reading: _Reading) -> list[dict[str, Any]]:
    """The periods after the label, each with the share under it."""
    under = {cell.column: cell for cell in shares}
    plan = []
    for cell in periods[1:]:
        share = under.pop(cell.column, None)
        if share is None:
            reading.error(C.ref(title, cell.row + 1, cell.column), f"“{_shown(cell)}”的支出比例为空")
            continue
        plan.append({"period": reading.text(cell), "share": reading.value(share, C.share)})
    for cell in under.values():
        reading.error(cell.ref, "这个支出比例上方没有时间节点（如“3月底”）")
    if not periods[1:]:
        reading.error(periods[0].ref, "资金支出计划没有时间节点")
    return plan


def _template_label(level1: str | None, level2: str | None) -> bool:
    """A row as the blank template labels it (一级 and one of its own 二级指标, nothing else):
    a row the clerk did not need, not a row whose content was lost."""
    return level2 is not None and level2 in LEVEL2_OF_LEVEL1.get(level1 or "", ())


def _indicators(title: str, rows: list[tuple[int, list[Found]]], columns: dict[int, str],
                reading: _Reading) -> list[dict[str, Any]]:
    """Indicator rows; a blank 一级 (and then 二级) 指标 is the one above, as in the documents."""
    found: list[dict[str, Any]] = []
    above: dict[str, Any] = {}
    level_columns = {key: column for column, key in columns.items()}
    for number, cells in rows:
        present = {_column_of(cell, columns, L.PROJECT_WIDTH) for cell in cells}
        if present <= {"level1", "level2"}:  # a group label alone: it still heads the rows below
            item = _item(title, number, cells, columns, L.PROJECT_WIDTH, reading,
                         optional=tuple(L.INDICATOR_COLUMNS.values()))
            if item.get("level1") and item["level1"] != above.get("level1"):
                above = {"level1": item["level1"]}
            above.update({k: v for k, v in item.items() if v})
            if not _template_label(above.get("level1"), item.get("level2")):
                reading.warn(C.ref(title, number, cells[0].column),
                             "这一行只有一级/二级指标，没有三级指标等内容，没有导入")
            continue
        item = _item(title, number, cells, columns, L.PROJECT_WIDTH, reading, optional=("level1", "level2"))
        level1, level2 = item.get("level1"), item.get("level2")
        if level1 is None:
            level1 = above.get("level1")
            if level1 is None:
                reading.error(C.ref(title, number, level_columns["level1"]), "一级指标为空")
            elif level2 is None:
                level2 = above.get("level2")
        elif level2 is None and level1 == above.get("level1"):
            level2 = above.get("level2")
        if level2 is None and level1 is not None:
            reading.error(C.ref(title, number, level_columns["level2"]), "二级指标为空")
        above = {"level1": level1, "level2": level2}
        found.append({**{key: item.get(key) for key in L.INDICATOR_COLUMNS.values()},
                      "level1": level1, "level2": level2})
    if not found:
        reading.error(title, "没有绩效指标，至少要有一行")
    return found


def _project_data(sheet: Sheet, values: dict[str, Found | str], plan: list[dict[str, Any]] | None,
                  indicators: list[dict[str, Any]], reading: _Reading) -> dict[str, Any]:
    data: dict[str, Any] = {}
    budget: dict[str, Any] = {}
    for label, key in L.PROJECT_FIELDS.items():
        if key not in values:
            if key == "other":
                budget["other"] = None
            else:
                reading.error(sheet.title, f"没有“{label}”")
            continue
        cell = values[key]
        if isinstance(cell, str):  # blank: where it belongs
            if key == "other":
                budget["other"] = None
            else:
                reading.error(cell, f"{label}为空")
            continue
        if key in L.MONEY_FIELDS:
            budget[key] = reading.value(cell, C.money)
        elif key == "code":
            data[key] = reading.value(cell, lambda c: C.code(c, "项目编码"))
        else:
            data[key] = reading.text(cell)
    if plan is None:
        reading.error(sheet.title, f"没有“{L.PLAN}”")
    return {
        "code": data.get("code"), "name": data.get("name"), "unit_line": data.get("unit_line"),
        "money_unit": data.get("money_unit"),
        "budget": {key: budget.get(key) for key in L.MONEY_FIELDS},
        "use_of_funds": data.get("use_of_funds"), "spending_plan": plan or [], "target": data.get("target"),
        "indicators": indicators,
    }


# --------------------------------------------------------------------------- unplaced lines


def _unplaced(sheet: Sheet, reading: _Reading) -> list[dict[str, Any]]:
    rows = sorted(sheet.rows.items())
    if not rows:
        return []
    columns = _headers(rows[0][1], L.UNPLACED_COLUMNS, reading)
    items = []
    for number, cells in rows[1:]:
        item = _item(sheet.title, number, cells, columns, len(L.UNPLACED_COLUMNS), reading, optional=("where",))
        items.append({key: item[key] for key in ("line", "text", "where") if item.get(key) is not None})
    return items


def _ordered(data: dict[str, Any]) -> dict[str, Any]:
    """The fields in the order of the data format."""
    order = ("year", "unit", "prepared_by", "reviewed_by", "disclosure", "overall_goals", "itemised_goals",
             "measures", "projects", "unplaced")
    return {key: data[key] for key in order if key in data}
