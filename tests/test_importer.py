"""``budget-site import``: a converted document text -> ``data/<year>/<code>.yaml``.

The reference text must give exactly ``data/2023/230001.yaml``; the documents
in ``tests/fixtures/documents/`` (other departments and years, written in the
same style) must give their ``.expected.yaml``, checked field by field.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from budget_site.importer import (
    import_document,
    join_chinese,
    parse_document,
    render_yaml,
    squeeze,
    strip_numbering,
    write_unit,
)
from budget_site.loading import build_unit, load_data, load_unit
from budget_site.model import UnitDocument
from budget_site.problems import DataError

from conftest import REFERENCE_TEXT, ROOT
from utils import assert_same, load_expected

CLI = Path(sys.executable).with_name("budget-site")
REFERENCE_DATA = ROOT / "data" / "2023" / "230001.yaml"
DOCUMENTS = ROOT / "tests" / "fixtures" / "documents"
DOCUMENT_NAMES = sorted(p.name.removesuffix(".txt") for p in DOCUMENTS.glob("*.txt"))
REFERENCE = REFERENCE_TEXT.read_text("utf-8")
BODY_TITLE_2 = REFERENCE.index("\n2.群众工作中心安保费绩效目标表\n")  # the body's title, after the contents'


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(CLI), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def imported_model(text_file: Path) -> UnitDocument:
    return build_unit(import_document(text_file).data)


def messages(imported) -> list[str]:
    return [str(w) for w in imported.warnings]


def without(text: str, start: str, end: str) -> str:
    """``text`` without the part from ``start`` up to (not including) ``end``."""
    return text[: text.index(start)] + text[text.index(end):]


# --------------------------------------------------------------------------- the reference document


def test_reference_text_gives_exactly_the_reference_data():
    imported = import_document(REFERENCE_TEXT)
    reference, problems = load_unit(REFERENCE_DATA, 2023)
    assert problems == []
    assert_same(build_unit(imported.data), replace(reference, source=None))
    assert imported.warnings == []


def test_reference_round_trip_is_byte_for_byte():
    assert render_yaml(import_document(REFERENCE_TEXT)) == REFERENCE_DATA.read_text("utf-8")


def test_reference_quirks_are_kept_and_artefacts_removed():
    data = import_document(REFERENCE_TEXT).data
    first, second = data["projects"]
    assert first["code"] == "13063722P004351100152" and second["code"] == "13063722P00435110016M"
    assert first["target"] == "1.目标内容 1" and first["indicators"][1]["value"] == "%"
    assert [s["period"] for s in second["spending_plan"]] == ["3月底", "6月底", "10月底", "12月底"]
    assert second["indicators"][0]["value"] == "8 小时"
    assert second["indicators"][1]["level3"] == "经费支出准确率"
    assert second["indicators"][2]["level3"] == "按时间进度要求支付"
    assert data["itemised_goals"][1]["indicator"] == "群众来访劝返率大于 95%。"
    assert data["itemised_goals"][2]["title"] == "按时足额发放工资、补贴。"
    assert first["budget"]["other"] is None and str(first["budget"]["total"]) == "45.00"
    assert [s["share"] for s in first["spending_plan"]] == [30, 30, 30, 10]


# --------------------------------------------------------------------------- other documents


@pytest.mark.parametrize("name", DOCUMENT_NAMES)
def test_document_gives_its_expected_data_field_by_field(name):
    expected = load_expected(DOCUMENTS / f"{name}.expected.yaml")
    assert_same(imported_model(DOCUMENTS / f"{name}.txt"), expected)


EXPECTED_WARNINGS = {
    "2022-lixian-jiaoyuju": [(24, "目录中的项目“2.学前教育发展资金绩效目标表”在正文中没有找到")],
    "2023-tangxian-huanjingju": [(5, "封面上的这一行未能归入任何字段，已原样保留在 unplaced 中：二〇二三年一月")],
    "2024-anxin-linyeju": [],
    "2025-gaoyang-danganguan": [
        (43, "像是页码"), (91, "项目表中间的这一行未能归入任何字段"), (193, "注：本表金额单位为万元。"),
    ],
}


@pytest.mark.parametrize("name", DOCUMENT_NAMES)
def test_document_warnings_name_their_lines(name):
    imported = import_document(DOCUMENTS / f"{name}.txt")
    found = [(w.line, w.message) for w in imported.warnings]
    assert [line for line, _ in found] == [line for line, _ in EXPECTED_WARNINGS[name]]
    for (_, message), (_, expected) in zip(found, EXPECTED_WARNINGS[name], strict=True):
        assert expected in message
    assert all(w.severity == "warning" for w in imported.warnings)


def test_fixture_documents_cover_the_required_variety():
    models = {name: load_expected(DOCUMENTS / f"{name}.expected.yaml") for name in DOCUMENT_NAMES}
    assert len(models) >= 4 and len({m.code for m in models.values()}) == len(models)
    assert {len(m.projects) for m in models.values()} >= {1, 6}
    projects = [p for m in models.values() for p in m.projects]
    assert any(i.level2 == "生态效益指标" for p in projects for i in p.indicators)
    assert any(p.budget.other for p in projects) and any(p.budget.other is None for p in projects)
    text = "\n".join((DOCUMENTS / f"{name}.txt").read_text("utf-8") for name in DOCUMENT_NAMES)
    assert "| 产出指标 | 数量指标 |" in text and "\n| 产出指标 | 质量指标 |" in text  # levels repeated on every row
    assert "≥12 万页" in text and "≤2.4 元" in text


def test_blank_and_repeated_level_cells_give_the_same_rows():
    text = REFERENCE
    repeated = text.replace("| | 质量指标 | 经费", "| 产出指标 | 质量指标 | 经费").replace(
        "| | 社会效益指 标 |", "| 效益指标 | 社会效益指 标 |")
    assert repeated != text
    assert parse_document(repeated, REFERENCE_TEXT).data == import_document(REFERENCE_TEXT).data


@pytest.mark.parametrize(("variant", "text"), [
    ("windows line ends", REFERENCE.replace("\n", "\r\n")),
    ("byte order mark", "\ufeff" + REFERENCE),
    ("no table of contents", without(REFERENCE, "目 录", "第一部分\n\n部门整体")),
    ("part headings on one line", REFERENCE.replace("第一部分\n\n部门整体绩效目标\n", "第一部分 部门整体绩效目标\n")),
    ("no part headings", REFERENCE.replace("第一部分\n\n部门整体绩效目标\n", "").replace(
        "第二部分\n\n预算项目绩效目标\n", "")),
    ("name and year on one line", REFERENCE.replace("博野县信访局\n\n2023 年", "博野县信访局2023 年")),
])
def test_layout_variants_give_the_same_data(variant, text):
    imported = parse_document(text, REFERENCE_TEXT)
    assert imported.data == import_document(REFERENCE_TEXT).data, variant
    assert imported.warnings == []


def test_a_table_without_its_unit_line_uses_another_tables_with_a_warning():
    text = REFERENCE[:BODY_TITLE_2] + REFERENCE[BODY_TITLE_2:].replace("230001 博野县信访局本级\n", "", 1)
    imported = parse_document(text, REFERENCE_TEXT)
    assert imported.data == import_document(REFERENCE_TEXT).data
    [warning] = imported.warnings
    assert warning.line == text.splitlines().index("2.群众工作中心安保费绩效目标表") + 1  # the body's title
    assert "项目表上方没有单位行，沿用其他项目表的“230001 博野县信访局本级”" in warning.message


def test_a_project_missing_from_the_contents_is_reported():
    text = REFERENCE.replace("| 2.群众工作中心安保费绩效目标表..... | 7 |\n", "")
    [warning] = parse_document(text, REFERENCE_TEXT).warnings
    assert warning.line == text.splitlines().index("2.群众工作中心安保费绩效目标表") + 1
    assert warning.message == "项目“群众工作中心安保费”不在目录中"


def test_an_unrecognised_line_in_the_contents_is_kept():
    text = REFERENCE.replace("第二部分 预算项目绩效目标\n\n| |", "第二部分 预算项目绩效目标\n（附表）\n| |")
    imported = parse_document(text, REFERENCE_TEXT)
    assert imported.data["unplaced"] == [{"line": line_of(text, "（附表）"), "text": "（附表）"}]
    assert imported.data["projects"] == import_document(REFERENCE_TEXT).data["projects"]


# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(("converted", "expected"), [
    ("经费支出准确 率", "经费支出准确率"),
    ("按时间进 度要求支 付", "按时间进度要求支付"),
    ("人民群 众满 意度", "人民群众满意度"),
    ("8 小时", "8 小时"),
    ("群众来访劝返率大于 95%。", "群众来访劝返率大于 95%。"),
    ("1.目标内容 1", "1.目标内容 1"),
    ("≥12 万页", "≥12 万页"),
    ("  保障工作人 员正常 ", "保障工作人员正常"),
])
def test_only_spaces_between_chinese_characters_are_removed(converted, expected):
    assert join_chinese(converted) == expected


def test_codes_and_numbering():
    assert squeeze("13063722P0043511001 52") == "13063722P004351100152"
    assert strip_numbering("1.保障人员正常工作、生活") == "保障人员正常工作、生活"
    assert strip_numbering("3、湿地保护") == "湿地保护"
    assert strip_numbering("（2）学生资助") == "学生资助"
    assert strip_numbering("3.5万元以内的采购") == "3.5万元以内的采购"


def test_header_words_split_by_the_converter_are_recognised():
    text = REFERENCE
    assert "| 预算规模及 资金用途 |" in text and "| 资金支出计 划（%） |" in text and "| 指标值确定 依据 |" in text
    assert import_document(REFERENCE_TEXT).data["projects"][0]["use_of_funds"] == "常年驻京值班经费"


# --------------------------------------------------------------------------- nothing is lost


def reference_with(old: str, new: str) -> str:
    assert old in REFERENCE
    return REFERENCE.replace(old, new, 1)


def line_of(text: str, needle: str) -> int:
    """The first line holding ``needle``, counting from 1 as the warnings do."""
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def content_lines(text: str, first: int, last: int) -> list[int]:
    """Numbers of the lines from ``first`` to ``last`` that carry text (not
    blank, not a ``|---|`` or empty table row)."""
    lines = text.splitlines()
    return [n for n in range(first, last + 1) if not set(lines[n - 1]) <= set("|-: ")]


def test_a_line_that_cannot_be_placed_is_kept_and_reported_with_its_line(tmp_path):
    text = reference_with("一、总体绩效目标\n", "（本文本经局党组会议审议通过）\n\n一、总体绩效目标\n")
    imported = parse_document(text, Path("xinfangju.txt"))
    line = line_of(text, "本文本经局党组")
    assert imported.data["unplaced"] == [{"line": line, "text": "（本文本经局党组会议审议通过）"}]
    [warning] = messages(imported)
    assert warning.startswith(f"xinfangju.txt:{line}: 警告: ") and "unplaced" in warning
    path = write_unit(imported, tmp_path)
    unit, problems = load_unit(path, 2023)
    assert problems == [] and unit.unplaced[0].line == line
    assert "# 导入时未能归入任何字段的原文行" in path.read_text("utf-8")


def test_an_incomplete_table_is_kept_whole_in_unplaced():
    text = reference_with("| | 常年驻京值班经费 | | | | | |\n", "")
    imported = parse_document(text, REFERENCE_TEXT)
    assert [p["code"] for p in imported.data["projects"]] == ["13063722P00435110016M"]
    first = text.splitlines().index("1.常年驻京值班工作队值班费绩效目标表") + 1  # the body's title, not the TOC's
    last = line_of(text, "| 100% | 满意度 |")
    assert [u["line"] for u in imported.data["unplaced"]] == content_lines(text, first, last)
    assert all("缺少资金用途" in w.message for w in imported.warnings)


def test_an_itemised_goal_without_its_indicator_is_kept_in_unplaced():
    text = reference_with("绩效指标：按照标准，确保经费支出准确无误。\n", "")
    imported = parse_document(text, REFERENCE_TEXT)
    assert [g["title"] for g in imported.data["itemised_goals"]][-1] == "按时足额发放工资、补贴。"
    assert [u["text"] for u in imported.data["unplaced"]] == ["4.经费支出准确", "绩效目标：经费支出准确"]
    assert "缺少“绩效指标”" in imported.warnings[0].message


def test_an_indicator_row_with_a_blank_cell_is_kept_in_unplaced():
    text = reference_with("| 差旅费标志 | 按实际支出数 |", "| 差旅费标志 | |")
    imported = parse_document(text, REFERENCE_TEXT)
    assert len(imported.data["projects"][0]["indicators"]) == 7
    [unplaced] = imported.data["unplaced"]
    assert unplaced["line"] == line_of(text, "差旅费标志") and "差旅费标志" in unplaced["text"]
    assert "缺少“指标值确定依据”" in imported.warnings[0].message


def test_a_project_code_used_twice_keeps_the_second_table_in_unplaced():
    text = reference_with("13063722P0043511001 6M", "13063722P0043511001 52")
    imported = parse_document(text, REFERENCE_TEXT)
    assert len(imported.data["projects"]) == 1
    assert all("项目编码 13063722P004351100152 与第" in w.message for w in imported.warnings)
    assert "不在目录中" not in " ".join(messages(imported))


# --------------------------------------------------------------------------- refusals


def refusal(tmp_path: Path, name: str, content: bytes) -> subprocess.CompletedProcess:
    source = tmp_path / name
    source.write_bytes(content)
    data = tmp_path / "data"
    result = run("import", str(source), "--data", str(data))
    assert result.returncode == 1, result.stderr
    assert not data.exists(), "nothing may be written for a refused document"
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{source}")
    return result


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("empty.txt", b"", "文件是空的"),
    ("blank.txt", b"  \n\n \n", "文件是空的"),
    ("random.txt", "今天天气很好。\n我们去公园散步。\n| a | b |\n".encode(), "不是部门预算绩效文本"),
    ("word.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "Word（.doc）"),
    ("word.docx", b"PK\x03\x04\x14\x00\x06\x00" + bytes(100), "Word 文件已损坏或不完整"),
    ("paper.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF 文件"),
    ("title-only.txt", "博野县信访局\n\n2023 年部门预算绩效文本\n\n博野县信访局编制\n博野县财政局审核\n".encode(),
     "不是部门预算绩效文本"),
])
def test_non_documents_are_refused_and_nothing_is_written(tmp_path, name, content, reason):
    result = refusal(tmp_path, name, content)
    assert reason in result.stderr and "错误" in result.stderr


def test_binary_and_wrong_encoding_are_refused_with_their_line(tmp_path):
    result = refusal(tmp_path, "nul.txt", "博野县信访局\n第二行\n坏\x00掉\n".encode())
    assert "nul.txt:3: 错误: 文件含有控制字符" in result.stderr
    result = refusal(tmp_path, "gbk.txt", REFERENCE.encode("gbk"))
    assert "gbk.txt:4: 错误: 文件不是 UTF-8 编码" in result.stderr and "GBK" in result.stderr


@pytest.mark.parametrize(("old", "new", "reason"), [
    ("2023 年部门预算绩效文本", "部门预算绩效文本", "封面上找不到年度"),
    ("博野县信访局编制\n", "", "封面上找不到编制单位"),
    ("博野县财政局审核\n", "", "封面上找不到审核单位"),
    ("230001 博野县信访局本级", "博野县信访局本级", "找不到单位编码"),
    ("2023 年部门预算绩效文本", "1999 年部门预算绩效文本", "年度 1999 不在 2000 到 2100 之间"),
])
def test_a_document_missing_required_parts_is_refused(old, new, reason):
    text = REFERENCE.replace(old, new)
    with pytest.raises(DataError) as error:
        parse_document(text, Path("doc.txt"))
    assert any(reason in p.message for p in error.value.problems)


def test_empty_overall_goals_are_refused_with_the_heading_line():
    text = REFERENCE
    start, end = text.index("办理人民群众来信"), text.index("\n二、分项绩效目标\n")
    text = text[:start] + text[end + 1:]
    with pytest.raises(DataError) as error:
        parse_document(text, Path("doc.txt"))
    [problem] = error.value.problems
    assert problem.line == text.splitlines().index("一、总体绩效目标") + 1  # the heading, not the TOC entry
    assert "“一、总体绩效目标”下面没有内容" in str(problem)


# --------------------------------------------------------------------------- the command


def test_import_prints_the_path_and_writes_checked_data(tmp_path):
    data = tmp_path / "data"
    result = run("import", str(REFERENCE_TEXT), "--data", str(data))
    assert result.returncode == 0, result.stderr
    written = data / "2023" / "230001.yaml"
    assert result.stdout.strip() == str(written)
    assert written.read_bytes() == REFERENCE_DATA.read_bytes()
    assert run("check", "--data", str(data)).returncode == 0


def test_default_data_folder_is_data_in_the_working_directory(tmp_path):
    result = run("import", str(REFERENCE_TEXT), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(Path("data") / "2023" / "230001.yaml")
    assert (tmp_path / "data" / "2023" / "230001.yaml").is_file()


def test_an_existing_file_is_kept_unless_forced(tmp_path):
    data = tmp_path / "data"
    target = data / "2023" / "230001.yaml"
    target.parent.mkdir(parents=True)
    target.write_text("# 手工修改过的文件\n", encoding="utf-8")
    result = run("import", str(REFERENCE_TEXT), "--data", str(data))
    assert result.returncode == 1 and result.stdout == ""
    assert f"{target}: 错误: 文件已存在" in result.stderr and "--force" in result.stderr
    assert target.read_text("utf-8") == "# 手工修改过的文件\n"

    result = run("import", str(REFERENCE_TEXT), "--data", str(data), "--force")
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() == REFERENCE_DATA.read_bytes()
    assert sorted(p.name for p in target.parent.iterdir()) == ["230001.yaml"]  # no temporary file left


def test_warnings_go_to_stderr_with_file_and_line(tmp_path):
    source = DOCUMENTS / "2022-lixian-jiaoyuju.txt"
    result = run("import", str(source), "--data", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "2022" / "405001.yaml")
    assert f"{source}:24: 警告: 目录中的项目“2.学前教育发展资金绩效目标表”" in result.stderr
    assert "共 1 个警告" in result.stderr


def test_usage_errors_exit_2(tmp_path):
    assert run("import").returncode == 2
    assert run("import", str(REFERENCE_TEXT), "--bogus").returncode == 2


def test_missing_file_is_refused(tmp_path):
    result = run("import", str(tmp_path / "nowhere.txt"), "--data", str(tmp_path / "data"))
    assert result.returncode == 1 and "无法读取文件" in result.stderr


def test_every_imported_document_passes_the_data_check(tmp_path):
    data = tmp_path / "data"
    for source in [REFERENCE_TEXT, *sorted(DOCUMENTS.glob("*.txt"))]:
        assert run("import", str(source), "--data", str(data)).returncode == 0
    years = load_data(data)
    assert sorted(years) == [2022, 2023, 2024, 2025]
    assert sum(len(y.units) for y in years.values()) == 1 + len(DOCUMENT_NAMES)
    result = run("check", "--data", str(data))
    assert result.returncode == 0, result.stderr


def test_written_file_round_trips_to_the_same_data(tmp_path):
    for name in DOCUMENT_NAMES:
        imported = import_document(DOCUMENTS / f"{name}.txt")
        unit, problems = load_unit(write_unit(imported, tmp_path), imported.year)
        assert problems == []
        assert_same(replace(unit, source=None), build_unit(imported.data))


def test_the_importer_does_not_import_mkdocs():
    code = "import sys, budget_site.importer; sys.exit(any(m.split('.')[0] == 'mkdocs' for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


FIELD_NAMES = ("overall_goals", "itemised_goals", "measures", "projects", "indicators", "spending_plan")


@pytest.mark.parametrize("heading", ["一、总体绩效目标", "二、分项绩效目标", "三、工作保障措施"])
def test_a_missing_chapter_is_told_in_the_documents_words(heading):
    """Which heading, where the importer looked (目录 and body), what to check; no YAML field name."""
    at = REFERENCE.rindex(f"\n{heading}\n")
    text = REFERENCE[:at] + "\n" + REFERENCE[at + len(heading) + 2:]
    try:
        imported = parse_document(text, Path("doc.txt"))
        messages = [w.message for w in imported.warnings]
    except DataError as error:
        messages = [p.message for p in error.problems]
    [message] = [m for m in messages if f"没有找到标题“{heading}”" in m]
    assert "目录" in message and "第一部分正文" in message and "请检查" in message
    assert not any(name in m for m in messages for name in FIELD_NAMES)
