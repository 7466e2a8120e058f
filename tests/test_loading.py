"""Unit tests of reading, validating and loading data files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budget_site.loading import load_data, load_unit
from budget_site.problems import DataError, format_path

from conftest import ROOT

REFERENCE = ROOT / "data" / "2023" / "230001.yaml"


def write(tmp_path: Path, text: str, name: str = "230001.yaml", year: str = "2023") -> Path:
    folder = tmp_path / year
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def reference_with(old: str, new: str) -> str:
    text = REFERENCE.read_text("utf-8")
    assert old in text
    return text.replace(old, new, 1)


def messages(path: Path) -> list[str]:
    unit, problems = load_unit(path, 2023)
    assert unit is None
    return [str(p) for p in problems]


def test_reference_loads_completely():
    years = load_data(ROOT / "data")
    unit = years[2023].units[0]
    assert (unit.code, unit.name) == ("230001", "博野县信访局")
    assert (unit.prepared_by, unit.reviewed_by) == ("博野县信访局", "博野县财政局")
    assert len(unit.overall_goals) == 9 and len(unit.itemised_goals) == 4 and len(unit.measures) == 7
    first, second = unit.projects
    assert first.code == "13063722P004351100152" and second.code == "13063722P00435110016M"
    assert first.budget.total == Decimal("45.00") and first.budget.other is None
    assert [s.share for s in first.spending_plan] == [30, 30, 30, 10]
    assert [i.level1 for i in first.indicators].count("产出指标") == 4
    assert first.indicators[1].value == "%" and first.target == "1.目标内容 1"
    assert unit.budget_total == Decimal("56.04")


def test_format_path_counts_from_one():
    assert format_path(("projects", 0, "indicators", 2, "value")) == "projects[1].indicators[3].value"


def test_wrong_type_names_file_line_and_field(tmp_path):
    path = write(tmp_path, reference_with("      total: 11.04", "      total: 十一万"))
    [message] = messages(path)
    line = REFERENCE.read_text("utf-8").splitlines().index("      total: 11.04") + 1
    assert message.startswith(f"{path}:{line}:")
    assert "projects[2].budget.total" in message and "应为数字" in message


def test_all_problems_are_reported_at_once(tmp_path):
    text = reference_with("  name: 博野县信访局\n", "  name: \"\"\n")
    text = text.replace("value: 100%, basis: 尽职尽责}", "value: 100%}", 1)
    found = messages(write(tmp_path, text))
    assert any("unit.name" in m and "不能为空" in m for m in found)
    assert any("projects[1].indicators[1].basis" in m and "缺少必填字段" in m for m in found)


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("prepared_by: 博野县信访局", "prepared_by: 博野县信访局\nprepared_by: 别的单位", "重复"),
    ("reviewed_by: 博野县财政局", "reviewed_by: no", "布尔值"),
    ("reviewed_by: 博野县财政局", "reviewed_by: 2023-01-01", "日期"),
    ("      total: 45.00", "      total: 45.001", "两位小数"),
    ("      total: 45.00", "      total: 1_000", "歧义"),
    ("      - {period: 3月底, share: 30}", "      - {period: 3月底, share: 130}", "不能大于 100"),
    ("year: 2023", "year: 2023\nyera: 2023", "不认识的字段"),
    ("  code: \"230001\"", "  code: ../x", "编码只能由字母"),
])
def test_yaml_pitfalls_are_errors(tmp_path, old, new, expected):
    found = messages(write(tmp_path, reference_with(old, new)))
    assert any(expected in m for m in found), found


def test_unquoted_digits_stay_text_digit_for_digit(tmp_path):
    path = write(tmp_path, reference_with("  code: \"230001\"", "  code: 230001"))
    unit, problems = load_unit(path, 2023)
    assert problems == [] and unit.code == "230001"


def test_tabs_gbk_empty_and_aliases(tmp_path):
    tab = write(tmp_path, "year: 2023\nunit:\n\tcode: x\n")
    assert "制表符" in messages(tab)[0] and ":3:1:" in messages(tab)[0]
    gbk = tmp_path / "2023" / "230002.yaml"
    gbk.write_bytes("year: 2023\nunit:\n  name: 博野县信访局\n".encode("gbk"))
    assert "GBK" in messages(gbk)[0]
    assert "空" in messages(write(tmp_path, "  \n", "230003.yaml"))[0]
    bomb = write(tmp_path, "a: &a [1, 2]\nb: [*a, *a]\n", "230004.yaml")
    assert "别名" in messages(bomb)[0]


def test_year_must_match_folder_and_file_name_the_code(tmp_path):
    path = write(tmp_path, REFERENCE.read_text("utf-8"), name="999999.yaml", year="2024")
    unit, problems = load_unit(path, 2024)
    text = "\n".join(map(str, problems))
    assert unit is None and "与所在文件夹 2024 不一致" in text and "230001.yaml" in text


def test_project_codes_are_unique_within_a_unit(tmp_path):
    path = write(tmp_path, reference_with("  - code: 13063722P00435110016M", "  - code: 13063722P004351100152"))
    [message] = messages(path)
    assert "projects[2].code" in message and "与第 1 个项目重复" in message


def test_load_data_raises_with_every_error(tmp_path):
    write(tmp_path, reference_with("reviewed_by: 博野县财政局", "reviewed_by: yes"))
    write(tmp_path, "year: 2023\n", "230002.yaml")
    with pytest.raises(DataError) as raised:
        load_data(tmp_path)
    files = {p.file.name for p in raised.value.problems}
    assert files == {"230001.yaml", "230002.yaml"}


def test_missing_data_folder(tmp_path):
    with pytest.raises(DataError, match="不存在"):
        load_data(tmp_path / "nope")


def test_size_limit_list_for_mapping_and_bidi_overrides(tmp_path):
    big = write(tmp_path, "year: 2023\n" + "# " + "x" * (3 * 1024 * 1024) + "\n")
    assert "文件过大" in messages(big)[0]
    listed = write(tmp_path, reference_with("unit:\n  code: \"230001\"\n  name: 博野县信访局\n",
                                            "unit:\n  - 230001\n  - 博野县信访局\n"), "230002.yaml")
    assert any("字段 unit: 应为键值对（映射），实际是列表" in m for m in messages(listed))
    spoofed = reference_with("name: 常年驻京值班工作队值班费", "name: 常年驻京\u202e值班费")
    spoof = write(tmp_path, spoofed, "230003.yaml")
    [message] = messages(spoof)
    assert "projects[1].name" in message and "U+202E" in message
    blank = write(tmp_path, reference_with("use_of_funds: 常年驻京值班经费", "use_of_funds: \"   \""), "230004.yaml")
    assert any("不能只有空格" in m for m in messages(blank))


def test_mkdocs_itself_stops_with_the_same_messages(tmp_path):
    import os
    import subprocess
    import sys

    write(tmp_path, reference_with("      total: 45.00", "      total: 四十五"))
    result = subprocess.run(
        [str(Path(sys.executable).with_name("mkdocs")), "build", "-d", str(tmp_path / "out")], cwd=ROOT,
        env={**os.environ, "BUDGET_DATA": str(tmp_path), "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "projects[1].budget.total: 应为数字" in output and "Traceback" not in output
    assert not (tmp_path / "out").exists()
