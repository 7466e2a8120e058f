"""Open data: CSV (UTF-8 with BOM), XLSX and JSON of every table, the data
package descriptor (validated with frictionless) and the published schemas."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import replace
from decimal import Decimal
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from referencing import Registry, Resource

from budget_site import opendata
from budget_site.formatting import filesize
from budget_site.loading import build_unit, load_data
from budget_site.pages import indicator_rows, plan_year

from conftest import ROOT, page_path

UNIT = "230001"
PROJECT = "13063722P004351100152"


@pytest.fixture(scope="module")
def year():
    return load_data(ROOT / "data")[2023]


@pytest.fixture(scope="module")
def files(year) -> dict[str, bytes]:
    return opendata.year_files(year).files


def schema(name: str) -> dict:
    return json.loads(resources.files("budget_site").joinpath("schema", name).read_text("utf-8"))


def read_csv(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, for Excel and WPS"
    assert b"\r\n" in content
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def test_every_table_of_the_year_the_unit_and_each_project_is_offered(year, files):
    unit = year.units[0]
    expected = {"downloads/2023.xlsx", "downloads/2023.json", "downloads/datapackage.json",
                "downloads/unit.schema.json", "downloads/year.schema.json",
                *(f"downloads/2023-{name}.csv" for name in ("units", "projects", "spending-plan", "indicators")),
                f"downloads/{UNIT}/{UNIT}.json", f"downloads/{UNIT}/{UNIT}-workbook.xlsx"}
    for project in unit.projects:
        expected.add(f"downloads/{UNIT}/{project.code}.xlsx")  # the project's three tables, one sheet each
        for table in ("budget", "spending-plan", "indicators"):
            expected |= {f"downloads/{UNIT}/{project.code}-{table}.{ext}" for ext in ("csv", "json")}
    assert set(files) == expected


def test_csv_has_bom_a_header_and_the_figures_as_printed(year, files):
    units = read_csv(files["downloads/2023-units.csv"])
    assert units == [{"年度": "2023", "单位编码": UNIT, "单位名称": "博野县信访局", "项目数": "2",
                      "预算数": "56.04", "财政资金": "56.04", "其他资金": ""}]
    budget = read_csv(files[f"downloads/{UNIT}/{PROJECT}-budget.csv"])
    columns = ("项目编码", "项目名称", "预算数", "财政资金", "其他资金", "资金用途")
    assert [tuple(r[c] for c in columns) for r in budget] == [
        (PROJECT, "常年驻京值班工作队值班费", "45.00", "45.00", "", "常年驻京值班经费")]
    plan = read_csv(files[f"downloads/{UNIT}/{PROJECT}-spending-plan.csv"])
    assert [(r["时间节点"], r["支出比例"]) for r in plan] == [("3月底", "30"), ("6月底", "30"), ("10月底", "30"),
                                                           ("12月底", "10")]
    indicators = read_csv(files[f"downloads/{UNIT}/{PROJECT}-indicators.csv"])
    project = year.units[0].projects[0]
    assert [(r["一级指标"], r["二级指标"], r["三级指标"], r["绩效指标描述"], r["指标值"], r["指标值确定依据"])
            for r in indicators] == [(i.level1, i.level2, i.level3, i.description, i.value, i.basis)
                                     for i in project.indicators]
    assert [r["序号"] for r in indicators] == [str(n) for n in range(1, len(project.indicators) + 1)]
    # The year's table holds every project's rows.
    everything = read_csv(files["downloads/2023-indicators.csv"])
    assert len(everything) == sum(len(p.indicators) for p in year.units[0].projects)


def test_xlsx_has_a_header_row_widths_merged_levels_and_numbers(year, files):
    project = year.units[0].projects[0]
    book = load_workbook(io.BytesIO(files[f"downloads/{UNIT}/{PROJECT}.xlsx"]))
    assert book.sheetnames == ["预算规模及资金用途", "资金支出计划", "绩效指标"]
    sheet = book["绩效指标"]
    header = [c.value for c in sheet[1]]
    assert header == [c.name for c in opendata.INDICATORS.columns]
    assert all(c.font.bold for c in sheet[1]) and sheet.freeze_panes == "A2"
    # Merged like the page: the rowspans of the level-1 and level-2 cells.
    merged = {(r.min_col, r.min_row): r.max_row - r.min_row + 1 for r in sheet.merged_cells.ranges}
    level1, level2 = header.index("一级指标") + 1, header.index("二级指标") + 1
    expected = {}
    for row, spans in enumerate(indicator_rows(project.indicators), start=2):
        for column, span in ((level1, spans.level1_span), (level2, spans.level2_span)):
            if span > 1:
                expected[(column, row)] = span
    assert merged == expected
    assert merged[(level1, 2)] == 4  # 产出指标 over four rows, as on the official table
    assert sheet.cell(row=2, column=level1).value == "产出指标"
    # Readable widths: every column at least as wide as its header (CJK counts 2), long text capped and wrapped.
    for index, name in enumerate(header, start=1):
        width = sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width
        assert len(name) * 2 <= width <= 62
    budget = book["预算规模及资金用途"]
    row = dict(zip([c.value for c in budget[1]], [c.value for c in budget[2]], strict=True))
    assert row["预算数"] == 45 and isinstance(row["预算数"], int | float) and row["其他资金"] is None
    assert budget["H2"].number_format == "0.00"
    whole = load_workbook(io.BytesIO(files["downloads/2023.xlsx"]))
    assert whole.sheetnames == ["单位", "预算项目", "资金支出计划", "绩效指标"]
    assert whole["预算项目"].max_row == 1 + len(year.units[0].projects)


def test_xlsx_and_every_file_are_reproducible(year, files):
    again = opendata.year_files(year).files
    assert again == files
    content = files["downloads/2023.xlsx"]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "2023-01-01T00:00:00Z" in core
    book = load_workbook(io.BytesIO(content))
    assert book.properties.created.year == 2023 and book.properties.modified.year == 2023


def test_unit_json_is_the_published_data_format_and_loads_back(year, files):
    unit = year.units[0]
    record = json.loads(files[f"downloads/{UNIT}/{UNIT}.json"])
    jsonschema.validate(record, schema("unit.schema.json"))
    assert json.loads(files["downloads/unit.schema.json"]) == schema("unit.schema.json")
    back = build_unit(record)
    assert back == replace(unit, source=None)


def test_year_json_validates_against_the_year_schema(year, files):
    record = json.loads(files["downloads/2023.json"])
    registry = Registry().with_resources(
        (name, Resource.from_contents(schema(name))) for name in ("unit.schema.json", "year.schema.json"))
    validator = jsonschema.Draft202012Validator(schema("year.schema.json"), registry=registry)
    validator.validate(record)
    assert [u["unit"]["code"] for u in record["units"]] == [UNIT]
    bad = {"year": 2023, "units": [{"year": 2023}]}
    assert not validator.is_valid(bad)


def test_project_json_files_are_parts_of_the_data_format(year, files):
    project_schema = schema("unit.schema.json")["$defs"]["project"]
    resolver_root = schema("unit.schema.json")
    for table, keys in (("budget", {"budget", "use_of_funds"}), ("spending-plan", {"spending_plan"}),
                        ("indicators", {"indicators"})):
        record = json.loads(files[f"downloads/{UNIT}/{PROJECT}-{table}.json"])
        assert record["year"] == 2023 and record["unit"] == {"code": UNIT, "name": "博野县信访局"}
        part = record["project"]
        assert keys <= set(part) and part["code"] == PROJECT
        partial = {**project_schema, "required": ["code", "name"], "$defs": resolver_root["$defs"]}
        jsonschema.validate(part, partial)
    plan = json.loads(files[f"downloads/{UNIT}/{PROJECT}-spending-plan.json"])["project"]["spending_plan"]
    assert plan[0] == {"period": "3月底", "share": 30}


def test_datapackage_is_valid_frictionless(files, tmp_path):
    from frictionless import Package, validate

    for path, content in files.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    descriptor = tmp_path / "downloads" / "datapackage.json"
    report = validate(str(descriptor))
    assert report.valid, report.flatten(["type", "note"])
    package = Package(str(descriptor))
    assert [r.name for r in package.resources] == ["units", "projects", "spending-plan", "indicators"]
    rows = package.get_resource("projects").read_rows()
    assert rows[0]["预算数"] == Decimal("45.00") and rows[0]["单位编码"] == UNIT
    # Foreign keys are checked: an indicator of a project that does not exist is an error.
    indicators = tmp_path / "downloads" / "2023-indicators.csv"
    indicators.write_bytes(indicators.read_bytes().replace(PROJECT.encode(), b"NOSUCHPROJECT"))
    broken = validate(str(descriptor))
    assert not broken.valid and "foreign-key" in {e[0] for e in broken.flatten(["type"])}


def test_formula_text_is_inert_in_csv_and_xlsx(year):
    unit = year.units[0]
    project = unit.projects[0]
    hostile = ("=HYPERLINK(\"http://x\")", "@SUM(A1)", "-2+3+cmd|' /C calc'!A0", "-", "+5%", "≥98%")
    rows = tuple(replace(project.indicators[0], value=text) for text in hostile)
    unit = replace(unit, projects=(replace(project, indicators=rows),))
    files = opendata.unit_files(unit)
    values = [r["指标值"] for r in read_csv(files[f"downloads/{UNIT}/{PROJECT}-indicators.csv"])]
    assert values == ["'=HYPERLINK(\"http://x\")", "'@SUM(A1)", "'-2+3+cmd|' /C calc'!A0", "-", "+5%", "≥98%"]
    sheet = load_workbook(io.BytesIO(files[f"downloads/{UNIT}/{PROJECT}.xlsx"]))["绩效指标"]
    column = [c.value for c in sheet[1]].index("指标值") + 1
    cells = [sheet.cell(row=r, column=column) for r in range(2, 2 + len(hostile))]
    assert [c.value for c in cells] == list(hostile) and {c.data_type for c in cells} == {"s"}
    assert json.loads(files[f"downloads/{UNIT}/{PROJECT}-indicators.json"])["project"]["indicators"][0]["value"] \
        == hostile[0]


def test_the_pages_show_the_sizes_of_the_files(year):
    plan = plan_year(year)
    home = BeautifulSoup(plan.page("index.md").html, "html.parser")
    links = {a["href"]: a for a in home.select("#downloads a")}
    assert "downloads/2023-indicators.csv" in links and "downloads/datapackage.json" in links
    assert all(a.has_attr("download") for a in links.values())
    sizes = [s.get_text() for s in home.select("#downloads .budget-size")]
    files = opendata.year_files(year).files
    assert sizes == [filesize(len(files[href])) for href in links]


def _page_links(site_year: Path, page: str) -> list[str]:
    soup = BeautifulSoup((site_year / page).read_text("utf-8"), "html.parser")
    return [a["href"] for a in soup.select("article a[download]")]


def test_every_download_link_of_the_built_site_leads_to_its_file(reference_site, year):
    site_year = reference_site / "2023"
    unit = year.units[0]
    pages = {
        "index.md": {"downloads/2023.xlsx", "downloads/2023.json", "downloads/2023-indicators.csv"},
        f"{UNIT}/index.md": {f"downloads/{UNIT}/{UNIT}.json", f"downloads/{UNIT}/{UNIT}-workbook.xlsx",
                             f"downloads/{UNIT}/{PROJECT}-indicators.csv",
                             f"downloads/{UNIT}/{unit.projects[1].code}.xlsx", "downloads/2023.json"},
        f"{UNIT}/{PROJECT}.md": {f"downloads/{UNIT}/{PROJECT}.xlsx"} | {
            f"downloads/{UNIT}/{PROJECT}-{t}.{e}" for t in ("budget", "spending-plan", "indicators")
            for e in ("csv", "json")},
        f"{UNIT}/overall-goals.md": {f"downloads/{UNIT}/{UNIT}.json", "downloads/2023.xlsx"},
    }
    for src_uri, wanted in pages.items():
        page = page_path(src_uri)
        targets = set()
        for href in _page_links(site_year, page):
            target = (site_year / page).parent / href
            assert target.is_file(), (page, href)
            targets.add(target.resolve().relative_to(site_year.resolve()).as_posix())
        assert wanted <= targets, (page, wanted - targets)
    csv_bytes = (site_year / "downloads" / "2023-units.csv").read_bytes()
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    assert (site_year / "downloads" / "unit.schema.json").read_bytes() == \
        resources.files("budget_site").joinpath("schema", "unit.schema.json").read_bytes()


def test_control_characters_do_not_break_the_xlsx(year):
    unit = replace(year.units[0], name="博野县\x01信访局")
    project = unit.projects[0]
    unit = replace(unit, projects=(replace(project, name="值班\x0b费"),))
    files = opendata.unit_files(unit)
    sheet = load_workbook(io.BytesIO(files[f"downloads/{UNIT}/{PROJECT}.xlsx"]))["预算规模及资金用途"]
    row = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert row["单位名称"] == "博野县\ufffd信访局" and row["项目名称"] == "值班\ufffd费"
    assert json.loads(files[f"downloads/{UNIT}/{UNIT}.json"])["unit"]["name"] == "博野县\x01信访局"
