"""The workbook clerks fill in or correct (``budget-site template``) and its import back.

Fixtures in ``tests/fixtures/workbooks/`` (``make_workbooks.py``): the template
of the reference unit and three synthetic units, a clerk's edits, formulas,
each also as LibreOffice Calc saved it. Each must import to its data field by
field; every problem names its sheet and cell and nothing is written.
"""

from __future__ import annotations

import io
import resource
import subprocess
import sys
import time
import zipfile
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from budget_site.cli import main
from budget_site.importer import import_document
from budget_site.importer.batch import collect, import_all
from budget_site.loading import build_unit, load_unit
from budget_site.model import Disclosure, Indicator, UnplacedLine
from budget_site.problems import DataError
from budget_site.workbook import blank_workbook, read_workbook, unit_workbook

from conftest import ROOT
from utils import assert_same, load_expected, write_zip_bomb

CLI = Path(sys.executable).with_name("budget-site")
WORKBOOKS = ROOT / "tests" / "fixtures" / "workbooks"
REFERENCE_DATA = ROOT / "data" / "2023" / "230001.yaml"
UNITS = ["2023-230001", "2024-300002", "2024-300010", "2024-300007"]


def expected(name: str):
    if name == "2023-230001":
        unit, problems = load_unit(REFERENCE_DATA, 2023)
        assert unit is not None, problems
        return replace(unit, source=None)
    return load_expected(WORKBOOKS / f"{name}.expected.yaml")


def imported(path: Path):
    return build_unit(read_workbook(path).data)


def workbook_with(tmp_path: Path, edit, name: str = "edited.xlsx", unit=None) -> Path:
    """The reference's workbook after ``edit(book)``, saved as ``name``."""
    book = load_workbook(io.BytesIO(unit_workbook(unit or expected("2023-230001"))))
    edit(book)
    path = tmp_path / name
    book.save(path)
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(DataError) as error:
        read_workbook(path)
    return [problem.message for problem in error.value.problems]


# --------------------------------------------------------------------------- round trips


def test_the_fixtures_cover_the_units_asked_for():
    counts = {name: len(expected(name).projects) for name in UNITS}
    assert counts["2024-300002"] == 6 and len(set(counts.values())) >= 3
    assert expected("2024-300010").disclosure.items(), "one unit carries the disclosure metadata"


@pytest.mark.parametrize("name", UNITS)
@pytest.mark.parametrize("saved_by", ["template", "calc"])
def test_a_workbook_nobody_changed_imports_to_the_same_data(name, saved_by):
    suffix = ".calc.xlsx" if saved_by == "calc" else ".xlsx"
    unit = read_workbook(WORKBOOKS / f"{name}{suffix}")
    assert unit.warnings == []
    assert_same(build_unit(unit.data), expected(name))


@pytest.mark.parametrize("name", UNITS)
def test_the_template_of_today_still_round_trips(name, tmp_path):
    """The committed fixtures were made by an earlier run: today's template must round-trip too."""
    path = tmp_path / "unit.xlsx"
    path.write_bytes(unit_workbook(expected(name)))
    assert_same(imported(path), expected(name))


def test_import_writes_the_unit_file_that_check_accepts(tmp_path):
    data = tmp_path / "data"
    assert main(["import", str(WORKBOOKS / "2024-300002.calc.xlsx"), "--data", str(data)]) == 0
    written = data / "2024" / "300002.yaml"
    unit, problems = load_unit(written, 2024)
    assert problems == [] and unit is not None
    assert_same(replace(unit, source=None), expected("2024-300002"))
    assert "工作簿" in written.read_text("utf-8").splitlines()[1]
    assert main(["check", "--data", str(data)]) == 0


def test_a_folder_of_workbooks_and_documents_goes_through_the_same_batch(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in ("2024-300007.xlsx", "2024-300010.calc.xlsx"):
        (folder / name).write_bytes((WORKBOOKS / name).read_bytes())
    (folder / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    (folder / "~$2024-300007.xlsx").write_bytes(b"lock file of Excel")
    documents, missing = collect([folder])
    assert [p.name for p in documents] == ["2024-300007.xlsx", "2024-300010.calc.xlsx", "old.xls"] and not missing
    outcomes = import_all(documents, tmp_path / "data")
    assert [o.refused for o in outcomes] == [False, False, True]
    assert "另存为" in outcomes[2].problems[0].message
    assert sorted(p.name for p in (tmp_path / "data" / "2024").iterdir()) == ["300007.yaml", "300010.yaml"]


# --------------------------------------------------------------------------- what people do to a workbook


def _reference_after_edits():
    """What ``edited.xlsx`` must give: the reference with the dates, the inserted rows and the moved sheet."""
    unit = expected("2023-230001")
    first, second = unit.projects
    first = replace(first, indicators=(first.indicators[0],
                                       Indicator("产出指标", "数量指标", "来信办理及时率", "来信按时办理的比例", "≥95%",
                                                 "工作要求"),
                                       *first.indicators[1:]))
    second = replace(second, indicators=(*second.indicators,
                                         Indicator("满意度指标", "服务对象满意度指标", "安保人员到岗率",
                                                   "安保人员按时到岗", "100%", "合同约定")))
    return replace(unit, disclosure=Disclosure(written_date="2023-03-01", published_date="2023-03-05"),
                   projects=(second, first))


@pytest.mark.parametrize("suffix", [".xlsx", ".calc.xlsx"])
def test_a_clerks_edits_import_as_meant(suffix):
    """Full-width digits, a date cell, dates as Chinese text, an empty row and column, 45 for 45.00,
    "30%" as text and as a percent cell, indicator rows inserted with blank and merged level cells,
    a sheet renamed and moved, a notes sheet."""
    unit = read_workbook(WORKBOOKS / f"edited{suffix}")
    assert_same(build_unit(unit.data), _reference_after_edits())
    assert [w.message for w in unit.warnings] == ["备注：这个工作表不是封面或项目表，其中的内容没有导入"]


def test_formulas_take_the_saved_value_and_are_named():
    unit = read_workbook(WORKBOOKS / "formula.calc.xlsx")
    assert_same(build_unit(unit.data), expected("2023-230001"))
    assert len(unit.warnings) == 1 and "项目1!C4、项目1!B7" in unit.warnings[0].message
    assert "不计算公式" in unit.notes[0]


def test_a_formula_without_a_saved_value_is_an_error_naming_the_cell(tmp_path):
    messages = problems_of(WORKBOOKS / "formula.xlsx")
    what_to_do = "没有保存计算结果（导入不计算公式）；请在 Excel 或 WPS 中打开并保存，或把公式换成数值"
    assert messages == [f'项目1!C4：公式 =E4+IF(G4="",0,G4) {what_to_do}', f"项目1!B7：公式 =100-C7-D7-E7 {what_to_do}"]
    data = tmp_path / "data"
    assert main(["import", str(WORKBOOKS / "formula.xlsx"), "--data", str(data)]) == 1
    assert not data.exists()


def _set(sheet: str, cell: str, value, number_format: str | None = None):
    def edit(book):
        book[sheet][cell] = value
        if number_format:
            book[sheet][cell].number_format = number_format
    return edit


@pytest.mark.parametrize(("edit", "message"), [
    (_set("项目2", "E14", None), "项目2!E14：指标值为空"),
    (_set("项目1", "C4", "四十五"), "项目1!C4：“四十五”不是数字，金额应为数字"),
    (_set("项目1", "C4", 45.005), "项目1!C4：金额 45.005 超过两位小数"),
    (_set("项目1", "E4", 45, "yyyy-mm-dd"), "项目1!E4：是日期格式的单元格（显示为 1900-02-14），金额应为数字；"
                                            "请把单元格格式改为“数值”后重新填写"),
    (_set("项目1", "B7", "130%"), "项目1!B7：支出比例 130 不在 0 到 100 之间"),
    (_set("项目1", "B6", None), "项目1!B7：这个支出比例上方没有时间节点（如“3月底”）"),
    (_set("项目1", "A10", None), "项目1!A10：一级指标为空"),
    (_set("项目1", "B3", "13063722P/0043"), "项目1!B3：项目编码“13063722P/0043”只能由数字、字母、“-”和“_”"
                                            "组成（用作网址）"),
    (_set("项目1", "H12", "备注：待核"), "项目1!H12：“备注：待核”在表格右侧，不属于任何一列，无法导入；"
                                       "请删除或移到正确位置"),
    (_set("封面和第一部分", "B3", "二〇二三"), "封面和第一部分!B3：“二〇二三”不是年度，应为四位数字，如 2024"),
    (_set("封面和第一部分", "B10", "三月一日"), "封面和第一部分!B10：“三月一日”不是日期，应写成 2024-01-28 这样的格式"),
    (_set("封面和第一部分", "D20", "多写的一句"), "封面和第一部分!D20：“多写的一句”在表格右侧，"
                                             "不属于任何一列，无法导入；请删除或移到正确位置"),
    (_set("项目1", "C4", "=#REF!"), "项目1!C4：公式 =#REF! 没有保存计算结果（导入不计算公式）；"
                                    "请在 Excel 或 WPS 中打开并保存，或把公式换成数值"),
])
def test_a_bad_cell_is_named_and_nothing_is_written(tmp_path, edit, message):
    path = workbook_with(tmp_path, edit)
    assert message in problems_of(path)
    data = tmp_path / "data"
    assert main(["import", str(path), "--data", str(data)]) == 1
    assert not data.exists()


def test_every_bad_cell_is_reported_at_once(tmp_path):
    def edit(book):
        book["项目1"]["C4"] = None
        book["项目2"]["F12"] = None
        book["项目2"]["C4"] = "四十五"
        book["封面和第一部分"]["B5"] = None
    messages = problems_of(workbook_with(tmp_path, edit))
    assert messages == ["封面和第一部分!B5：单位名称为空", "项目1!C4：预算数为空",
                        "项目2!C4：“四十五”不是数字，金额应为数字", "项目2!F12：指标值确定依据为空"]


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    unit = expected("2023-230001")
    project = unit.projects[0]
    hostile = ('=HYPERLINK("http://x","y")', "@SUM(A1)", "+5%", "0", "45.00", "2023-12-31")
    rows = tuple(replace(project.indicators[0], value=text) for text in hostile)
    unit = replace(unit, projects=(replace(project, indicators=rows), unit.projects[1]))
    path = tmp_path / "u.xlsx"
    path.write_bytes(unit_workbook(unit))
    book = load_workbook(path)
    assert {book["项目1"][f"E{row}"].data_type for row in range(10, 16)} == {"s"}
    assert_same(imported(path), unit)


def test_unplaced_lines_of_an_imported_document_travel_through_the_workbook(tmp_path):
    unit = replace(expected("2023-230001"), name="=博野县信访局", unplaced=(
        UnplacedLine(12, "附件：联系人 张三", "第 3 页第 12 行"), UnplacedLine(40, "（此页无正文）")))
    path = tmp_path / "u.xlsx"
    path.write_bytes(unit_workbook(unit))
    assert load_workbook(path).sheetnames[-1] == "未归类原文"
    assert_same(imported(path), unit)


# --------------------------------------------------------------------------- the template


def test_the_template_looks_like_the_goal_table_and_guards_its_labels(tmp_path):
    book = load_workbook(io.BytesIO(unit_workbook(expected("2023-230001"))))
    assert book.sheetnames == ["封面和第一部分", "项目1", "项目2"]
    sheet = book["项目1"]
    assert [sheet[f"{c}9"].value for c in "ABCDEF"] == ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值",
                                                        "指标值确定依据"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:G1", "B3:C3", "E3:G3", "A4:A5", "A6:A7", "A10:A13", "A14:A16"} <= merged
    assert sheet.protection.sheet and not sheet.protection.password and not sheet.protection.insertRows
    assert sheet["A3"].protection.locked and not sheet["B3"].protection.locked
    assert int(sheet.page_setup.paperSize) == 9 and sheet.page_setup.orientation == "portrait"
    assert sheet.print_area and sheet.column_dimensions["D"].width > sheet.column_dimensions["A"].width
    rules = {(v.type, v.formula1): str(v.sqref) for v in sheet.data_validations.dataValidation}
    assert rules[("list", '"产出指标,效益指标,满意度指标"')].startswith("A10:A")
    assert '"数量指标,质量指标,时效指标,成本指标"' in {f for t, f in rules if t == "list"}
    assert all(v.prompt for v in sheet.data_validations.dataValidation)
    assert sheet["C4"].number_format == "0.00" and sheet["C4"].value == Decimal("45.00")
    assert ("decimal", "0") in rules  # shares 0–100 and money ≥ 0


def test_budget_site_template_writes_blank_and_prefilled_workbooks(tmp_path, capsys):
    blank = tmp_path / "blank.xlsx"
    assert main(["template", str(blank), "--year", "2025", "--projects", "3"]) == 0
    book = load_workbook(blank)
    assert book.sheetnames == ["封面和第一部分", "项目1", "项目2", "项目3"]
    assert book["封面和第一部分"]["B3"].value == 2025
    assert [book["项目1"][f"{c}6"].value for c in "BCDE"] == ["3月底", "6月底", "10月底", "12月底"]
    filled = tmp_path / "230001.xlsx"
    assert main(["template", str(filled), "--unit", "230001", "--data", str(ROOT / "data")]) == 0
    assert_same(imported(filled), expected("2023-230001"))
    assert main(["template", str(filled), "--unit", "230001", "--data", str(ROOT / "data")]) == 1
    assert "已存在" in capsys.readouterr().err
    assert main(["template", str(tmp_path / "x.xlsx"), "--unit", "999999", "--data", str(ROOT / "data")]) == 1
    assert main(["template", str(tmp_path / "x.xls")]) == 2


def test_a_blank_template_filled_in_imports(tmp_path):
    path = tmp_path / "blank.xlsx"
    path.write_bytes(blank_workbook(2025, 1))
    book = load_workbook(path)
    cover = book["封面和第一部分"]
    for cell, value in {"B4": "310001", "B5": "某县档案馆", "B6": "某县档案馆", "B7": "某县财政局",
                        "A16": "负责全县档案的收集和保管。", "A20": "档案数字化", "B20": "完成数字化",
                        "C20": "数字化率≥90%", "A24": "加强管理", "B24": "完善制度。"}.items():
        cover[cell] = value
    sheet = book["项目1"]
    for cell, value in {"B2": "310001 某县档案馆本级", "B3": "P2025001", "E3": "档案数字化经费", "C4": 12,
                        "E4": 12, "C5": "档案扫描", "B7": 25, "C7": 25, "D7": 25, "E7": 25, "B8": "完成数字化",
                        "C10": "扫描页数", "D10": "全年扫描页数", "E10": "≥10万页", "F10": "年度计划"}.items():
        sheet[cell] = value
    book.save(path)
    unit = read_workbook(path)
    project = build_unit(unit.data).projects[0]
    assert project.budget.other is None and project.indicators == (
        Indicator("产出指标", "数量指标", "扫描页数", "全年扫描页数", "≥10万页", "年度计划"),)
    assert unit.warnings == []  # the eight pre-labelled rows left as they were are no mistake


@pytest.mark.parametrize("suffix", [".xlsx", ".calc.xlsx"])
def test_the_templates_own_labelled_rows_left_empty_are_silent(suffix):
    unit = read_workbook(WORKBOOKS / f"blank-filled{suffix}")
    assert unit.warnings == []
    assert [i.level3 for i in build_unit(unit.data).projects[0].indicators] == ["扫描页数", "群众满意度"]


def test_a_labelled_row_with_more_written_is_still_reported(tmp_path):
    path = tmp_path / "blank.xlsx"
    book = load_workbook(WORKBOOKS / "blank-filled.calc.xlsx")
    book["项目1"]["B12"] = "完成时限"  # a 二级指标 of the clerk's own, nothing else on the row
    book["项目1"]["E15"] = "明显提升"  # a value in a labelled row, without its 三级指标
    book.save(path)
    with pytest.raises(DataError) as refused:
        read_workbook(path)
    messages = [p.message for p in refused.value.problems]
    assert any(m.startswith("项目1!") and "15" in m for m in messages), messages
    book["项目1"]["E15"] = None
    book.save(path)
    warnings = [w.message for w in read_workbook(path).warnings]
    assert len(warnings) == 1 and warnings[0].startswith("项目1!B12：这一行只有一级/二级指标"), warnings


# --------------------------------------------------------------------------- hostile workbooks


def limited(megabytes: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))
    return apply


def refused(tmp_path: Path, source: Path, reason: str) -> str:
    """Imported by the command under a 1 GB address-space limit: refused within seconds, nothing written."""
    data = tmp_path / "data"
    started = time.monotonic()
    result = subprocess.run([str(CLI), "import", str(source), "--data", str(data)], capture_output=True, text=True,
                            timeout=120, preexec_fn=limited(1024))
    assert time.monotonic() - started < 20
    assert result.returncode == 1 and not data.exists(), result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert result.stderr.startswith(f"{source}: 错误: ") and reason in result.stderr, result.stderr
    return result.stderr


@pytest.mark.parametrize(("name", "made", "reason"), [
    ("macros.xlsm", "2024-300007.xlsx", "含宏的工作簿（.xlsm）"),
    ("old.xls", "2024-300007.xls", "Excel 97-2003"),
    ("wps.et", "2024-300007.xls", "WPS 表格格式"),
    ("old.xlsx", "2024-300007.xls", "扩展名是“.xlsx”，但内容是旧版 Excel（.xls）二进制文件：这是旧版 Excel 97-2003"),
    ("old.pdf", "2024-300007.xls", "扩展名是“.pdf”，但内容是旧版 Excel（.xls）二进制文件"),
])
def test_macro_and_old_formats_are_refused_with_what_to_do(tmp_path, name, made, reason):
    """``2024-300007.xls``: ``2024-300007.xlsx`` saved as .xls by LibreOffice Calc
    (``soffice --headless --convert-to xls``), a real Excel 97-2003 file."""
    source = tmp_path / name
    source.write_bytes((WORKBOOKS / made).read_bytes())
    assert "另存为”Excel 工作簿（.xlsx）" in refused(tmp_path, source, reason)


@pytest.mark.parametrize("name", ["unit.xls", "unit.et", "unit.pdf", "unit.docx"])
def test_a_workbook_under_another_name_imports_as_the_workbook_it_is(tmp_path, name):
    source = tmp_path / name
    source.write_bytes((WORKBOOKS / "2024-300007.calc.xlsx").read_bytes())
    result = subprocess.run([str(CLI), "import", str(source), "--data", str(tmp_path / "data")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout == f"{tmp_path / 'data' / '2024' / '300007.yaml'}\n", result.stderr
    assert (f"{source}: 说明: 文件扩展名是“{source.suffix}”，但内容是Excel 工作簿（.xlsx），"
            f"已按Excel 工作簿（.xlsx）导入；请把文件改名为“unit.xlsx”") in result.stderr
    assert_same(replace(load_unit(tmp_path / "data" / "2024" / "300007.yaml", 2024)[0], source=None),
                expected("2024-300007"))


def _rezip(source: Path, target: Path, extra: dict[str, bytes], replace_parts: dict[str, bytes] | None = None) -> None:
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for entry in original.infolist():
            copy.writestr(entry.filename, (replace_parts or {}).get(entry.filename, original.read(entry)))
        for name, content in extra.items():
            copy.writestr(name, content)


@pytest.mark.parametrize(("case", "reason"), [
    ("macros inside", "工作簿含有宏"),
    ("encrypted", "设置了打开密码"),
    ("truncated", "已损坏或不完整"),
    ("not a workbook", "扩展名是“.xlsx”，但内容是Word 文档（.docx）：Word 文件已损坏"),
    ("entities", "XML 实体声明"),
])
def test_broken_and_hostile_workbooks_are_refused(tmp_path, case, reason):
    good = WORKBOOKS / "2024-300007.xlsx"
    source = tmp_path / "unit.xlsx"
    if case == "macros inside":
        _rezip(good, source, {"xl/vbaProject.bin": b"\x00" * 100})
    elif case == "encrypted":
        source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000))
    elif case == "truncated":
        source.write_bytes(good.read_bytes()[:5000])
    elif case == "not a workbook":
        with zipfile.ZipFile(source, "w") as archive:
            archive.writestr("word/document.xml", "<document/>")
    else:
        laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                  b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                  b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>')
        _rezip(good, source, {}, {"xl/worksheets/sheet1.xml": laughs})
    refused(tmp_path, source, reason)


def test_external_links_are_refused_naming_the_file(tmp_path):
    source = tmp_path / "linked.xlsx"
    rels = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/externalLinkPath" Target="file:///C:/%E6%B1%87%E6%80%BB.xlsx" '
            b'TargetMode="External"/></Relationships>')
    link = (b'<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships" r:id="rId1"/></externalLink>')
    _rezip(WORKBOOKS / "2024-300007.xlsx", source, {"xl/externalLinks/externalLink1.xml": link,
                                                    "xl/externalLinks/_rels/externalLink1.xml.rels": rels})
    message = refused(tmp_path, source, "工作簿链接了其他文件（file:///C:/%E6%B1%87%E6%80%BB.xlsx）")
    assert "断开链接" in message


def test_a_zip_bomb_is_refused_without_inflating_it(tmp_path):
    source = tmp_path / "bomb.xlsx"
    write_zip_bomb(WORKBOOKS / "2024-300007.xlsx", source, "xl/media/padding.bin")
    assert source.stat().st_size < 2 << 20
    refused(tmp_path, source, "解压后过大")


@pytest.mark.parametrize("kind", ["rows", "columns"])
def test_a_sheet_of_a_million_rows_or_endless_columns_is_refused_quickly(tmp_path, kind):
    """A sheet that stays under the size limit packed and unpacked: the reader stops at its row or column limit."""
    source = tmp_path / "huge.xlsx"
    if kind == "rows":  # a million empty rows, then one cell: some 30 MB of XML
        body = b"".join(b'<row r="%d"/>' % r for r in range(1, 1_000_000)) + \
            b'<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>x</t></is></c></row>'
        dimension = b"A1:A1000000"
    else:  # one row of 16 000 cells, declared as A1:A1
        body = b'<row r="1">' + b"".join(b'<c r="%s1"><v>1</v></c>' % _column(c).encode()
                                         for c in range(1, 16_001)) + b"</row>"
        dimension = b"A1:A1"
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main"><dimension ref="' + dimension + b'"/><sheetData>' + body +
             b"</sheetData></worksheet>")
    _rezip(WORKBOOKS / "2024-300007.xlsx", source, {}, {"xl/worksheets/sheet2.xml": sheet})
    refused(tmp_path, source, "超过 5000 行" if kind == "rows" else "超过 60 列")


def _column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def test_a_workbook_is_read_by_extension_through_the_importer():
    assert import_document(WORKBOOKS / "2024-300007.calc.xlsx").kind == "工作簿"


def test_a_date_cell_in_a_text_field_is_kept_as_the_date_and_named(tmp_path):
    path = workbook_with(tmp_path, _set("项目1", "E12", datetime(2023, 12, 31), "yyyy\"年\"m\"月\"d\"日\""))
    unit = read_workbook(path)
    assert build_unit(unit.data).projects[0].indicators[2].value == "2023-12-31"
    assert [w.message.split("：")[0] for w in unit.warnings] == ["项目1!E12"]
    assert "日期格式的单元格" in unit.warnings[0].message
