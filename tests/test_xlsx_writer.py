"""The open-data workbooks written as text come out byte for byte as openpyxl made them."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from xlsx_reference import to_xlsx as openpyxl_xlsx

from budget_site import opendata
from budget_site.loading import load_units
from budget_site.opendata import Column, Table, TableSpec, to_xlsx

ROOT = Path(__file__).resolve().parent.parent

# What a unit file can hold (YAML's printable characters) and the control characters it cannot.
CHARACTERS = st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\ufffe\uffff")
TRICKY = ["", " ", "#N/A", "#DIV/0!", "=SUM(A1:A2)", "=", "+1", "-", "@x", " 前后有空格 ", "\u3000全角空格",
          "第一行\r\n第二行", "a\tb", "&<>\"'", "😀𠀀𪚥", "控制\x01字符\x1f", "]]>", "x" * 40000]
TEXT = st.one_of(st.sampled_from(TRICKY), st.text(CHARACTERS, max_size=40))
AMOUNT = st.one_of(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False),
                   st.decimals(min_value=0, max_value=10**20, places=6, allow_nan=False))
COUNT = st.integers(-10**18, 10**18)
COLUMNS = [
    Column("年度", "integer", "", "count"),
    Column("编码", "string", ""),
    Column("名称", "string", ""),
    Column("预算数", "number", "", "money"),
    Column("比例", "number", "", "share"),
    Column("个数", "integer", "", "count"),
]


def value_of(column: Column):
    if column.type == "string":
        return st.one_of(st.none(), TEXT, st.sampled_from(["同一", "同一", "另一"]))  # runs to merge
    return st.one_of(st.none(), COUNT if column.type == "integer" else AMOUNT)


@st.composite
def tables(draw) -> Table:
    columns = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=6, unique_by=lambda c: c.name))
    strings = [c.name for c in columns if c.type == "string"]
    merges = ()
    if strings and draw(st.booleans()):
        merged = draw(st.sampled_from(strings))
        merges = ((merged, (merged,)),)
    spec = TableSpec("t", draw(st.sampled_from(["绩效指标", "资金支出计划", "表"])), tuple(columns), (), merges=merges)
    rows = draw(st.lists(st.tuples(*(value_of(c) for c in columns)), max_size=12))
    return Table(spec, tuple(rows))


@given(st.lists(tables(), min_size=1, max_size=3), TEXT, st.integers(2000, 2099))
def test_generated_tables_come_out_as_openpyxl_wrote_them(tables_: list[Table], title: str, year: int) -> None:
    titles = [f"{i}{t.spec.title}" for i, t in enumerate(tables_)]  # sheet names are unique
    assert to_xlsx(tables_, year, title, titles) == openpyxl_xlsx(tables_, year, title, titles)


def test_the_reference_documents_workbooks_come_out_as_openpyxl_wrote_them() -> None:
    data = load_units(sorted((ROOT / "data" / "2023").glob("*.yaml")), 2023, None)[0].without_positions()
    tables_ = opendata.all_tables(data.units, regional=False)
    made = [(tables_, "2023年部门预算绩效文本数据", None)]
    for unit in data.units:
        for project in unit.projects:
            parts = [part.table((unit,)).where(lambda row, p=project: row["项目编码"] == p.code)
                     for part in opendata.PROJECT_TABLES]
            made.append((parts, f"{unit.name} {project.name}", [part.title for part in opendata.PROJECT_TABLES]))
    assert len(made) >= 3
    for parts, title, titles in made:
        assert to_xlsx(parts, 2023, title, titles) == openpyxl_xlsx(parts, 2023, title, titles), title


def test_a_workbook_reads_back_in_openpyxl_with_its_values_merges_and_filter() -> None:
    spec = TableSpec("t", "绩效指标", (COLUMNS[2], COLUMNS[3], COLUMNS[1]), (), merges=(("名称", ("名称",)),))
    rows = (("产出指标", Decimal("1.50"), "=1+1"), ("产出指标", Decimal("2"), "#N/A"), ("效益", None, " x "))
    plain = Table(TableSpec("p", "单位", (COLUMNS[0], COLUMNS[2]), ()), ((2023, "信访局"),))
    book = load_workbook(io.BytesIO(to_xlsx([Table(spec, rows), plain], 2023, "标题 & <说明>")))
    indicators, units = book.worksheets
    assert [[c.value for c in row] for row in indicators.iter_rows()] == [
        ["名称", "预算数", "编码"], ["产出指标", 1.5, "=1+1"], [None, 2, "#N/A"], ["效益", None, " x "]]
    assert indicators["C2"].data_type == "s"  # text, not a formula
    assert [str(r) for r in indicators.merged_cells.ranges] == ["A2:A3"]
    assert indicators.freeze_panes == "A2" and units.auto_filter.ref == "A1:B2"
    assert book.properties.title == "标题 & <说明>"
    assert indicators["B2"].number_format == "0.00" and indicators["A1"].font.b


@pytest.mark.parametrize("sheets", [1, 2, 5])
def test_the_package_parts_are_in_openpyxls_order(sheets: int) -> None:
    tables_ = [Table(TableSpec("t", "表", (COLUMNS[1],), ()), (("a",),))] * sheets
    titles = [f"表{i}" for i in range(sheets)]
    names = zipfile.ZipFile(io.BytesIO(to_xlsx(tables_, 2023, "t", titles))).namelist()
    assert names == ["docProps/app.xml", "docProps/core.xml", "xl/theme/theme1.xml",
                     *(f"xl/worksheets/sheet{n}.xml" for n in range(1, sheets + 1)), "xl/styles.xml",
                     "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"]
