"""Open data: the tables of a year's documents as CSV, XLSX and JSON files,
with a Frictionless data package descriptor and the JSON Schemas.

Pure functions of the model that return bytes; the MkDocs hooks only add them
to the site as generated files. Every file is reproducible: same data, same
bytes (rows in data order, XLSX dates fixed to the data's year).

- CSV: UTF-8 with a byte order mark, so Excel and WPS read Chinese correctly;
  one row per record, every cell filled (levels of the goal table included);
  text that a spreadsheet would run as a formula starts with an apostrophe.
- XLSX (openpyxl): a header row, readable column widths, and the level-1 and
  level-2 indicator cells merged like the page.
- JSON: the data format of ``schema/unit.schema.json`` (a unit's file is a
  unit document; the year's file is ``{"year", "units": [...]}``, see
  ``schema/year.schema.json``; a project's tables are parts of it).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from importlib import resources

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from . import xlsx_writer
from .formatting import display_width, money, number
from .model import Project, UnitDocument, YearData
from .workbook.template import unit_workbook

DOWNLOADS = "downloads"
DATAPACKAGE = f"{DOWNLOADS}/datapackage.json"
SCHEMAS = ("unit.schema.json", "year.schema.json")

Value = str | int | Decimal | None


# ---------------------------------------------------------------- tables

@dataclass(frozen=True)
class Column:
    name: str  # the header, as on the page
    type: str  # Table Schema type: string, integer, number
    description: str
    kind: str = "text"  # text, money, share, count: how it is written


@dataclass(frozen=True)
class TableSpec:
    """One kind of table: its resource name, title, columns and keys."""

    name: str  # ASCII, for file names and the data package: "indicators"
    title: str  # Chinese: "绩效指标"
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_key: tuple[tuple[str, ...], str] | None = None  # (fields, resource they refer to)
    # Columns merged in XLSX where runs of equal (key columns) follow each other.
    merges: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Table:
    spec: TableSpec
    rows: tuple[tuple[Value, ...], ...]

    def where(self, keep: Callable[[dict[str, Value]], bool]) -> Table:
        names = [c.name for c in self.spec.columns]
        return Table(self.spec, tuple(r for r in self.rows if keep(dict(zip(names, r, strict=True)))))


_YEAR = Column("年度", "integer", "年度", "count")
_UNIT_CODE = Column("单位编码", "string", "预算单位编码")
_UNIT_NAME = Column("单位名称", "string", "预算单位名称")
_PROJECT_CODE = Column("项目编码", "string", "预算项目编码")

UNITS = TableSpec(
    "units", "单位",
    (_YEAR, _UNIT_CODE, _UNIT_NAME,
     Column("项目数", "integer", "预算项目个数", "count"),
     Column("预算数", "number", "各项目预算数之和（万元）", "money"),
     Column("财政资金", "number", "各项目财政资金之和（万元）", "money"),
     Column("其他资金", "number", "各项目其他资金之和（万元）；各项目都未填写时为空", "money")),
    ("单位编码",),
)
PROJECTS = TableSpec(
    "projects", "预算项目",
    (_YEAR, _UNIT_CODE, _UNIT_NAME, _PROJECT_CODE,
     Column("项目名称", "string", "预算项目名称"),
     Column("单位行", "string", "绩效目标表表头的单位行"),
     Column("金额单位", "string", "预算数、财政资金、其他资金的单位，一般为万元"),
     Column("预算数", "number", "预算数", "money"),
     Column("财政资金", "number", "其中：财政资金", "money"),
     Column("其他资金", "number", "其他资金；原表空白时为空", "money"),
     Column("资金用途", "string", "资金用途"),
     Column("绩效目标", "string", "绩效目标（目标内容）")),
    ("单位编码", "项目编码"),
    (("单位编码",), "units"),
)
SPENDING_PLAN = TableSpec(
    "spending-plan", "资金支出计划",
    (_YEAR, _UNIT_CODE, _PROJECT_CODE,
     Column("序号", "integer", "时间节点在表中的顺序，从 1 起", "count"),
     Column("时间节点", "string", "时间节点，如 3月底"),
     Column("支出比例", "number", "该时段计划支出占预算的百分比（%）", "share")),
    ("单位编码", "项目编码", "序号"),
    (("单位编码", "项目编码"), "projects"),
)
INDICATORS = TableSpec(
    "indicators", "绩效指标",
    (_YEAR, _UNIT_CODE, _PROJECT_CODE,
     Column("序号", "integer", "指标在绩效目标表中的行序，从 1 起", "count"),
     Column("一级指标", "string", "一级指标：产出、效益、满意度指标"),
     Column("二级指标", "string", "二级指标，如数量指标、社会效益指标"),
     Column("三级指标", "string", "三级指标：具体衡量的内容"),
     Column("绩效指标描述", "string", "绩效指标描述"),
     Column("指标值", "string", "指标值（目标），按原文，如 100%、≥98%"),
     Column("指标值确定依据", "string", "指标值确定依据")),
    ("单位编码", "项目编码", "序号"),
    (("单位编码", "项目编码"), "projects"),
    (("一级指标", ("单位编码", "项目编码", "一级指标")),
     ("二级指标", ("单位编码", "项目编码", "一级指标", "二级指标"))),
)
SPECS = (UNITS, PROJECTS, SPENDING_PLAN, INDICATORS)


def units_table(units: Iterable[UnitDocument]) -> Table:
    return Table(UNITS, tuple(
        (u.year, u.code, u.name, len(u.projects), u.budget_total, u.fiscal_total, u.other_total) for u in units
    ))


def projects_table(units: Iterable[UnitDocument]) -> Table:
    return Table(PROJECTS, tuple(
        (u.year, u.code, u.name, p.code, p.name, p.unit_line, p.money_unit,
         p.budget.total, p.budget.fiscal, p.budget.other, p.use_of_funds, p.target)
        for u in units for p in u.projects
    ))


def spending_plan_table(units: Iterable[UnitDocument]) -> Table:
    return Table(SPENDING_PLAN, tuple(
        (u.year, u.code, p.code, i, step.period, step.share)
        for u in units for p in u.projects for i, step in enumerate(p.spending_plan, start=1)
    ))


def indicators_table(units: Iterable[UnitDocument]) -> Table:
    return Table(INDICATORS, tuple(
        (u.year, u.code, p.code, i, x.level1, x.level2, x.level3, x.description, x.value, x.basis)
        for u in units for p in u.projects for i, x in enumerate(p.indicators, start=1)
    ))


_TABLES = (units_table, projects_table, spending_plan_table, indicators_table)


def all_tables(units: Iterable[UnitDocument], regional: bool = False) -> tuple[Table, ...]:
    """The year's four tables; on a regional site each row also says its region."""
    units = tuple(units)
    if not regional:
        return tuple(make(units) for make in _TABLES)
    return tuple(Table(with_region(spec), tuple((row[0], unit.region, *row[1:])
                                                for unit in units for row in make((unit,)).rows))
                 for make, spec in zip(_TABLES, SPECS, strict=True))


_REGION_CODE = Column("地区代码", "string", "单位所属地区（政府）的行政区划代码；各地区的单位编码可能相同")


def with_region(spec: TableSpec) -> TableSpec:
    """A table of a regional site: the region code after the year and at the head of
    every key, since unit codes repeat between regions."""
    def keyed(fields: tuple[str, ...]) -> tuple[str, ...]:
        return (_REGION_CODE.name, *fields)

    return replace(spec, columns=(spec.columns[0], _REGION_CODE, *spec.columns[1:]),
                   primary_key=keyed(spec.primary_key),
                   foreign_key=(keyed(spec.foreign_key[0]), spec.foreign_key[1]) if spec.foreign_key else None,
                   merges=tuple((name, keyed(fields)) for name, fields in spec.merges))


def year_specs(data: YearData) -> tuple[TableSpec, ...]:
    return tuple(with_region(spec) for spec in SPECS) if data.regions is not None else SPECS


# ---------------------------------------------------------------- CSV

def _csv_text(value: Value, column: Column) -> str:
    if value is None:
        return ""
    if column.kind == "money":
        return money(value)  # type: ignore[arg-type]
    if column.kind == "share":
        return number(value)  # type: ignore[arg-type]
    return str(value)


_NUMBER_LIKE = re.compile(r"[+-]?[0-9.,%\s]*")


def _inert(text: str) -> str:
    """Text a spreadsheet would run as a formula (=, @, or + - not followed by a
    number) gets a leading apostrophe, as OWASP advises for CSV; "-", "+5%" stay."""
    if text[:1] in ("=", "@", "\t", "\r") or (text[:1] in ("+", "-") and not _NUMBER_LIKE.fullmatch(text)):
        return "'" + text
    return text


def to_csv(table: Table) -> bytes:
    """UTF-8 with BOM and CRLF line ends, as Excel and WPS expect."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in table.spec.columns])
    for row in table.rows:
        writer.writerow([_inert(_csv_text(v, c)) for v, c in zip(row, table.spec.columns, strict=True)])
    return out.getvalue().encode("utf-8-sig")


# ---------------------------------------------------------------- XLSX

_MAX_WIDTH = 60  # characters; longer text wraps


def to_xlsx(tables: Iterable[Table], year: int, title: str, sheet_titles: Iterable[str] | None = None) -> bytes:
    """One sheet per table (named by its title, or by ``sheet_titles``): a frozen
    header row, column widths that fit the content, long text wrapped, and
    merged level cells like the page."""
    tables = tuple(tables)
    titles = sheet_titles or [t.spec.title for t in tables]
    return xlsx_writer.workbook([_sheet(t, s) for t, s in zip(tables, titles, strict=True)], title, year)


def _sheet(table: Table, title: str) -> xlsx_writer.Sheet:
    columns = table.spec.columns
    spans = _merge_spans(table)  # (row index, column index) -> rows merged, 0 where merged away

    def rows() -> Iterator[list[tuple[Value, str]]]:
        yield [(c.name, "header") for c in columns]
        for r, row in enumerate(table.rows):
            yield [(None if spans.get((r, i)) == 0 else _xlsx_value(value),
                    _xlsx_style(column, spans.get((r, i), 1) > 1))
                   for i, (value, column) in enumerate(zip(row, columns, strict=True))]

    merges = tuple((i + 1, r + 2, r + span + 1) for (r, i), span in spans.items() if span > 1)
    last = f"{get_column_letter(len(columns))}{len(table.rows) + 1}"
    return xlsx_writer.Sheet(title, column_widths(table), rows(), merges,
                             filter=f"A1:{last}" if not table.spec.merges and table.rows else None)


def column_widths(table: Table) -> tuple[int, ...]:
    """Each column's width in characters: its widest text as the CSV writes it, two more, at most 60."""
    columns = table.spec.columns
    widths = [display_width(c.name) for c in columns]
    for row in table.rows:
        for i, (value, column) in enumerate(zip(row, columns, strict=True)):
            widths[i] = max(widths[i], display_width(_csv_text(value, column)))
    return tuple(min(w + 2, _MAX_WIDTH) for w in widths)


def _xlsx_style(column: Column, merged: bool) -> str:
    """The name of a body cell's style in ``xlsx_writer.STYLES``."""
    if column.kind in ("money", "share"):
        return column.kind
    if merged:
        return "merged"
    return "text" if column.type == "string" else "plain"


def _xlsx_value(value: Value) -> Value:
    """Control characters cannot be stored in XLSX (XML 1.0): they become U+FFFD."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value


def _merge_spans(table: Table) -> dict[tuple[int, int], int]:
    """Cells merged like the page: runs of equal key columns, per merged column."""
    names = [c.name for c in table.spec.columns]
    spans: dict[tuple[int, int], int] = {}
    for merged_column, keys in table.spec.merges:
        index = names.index(merged_column)
        key_of = [tuple(row[names.index(k)] for k in keys) for row in table.rows]
        start = 0
        for i in range(1, len(key_of) + 1):
            if i == len(key_of) or key_of[i] != key_of[start]:
                if i - start > 1:
                    spans[(start, index)] = i - start
                    spans.update({(r, index): 0 for r in range(start + 1, i)})
                start = i
    return spans


# ---------------------------------------------------------------- JSON

def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral() else float(value)


def _amount(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def unit_record(unit: UnitDocument) -> dict:
    """The unit in the data format of ``unit.schema.json`` (keys in the schema's order)."""
    record: dict = {
        "year": unit.year,
        "unit": {"code": unit.code, "name": unit.name},
        "prepared_by": unit.prepared_by,
        "reviewed_by": unit.reviewed_by,
    }
    disclosure = {key: value for key, value in (
        ("index_number", unit.disclosure.index_number), ("publisher", unit.disclosure.publisher),
        ("written_date", unit.disclosure.written_date), ("published_date", unit.disclosure.published_date),
        ("topic", unit.disclosure.topic)) if value}
    if disclosure:
        record["disclosure"] = disclosure
    record["overall_goals"] = list(unit.overall_goals)
    record["itemised_goals"] = [{"title": g.title, "goal": g.goal, "indicator": g.indicator}
                                for g in unit.itemised_goals]
    record["measures"] = [{"title": m.title, "text": m.text} for m in unit.measures]
    record["projects"] = [project_record(p) for p in unit.projects]
    if unit.unplaced:
        record["unplaced"] = [{"line": u.line, "text": u.text, **({"where": u.where} if u.where else {})}
                              for u in unit.unplaced]
    return record


def project_record(project: Project, parts: tuple[str, ...] | None = None) -> dict:
    """A project in the data format; ``parts`` keeps only those keys (with code and name)."""
    record = {
        "code": project.code,
        "name": project.name,
        "unit_line": project.unit_line,
        "money_unit": project.money_unit,
        "budget": {"total": _amount(project.budget.total), "fiscal": _amount(project.budget.fiscal),
                   "other": _amount(project.budget.other)},
        "use_of_funds": project.use_of_funds,
        "spending_plan": [{"period": s.period, "share": _json_number(s.share)} for s in project.spending_plan],
        "target": project.target,
        "indicators": [{"level1": i.level1, "level2": i.level2, "level3": i.level3,
                        "description": i.description, "value": i.value, "basis": i.basis}
                       for i in project.indicators],
    }
    if parts is None:
        return record
    return {key: value for key, value in record.items() if key in ("code", "name", *parts)}


def to_json(value: dict) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ---------------------------------------------------------------- files

@dataclass(frozen=True)
class ProjectTable:
    """A table of the project page that can be downloaded."""

    slug: str  # in the file name
    title: str  # as the page's heading
    json_parts: tuple[str, ...]  # keys of the project record in its JSON
    table: Callable[[Iterable[UnitDocument]], Table]


PROJECT_TABLES = (
    ProjectTable("budget", "预算规模及资金用途", ("unit_line", "money_unit", "budget", "use_of_funds", "target"),
                 projects_table),
    ProjectTable("spending-plan", "资金支出计划", ("spending_plan",), spending_plan_table),
    ProjectTable("indicators", "绩效指标", ("indicators",), indicators_table),
)


def year_csv_path(year: int, spec: TableSpec) -> str:
    return f"{DOWNLOADS}/{year}-{spec.name}.csv"


def year_data_path(year: int, extension: str) -> str:
    return f"{DOWNLOADS}/{year}.{extension}"


def owner_of(path: str) -> str | None:
    """The code of the unit whose files hold ``path``; None for the year's (or region's) own files."""
    parts = path.split("/")
    return "/".join(parts[1:-1]) if len(parts) >= 3 and parts[0] == DOWNLOADS else None


def unit_data_path(unit: UnitDocument, extension: str) -> str:
    return f"{DOWNLOADS}/{unit.code}/{unit.code}.{extension}"


def unit_workbook_path(unit: UnitDocument) -> str:
    """The workbook a clerk corrects and sends back (``budget_site.workbook``)."""
    return f"{DOWNLOADS}/{unit.code}/{unit.code}-workbook.xlsx"


def project_table_path(unit: UnitDocument, project: Project, slug: str, extension: str) -> str:
    return f"{DOWNLOADS}/{unit.code}/{project.code}-{slug}.{extension}"


def project_workbook_path(unit: UnitDocument, project: Project) -> str:
    """One XLSX per project with its three tables as sheets (thousands of
    one-sheet workbooks would cost a large county minutes of build time)."""
    return f"{DOWNLOADS}/{unit.code}/{project.code}.xlsx"


def schema_path(name: str) -> str:
    return f"{DOWNLOADS}/{name}"


@dataclass(frozen=True)
class Link:
    label: str  # "CSV"
    path: str  # relative to the year's root


@dataclass(frozen=True)
class DownloadRow:
    """One line of a download table: what it is, and its files."""

    title: str
    links: tuple[Link, ...]
    note: str = ""


def project_downloads(unit: UnitDocument, project: Project) -> tuple[DownloadRow, ...]:
    """Each table of the project page as CSV and JSON, then the project's workbook."""
    rows = [DownloadRow(t.title, tuple(Link(ext.upper(), project_table_path(unit, project, t.slug, ext))
                                       for ext in ("csv", "json")))
            for t in PROJECT_TABLES]
    rows.append(DownloadRow("本项目全部表格", (Link("XLSX", project_workbook_path(unit, project)),),
                            "三张表各一个工作表，绩效指标按原表合并单元格"))
    return tuple(rows)


def unit_downloads(unit: UnitDocument) -> DownloadRow:
    return DownloadRow("本单位全部数据", (Link("JSON", unit_data_path(unit, "json")),),
                       "按数据格式（JSON Schema 见年度首页）")


def unit_page_downloads(unit: UnitDocument) -> tuple[DownloadRow, ...]:
    """The unit's whole data and its workbook, then each project's tables, titled with the project's name."""
    rows = [unit_downloads(unit), DownloadRow("本单位填报工作簿", (Link("XLSX", unit_workbook_path(unit)),),
                                              "封面、第一部分和每个项目的绩效目标表；可在 Excel 或 WPS 中修改后"
                                              "交财政局导入")]
    for project in unit.projects:
        rows += [replace(row, title=f"{project.name}：{row.title}") for row in project_downloads(unit, project)]
    return tuple(rows)


def year_downloads(year: int, workbook: bool = True) -> tuple[DownloadRow, ...]:
    """The year's own files; ``workbook``: with the one workbook of the whole year, which a
    province's year would not fit in (a sheet holds 1,048,576 rows), so its regions have one each."""
    formats = ("xlsx", "json") if workbook else ("json",)
    rows = [DownloadRow(f"{year}年全部数据", tuple(Link(ext.upper(), year_data_path(year, ext)) for ext in formats),
                        "XLSX 每张表一个工作表；JSON 按数据格式" if workbook else "JSON 按数据格式")]
    rows += [DownloadRow(f"{year}年{spec.title}表", (Link("CSV", year_csv_path(year, spec)),)) for spec in SPECS]
    rows.append(DownloadRow("数据包描述", (Link("JSON", DATAPACKAGE),), "Frictionless 数据包：各 CSV 表的字段和关联"))
    rows += [DownloadRow(title, (Link("JSON", schema_path(name)),), note) for name, title, note in (
        ("unit.schema.json", "数据格式（JSON Schema）", "一个单位的数据，即单位 JSON 文件的格式"),
        ("year.schema.json", "年度数据格式（JSON Schema）", "年度 JSON 文件的格式"),
    )]
    return tuple(rows)


def region_downloads(year: int, name: str) -> tuple[DownloadRow, ...]:
    """A region's own units' data, on its home (its site's year-level files)."""
    rows = [DownloadRow(f"{name}{year}年本级全部数据", tuple(Link(ext.upper(), year_data_path(year, ext))
                                                           for ext in ("xlsx", "json")),
                        "XLSX 每张表一个工作表；JSON 按数据格式")]
    rows += [DownloadRow(f"{name}{year}年本级{spec.title}表", (Link("CSV", year_csv_path(year, spec)),))
             for spec in SPECS]
    return tuple(rows)


@dataclass(frozen=True)
class YearFiles:
    """Every open data file of a year: path (relative to the year's root) -> bytes."""

    year: int
    files: dict[str, bytes] = field(default_factory=dict)


def year_files(data: YearData) -> YearFiles:
    """All downloads of a year, in a stable order."""
    out = YearFiles(data.year, year_level_files(data))
    for unit in data.units:
        out.files.update(_unit_files(unit))
    return out


def year_level_files(data: YearData) -> dict[str, bytes]:
    """The year's own files: all of its data (XLSX, JSON, a CSV per table), the
    data package and the schemas."""
    return dict(_year_level_files(data))


@lru_cache(maxsize=8)
def _year_level_files(data: YearData) -> tuple[tuple[str, bytes], ...]:
    files: dict[str, bytes] = {}
    tables = all_tables(data.units, regional=data.regions is not None)
    files[year_data_path(data.year, "xlsx")] = to_xlsx(tables, data.year, f"{data.year}年部门预算绩效文本数据")
    files[year_data_path(data.year, "json")] = to_json({"year": data.year,
                                                        "units": [unit_record(u) for u in data.units]})
    csv_files = {year_csv_path(data.year, t.spec): to_csv(t) for t in tables}
    files.update(csv_files)
    for name in SCHEMAS:
        files[schema_path(name)] = resources.files("budget_site").joinpath("schema", name).read_bytes()
    files[DATAPACKAGE] = to_json(datapackage(data, csv_files))
    return tuple(files.items())


def clear_caches() -> None:
    """Forget the files made so far (a process building region after region)."""
    _year_level_files.cache_clear()
    _unit_files.cache_clear()


def unit_files(unit: UnitDocument) -> dict[str, bytes]:
    """The unit's JSON and workbook, each project's tables as CSV and JSON, and one XLSX per project."""
    return dict(_unit_files(unit))


@lru_cache(maxsize=4096)
def _unit_files(unit: UnitDocument) -> tuple[tuple[str, bytes], ...]:
    # Cached by the unit's data: a preview rebuilds only the units that changed,
    # and openpyxl takes some 25 ms for the unit's workbook.
    files: dict[str, bytes] = {}
    files[unit_data_path(unit, "json")] = to_json(unit_record(unit))
    files[unit_workbook_path(unit)] = unit_workbook(unit)
    for project in unit.projects:
        tables = []
        for part in PROJECT_TABLES:
            table = part.table((unit,)).where(lambda row, p=project: row["项目编码"] == p.code)
            tables.append(table)
            files[project_table_path(unit, project, part.slug, "csv")] = to_csv(table)
            files[project_table_path(unit, project, part.slug, "json")] = to_json({
                "year": unit.year, "unit": {"code": unit.code, "name": unit.name},
                "project": project_record(project, part.json_parts),
            })
        files[project_workbook_path(unit, project)] = to_xlsx(
            tables, unit.year, f"{unit.name} {project.name}", [part.title for part in PROJECT_TABLES])
    return tuple(files.items())


# ---------------------------------------------------------------- data package

def datapackage(data: YearData, csv_files: dict[str, bytes]) -> dict:
    """The Frictionless data package descriptor of the year's CSV tables
    (paths relative to the descriptor, which sits next to them)."""
    resources_ = []
    for spec in year_specs(data):
        path = year_csv_path(data.year, spec)
        content = csv_files[path]
        schema: dict = {
            "fields": [{"name": c.name, "type": c.type, "description": c.description} for c in spec.columns],
            "primaryKey": list(spec.primary_key),
        }
        if spec.foreign_key:
            fields, resource = spec.foreign_key
            schema["foreignKeys"] = [{"fields": list(fields),
                                      "reference": {"resource": resource, "fields": list(fields)}}]
        resources_.append({
            "name": spec.name,
            "profile": "tabular-data-resource",
            "title": spec.title,
            "path": posixpath.relpath(path, posixpath.dirname(DATAPACKAGE)),
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8-sig",
            "bytes": len(content),
            "hash": hashlib.md5(content).hexdigest(),  # noqa: S324 - the checksum Table Schema v1 expects
            "dialect": {"delimiter": ",", "header": True},
            "schema": schema,
        })
    return {
        "name": f"budget-performance-{data.year}",
        "title": f"{data.year}年部门预算绩效文本",
        "description": (f"{data.year}年各预算单位部门预算绩效文本中的表格：单位、预算项目、资金支出计划和绩效指标。"
                        "金额单位见“金额单位”字段（一般为万元）。文字以 =、@ 或后面不是数字的 +、- 开头时，"
                        "为防止电子表格把它当作公式，CSV 中在前面加了一个英文单引号 '。"),
        "profile": "tabular-data-package",
        "resources": resources_,
    }
