"""第二部分 预算项目绩效目标: one goal table per project, into projects."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .characters import CODE, join_wrapped, label_key, squeeze
from .context import Context
from .layout import is_code_row, is_table_header, money_unit, project_title, unit_line, without_heading
from .lines import Line
from .page_breaks import mend_page_breaks
from .table_labels import (
    BUDGET_LABELS,
    CODE_LABELS,
    INDICATOR_COLUMNS,
    INDICATOR_NAMES,
    LEVEL_NAMES,
    ROW_KINDS,
)

_MONEY = re.compile(r"^\d+(?:\.\d{1,2})?$")
_SHARE = re.compile(r"^(?P<number>\d+(?:\.\d+)?)[%％]?$")


@dataclass
class _Block:
    """One project table: the lines written above it and its rows."""

    above: list[Line]
    rows: list[Line]

    @property
    def lines(self) -> list[Line]:
        return sorted(self.above + self.rows, key=lambda line: line.number)


def split_tables(lines: list[Line], ctx: Context) -> list[_Block]:
    """Cut Part 2 into project tables.

    A table starts after its title / unit line / money unit, or at a second
    "项目编码" row. Rows after other text (a page number where the PDF broke
    the table) continue the table above; that text is kept as unplaced.
    """
    blocks: list[_Block] = []
    above: list[Line] = []
    for line in without_heading(lines, "第二部分"):
        if not line.is_row:
            above.append(line)
            continue
        current = blocks[-1] if blocks else None
        new_code = is_code_row(line) and current is not None and any(is_code_row(r) for r in current.rows)
        if current is None or new_code or any(is_table_header(a) for a in above):
            blocks.append(_Block(above, [line]))
        else:
            ctx.unplace(above, "项目表中间的这一行未能归入任何字段")
            current.rows.append(line)
        above = []
    ctx.unplace(above, "最后一张项目表之后的这一行未能归入任何字段")
    return blocks


@dataclass
class _Reading:
    """What one table yields, and what it could not use."""

    values: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    leftovers: list[tuple[Line, str]] = field(default_factory=list)

    def leftover(self, line: Line, reason: str) -> None:
        self.leftovers.append((line, reason))


def _read_above(block: _Block, reading: _Reading, ctx: Context) -> None:
    """Title "1.××绩效目标表", unit line "230001 ××本级" and "单位：万元"."""
    for line in block.above:
        title, code, money = project_title(line), unit_line(line), money_unit(line)
        if title and "title" not in reading.values:
            reading.values["title"] = (line, title)
        elif code and "unit_line" not in reading.values:
            reading.values["unit_line"] = ctx.words(line.raw)
            reading.values["unit_code"] = (line, code)
        elif money and "money_unit" not in reading.values:
            reading.values["money_unit"] = ctx.words(money)
        else:
            reading.leftover(line, "项目表上方的这一行未能归入任何字段")


def _read_rows(block: _Block, reading: _Reading, ctx: Context) -> None:
    """Each row by the label in its first cell; an empty first cell continues
    the label above (merged cells), and below "一级指标" every row is an indicator."""
    state: str | None = None
    indicators = _IndicatorReader(reading, ctx)
    for row in mend_page_breaks(block.rows, ctx):
        kind = ROW_KINDS.get(row.key)
        if kind == "indicator_header":
            indicators.header(row)
            state = "indicators"
        elif state == "indicators" and kind in (None, "continued"):
            indicators.row(row)
        elif kind == "continued" and state in ("budget", "use", "target", "plan"):
            state = _read_continued(row, state, reading, ctx)
        elif kind in ("code", "budget", "use", "plan", "target"):
            _ROW_READERS[kind](row, reading, ctx)
            state = kind
        else:
            reading.leftover(row, "项目表中的这一行未能识别")
    indicators.finish()


def _label_values(row: Line, labels: dict[str, str]) -> tuple[dict[str, list[str]], list[str]]:
    """The filled cells after each label cell, up to the next label; and
    filled cells before any label."""
    found: dict[str, list[str]] = {}
    stray: list[str] = []
    key: str | None = None
    for _, cell in row.filled():
        name = labels.get(label_key(cell))
        if name:
            key = name
            found.setdefault(name, [])
        elif key is None:
            stray.append(cell)
        else:
            found[key].append(cell)
    return found, stray


def _read_code_row(row: Line, reading: _Reading, ctx: Context) -> None:
    found, stray = _label_values(row, CODE_LABELS)
    if stray or any(len(v) > 1 for v in found.values()):
        reading.leftover(row, "“项目编码”一行有无法归属的单元格")
        return
    if found.get("code"):
        code = ctx.squeezed(found["code"][0], "code")
        if CODE.match(code):
            reading.values["code"] = code
        else:
            reading.leftover(row, f"项目编码“{code}”只能由字母、数字、“-”和“_”组成")
            return
    if found.get("name"):
        reading.values["name"] = ctx.words(found["name"][0])


def _read_budget_row(row: Line, reading: _Reading, ctx: Context) -> None:
    found, stray = _label_values(row, BUDGET_LABELS)
    if stray or found.get("heading") or any(len(v) > 1 for v in found.values()):
        reading.leftover(row, "“预算规模”一行有无法归属的单元格")
        return
    amounts: dict[str, Decimal | None] = {}
    for name in ("total", "fiscal", "other"):
        cells = found.get(name)
        if not cells:
            amounts[name] = None
            continue
        amount = squeeze(cells[0]).replace(",", "")
        if not _MONEY.match(amount):
            reading.leftover(row, f"金额“{cells[0]}”不是最多两位小数的数字")
            return
        amounts[name] = Decimal(amount).quantize(Decimal("0.01"))
    reading.values["budget"] = amounts


def _read_use_row(row: Line, reading: _Reading, ctx: Context) -> None:
    """"资金用途" with its own label (some tables) or below "预算规模及资金用途"."""
    texts = [ctx.words(c) for _, c in row.filled() if label_key(c) != "资金用途"]
    _add_text(row, reading, "use_of_funds", texts, ctx)


def _read_plan_row(row: Line, reading: _Reading, ctx: Context) -> None:
    periods = [ctx.squeezed(c, "period") for i, c in row.filled() if i > 0]
    reading.values["periods"] = (row, periods)


def _read_shares_row(row: Line, reading: _Reading, ctx: Context) -> None:
    plan_row, periods = reading.values.pop("periods")
    shares = [_SHARE.match(squeeze(c)) for _, c in row.filled()]
    if len(shares) != len(periods) or not all(shares) or not periods:
        reading.leftover(plan_row, "资金支出计划的时间节点与比例对不上")
        reading.leftover(row, "资金支出计划的时间节点与比例对不上")
        return
    numbers = [Decimal(share["number"]) for share in shares if share]
    if any(number > 100 for number in numbers):
        reading.leftover(plan_row, "资金支出计划的比例大于 100%")
        reading.leftover(row, "资金支出计划的比例大于 100%")
        return
    reading.values["spending_plan"] = [{"period": p, "share": n} for p, n in zip(periods, numbers, strict=True)]


def _read_target_row(row: Line, reading: _Reading, ctx: Context) -> None:
    """"绩效目标 | 1.目标内容 1"; a "目标内容" sub-label cell is a header, not content."""
    texts = [ctx.words(c) for i, c in row.filled() if i > 0 and label_key(c) != "目标内容"]
    _add_text(row, reading, "target", texts, ctx)


def _add_text(row: Line, reading: _Reading, name: str, texts: list[str], ctx: Context) -> None:
    """A row's texts as new paragraphs of field ``name``; the first row after a
    page break goes on the paragraph instead (its cell was broken across the pages)."""
    if not texts:
        return
    previous = reading.values.get(name)
    if previous and row.continued:
        previous = join_wrapped([previous, texts.pop(0)])
        ctx.warn(row.number, "这一行是上一页最后一行跨页断开的后半部分，已接到该行")
    reading.values[name] = "\n".join(([previous] if previous else []) + texts)


def _read_continued(row: Line, state: str, reading: _Reading, ctx: Context) -> str:
    """A row whose first cell is empty continues the merged label above it."""
    if state in ("budget", "use"):
        _read_use_row(row, reading, ctx)
        return "use"
    if state == "plan" and "periods" in reading.values:
        _read_shares_row(row, reading, ctx)
        return "plan"
    if state == "target":
        _read_target_row(row, reading, ctx)
        return "target"
    reading.leftover(row, "项目表中的这一行未能识别")
    return state


_ROW_READERS: dict[str, Callable[[Line, _Reading, Context], None]] = {
    "code": _read_code_row,
    "budget": _read_budget_row,
    "use": _read_use_row,
    "plan": _read_plan_row,
    "target": _read_target_row,
}


class _IndicatorReader:
    """Indicator rows under the "一级指标 | 二级指标 | …" header.

    Columns are found by their header, so their order may vary. A blank level
    cell means "same as above" (a merged cell), so levels are carried down; a
    row may also repeat them. A row with only level cells (a merged label
    printed on its own row) sets the levels for the rows below.
    """

    def __init__(self, reading: _Reading, ctx: Context):
        self.reading = reading
        self.ctx = ctx
        self.columns: dict[str, int] | None = None
        self.broken = False
        self.levels: dict[str, str] = {}
        self.label_row: Line | None = None  # a levels-only row not yet used by a row below
        self.rows: list[dict[str, str]] = []
        self.last: dict[str, str] | None = None  # the row just read, if complete (a page break may split it)

    def header(self, row: Line) -> None:
        """The first header fixes the columns; a repeated one (a page break) must agree."""
        columns = {INDICATOR_COLUMNS[label_key(c)]: i for i, c in row.filled() if label_key(c) in INDICATOR_COLUMNS}
        extra = [c for _, c in row.filled() if label_key(c) not in INDICATOR_COLUMNS]
        complete = not extra and columns.keys() == INDICATOR_NAMES.keys()
        if complete and self.columns in (None, columns):
            self.columns = columns
            return
        self.broken = True
        self.reading.missing.append("能识别的绩效指标表头")
        self.reading.leftover(row, "绩效指标表头无法识别")

    def row(self, row: Line) -> None:
        previous, self.last = self.last, None
        if self.columns is None or self.broken:
            self.reading.leftover(row, "绩效指标表头无法识别，这一行无法归入")
            return
        used = set(self.columns.values())
        if any(i not in used for i, _ in row.filled()):
            self.reading.leftover(row, "绩效指标行有不在任何表头下的单元格")
            return
        cells = {name: self.ctx.words(row.raw_cells[i]) if i < len(row.raw_cells or ()) else ""
                 for name, i in self.columns.items()}
        content = ("level3", "description", "value", "basis")
        if row.continued and self.rows:
            self._mend_levels(row, cells)
        if row.continued and previous is not None and not all(cells[name] for name in content):
            # the rest of the row above, broken across the page: its cells go on
            for name in INDICATOR_NAMES:
                previous[name] = join_wrapped([previous[name], cells[name]])
            self.levels = {"level1": previous["level1"], "level2": previous["level2"]}
            self.ctx.warn(row.number, "这一行是上一页最后一个指标行跨页断开的后半部分，已接到该行")
            self.last = previous
            return
        if not any(cells[name] for name in content):
            self._levels_only(row, cells)
            return
        if not self._carry_levels(row, cells):
            return
        missing = [INDICATOR_NAMES[name] for name in INDICATOR_NAMES if not cells[name]]
        if missing:
            self.reading.leftover(row, f"绩效指标行缺少“{'”“'.join(missing)}”，整行未录入")
            return
        self.rows.append({name: cells[name] for name in INDICATOR_NAMES})
        self.last = self.rows[-1]

    def _mend_levels(self, row: Line, cells: dict[str, str]) -> None:
        """A level cell merged down its group across a page break shows its text
        in two pieces ("产出指" / "标"): joined back when together they make a level name."""
        last = self.rows[-1]
        for name in ("level1", "level2"):
            piece = cells[name]
            joined = join_wrapped([last[name], piece])
            if piece and piece not in LEVEL_NAMES and joined in LEVEL_NAMES and last[name] not in LEVEL_NAMES:
                for earlier in self.rows:
                    if earlier[name] == last[name] and (name == "level1" or earlier["level1"] == last["level1"]):
                        earlier[name] = joined
                self.levels[name] = joined
                cells[name] = ""
                self.ctx.warn(row.number, f"“{joined}”跨页断开，已把下一页的“{piece}”接回")

    def _carry_levels(self, row: Line, cells: dict[str, str]) -> bool:
        """Fill blank level cells from the row above; False when there is none."""
        if cells["level1"] and cells["level1"] != self.levels.get("level1"):
            self._drop_unused_label_row()
            self.levels = {"level1": cells["level1"]}
        elif "level1" not in self.levels:
            self.reading.leftover(row, "绩效指标行的一级指标空白，上面也没有可沿用的一级指标")
            return False
        if cells["level2"]:
            self.levels["level2"] = cells["level2"]
        elif "level2" not in self.levels:
            self.reading.leftover(row, "绩效指标行的二级指标空白，上面也没有可沿用的二级指标")
            return False
        cells.update(self.levels)
        self.label_row = None
        return True

    def _levels_only(self, row: Line, cells: dict[str, str]) -> None:
        self._drop_unused_label_row()
        if cells["level1"] and cells["level1"] != self.levels.get("level1"):
            self.levels = {"level1": cells["level1"]}
        if cells["level2"]:
            self.levels["level2"] = cells["level2"]
        self.label_row = row

    def _drop_unused_label_row(self) -> None:
        if self.label_row is not None:
            self.reading.leftover(self.label_row, "只有指标级别、下面没有指标的行")
            self.label_row = None

    def finish(self) -> None:
        self._drop_unused_label_row()
        if self.columns is None:
            self.reading.missing.append("绩效指标")
        elif self.rows:
            self.reading.values["indicators"] = self.rows
        else:
            self.reading.missing.append("绩效指标")


@dataclass
class Projects:
    """Part 2 turned into projects, plus what the cross-checks need."""

    projects: list[dict[str, Any]] = field(default_factory=list)
    unit_code: str | None = None
    # (first line, project name, every name it goes by) of every table, complete or not
    tables: list[tuple[int, str, set[str]]] = field(default_factory=list)


def build_projects(blocks: list[_Block], ctx: Context) -> Projects:
    """Each table into a project; an incomplete table is kept whole in unplaced."""
    readings = [_read_block(block, ctx) for block in blocks]
    result = Projects(unit_code=_unit_code(readings, ctx))
    seen: dict[str, int] = {}
    for block, reading in zip(blocks, readings, strict=True):
        _fill_table_header(block, reading, readings, ctx)
        project = _project(reading)
        names = {squeeze(n) for n in (project.get("name"), reading.values.get("title", (None, None))[1]) if n}
        if names:
            result.tables.append((block.lines[0].number, project.get("name") or min(names), names))
        code = project.get("code")
        if code in seen:
            ctx.unplace(block.lines, f"项目编码 {code} 与第 {seen[code]} 行的项目重复，整张表未录入")
        elif reading.missing:
            missing = "、".join(dict.fromkeys(reading.missing))
            ctx.unplace(block.lines, f"项目表不完整（缺少{missing}），整张表未录入")
        else:
            _check_title(reading, project, ctx)
            for line, reason in reading.leftovers:
                ctx.unplace(line, reason)
            seen[code] = block.lines[0].number
            result.projects.append(project)
    return result


def _read_block(block: _Block, ctx: Context) -> _Reading:
    reading = _Reading()
    _read_above(block, reading, ctx)
    _read_rows(block, reading, ctx)
    return reading


def _unit_code(readings: list[_Reading], ctx: Context) -> str | None:
    """The file is named after the first unit line's code; other codes are reported."""
    codes = [reading.values["unit_code"] for reading in readings if "unit_code" in reading.values]
    if not codes:
        return None
    first = codes[0][1]
    for line, code in codes[1:]:
        if code != first:
            ctx.warn(line.number, f"单位行的单位编码 {code} 与第一张项目表的 {first} 不同；"
                                  f"文件仍按 {first} 命名，请核对")
    return first


def _fill_table_header(block: _Block, reading: _Reading, readings: list[_Reading], ctx: Context) -> None:
    """A table printed without its unit line or money unit uses the first
    table's that has one (a page often prints them once), with a warning."""
    labels = {"unit_line": "单位行", "money_unit": "金额单位（“单位：万元”）"}
    for name, label in labels.items():
        if name in reading.values:
            continue
        other = next((r.values[name] for r in readings if name in r.values), None)
        if other is None:
            reading.missing.append(label)
        else:
            reading.values[name] = other
            ctx.warn(block.lines[0].number, f"项目表上方没有{label}，沿用其他项目表的“{other}”")


def _project(reading: _Reading) -> dict[str, Any]:
    """The project in schema order; anything still missing goes to ``reading.missing``."""
    values = reading.values
    if "name" not in values and "title" in values:
        values["name"] = values["title"][1]
    required = {"code": "项目编码", "name": "项目名称", "budget": "预算规模", "use_of_funds": "资金用途",
                "spending_plan": "资金支出计划", "target": "绩效目标"}
    for name, label in required.items():
        if name not in values:
            reading.missing.append(label)
    budget = values.get("budget") or {}
    for name, label in (("total", "预算数"), ("fiscal", "财政资金")):
        if budget and budget.get(name) is None:
            reading.missing.append(label)
    keys = ("code", "name", "unit_line", "money_unit", "budget", "use_of_funds", "spending_plan", "target",
            "indicators")
    return {key: values[key] for key in keys if key in values}


def _check_title(reading: _Reading, project: dict[str, Any], ctx: Context) -> None:
    """The title above the table names the project too; a different name is kept for the reviewer."""
    if "title" not in reading.values:
        return
    line, title = reading.values["title"]
    if squeeze(title) != squeeze(project["name"]):
        reading.leftover(line, f"表标题中的项目名称与表内“项目名称”（{project['name']}）不一致")
