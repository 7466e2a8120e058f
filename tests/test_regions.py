"""Unit tests of the region model: ``data/regions.yaml`` and the regional data layout."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from budget_site.changes import compare_years
from budget_site.cli import main
from budget_site.lint import lint_year
from budget_site.loading import data_files, load_data
from budget_site.pages import plan_regional_year, year_home_tree
from budget_site.problems import DataError
from budget_site.region_summary import regional_year_of, summarise_regions
from budget_site.regions import load_regions

from conftest import ROOT
from synthetic import write_regional_units

REFERENCE = ROOT / "data" / "2023" / "230001.yaml"
BAODING = """\
- {code: "130600", name: 保定市, level: 市, parent: "130000"}
- {code: "130000", name: 河北省, level: 省}
- {code: "130637", name: 博野县, level: 县, parent: "130600"}
- {code: "130634", name: 曲阳县, level: 县, parent: "130600"}
- {code: "130602", name: 竞秀区, level: 区, parent: "130600"}
"""


def regional(tmp_path: Path, regions: str = BAODING, units: tuple[str, ...] = ("130637", "130634")) -> Path:
    """A regional data folder: ``regions`` and the reference unit in each region of ``units``."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "regions.yaml").write_text(regions, encoding="utf-8")
    for region in units:
        (data / "2023" / region).mkdir(parents=True)
        shutil.copy(REFERENCE, data / "2023" / region / "230001.yaml")
    return data


def problems_of(data: Path) -> list[str]:
    with pytest.raises(DataError) as raised:
        load_data(data)
    return [str(p) for p in raised.value.problems]


def regions_problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "regions.yaml"
    path.write_text(text, encoding="utf-8")
    regions, problems = load_regions(path)
    assert regions is None
    return [str(p) for p in problems]


def test_regions_form_a_tree(tmp_path):
    path = tmp_path / "regions.yaml"
    path.write_text(BAODING, encoding="utf-8")
    regions, problems = load_regions(path)
    assert problems == [] and regions is not None
    assert [r.name for r in regions.roots()] == ["河北省"]
    assert [r.code for r in regions.children("130600")] == ["130637", "130634", "130602"]
    assert [r.name for r in regions.ancestors("130637")] == ["河北省", "保定市"]
    assert [(r.name, depth) for r, depth in regions.tree()] == [
        ("河北省", 0), ("保定市", 1), ("博野县", 2), ("曲阳县", 2), ("竞秀区", 2)]
    assert [r.code for r in regions.descendants("130600")] == ["130600", "130637", "130634", "130602"]
    assert regions.by_code["130637"].level == "县" and "130602" in regions and "999999" not in regions


def test_same_unit_code_in_two_counties(tmp_path):
    years = load_data(regional(tmp_path))
    units = years[2023].units
    assert [(u.region, u.code, u.key) for u in units] == [
        ("130634", "230001", "130634/230001"), ("130637", "230001", "130637/230001")]
    assert years[2023].regions is not None and len(years[2023].regions) == 5
    # Every county numbers its own projects: the same codes in two counties are no warning.
    assert not [p for p in lint_year(years[2023]) if "项目编码" in p.message]
    changes = compare_years(years[2023], None)
    assert changes.unit("130637/230001").unit.region == "130637"


def test_flat_layout_is_unchanged():
    [unit] = load_data(ROOT / "data")[2023].units
    assert unit.region is None and unit.key == "230001"
    assert load_data(ROOT / "data")[2023].regions is None


def test_data_files_of_a_regional_site(tmp_path):
    data = regional(tmp_path)
    assert [p.relative_to(data).as_posix() for p in data_files(data)[2023]] == [
        "2023/130634/230001.yaml", "2023/130637/230001.yaml"]


def test_unit_file_beside_region_folders_is_an_error(tmp_path):
    data = regional(tmp_path)
    shutil.copy(REFERENCE, data / "2023" / "230001.yaml")
    [message] = problems_of(data)
    assert message.startswith(f"{data / '2023' / '230001.yaml'}: 错误: ")
    assert "单位文件应放在所属地区的文件夹中" in message


def test_region_folders_without_regions_file_are_an_error(tmp_path):
    data = regional(tmp_path)
    (data / "regions.yaml").unlink()
    messages = problems_of(data)
    assert [m.split(":")[0] for m in messages] == [str(data / "2023" / "130634"), str(data / "2023" / "130637")]
    assert all("按地区存放需要先在" in m and "regions.yaml" in m for m in messages)


def test_unit_under_unknown_region(tmp_path):
    data = regional(tmp_path, units=("130637", "130699"))
    [message] = problems_of(data)
    assert message == f"{data / '2023' / '130699'}: 错误: 地区代码 130699 不在 {data / 'regions.yaml'} 中"


def test_missing_parent_names_line_and_field(tmp_path):
    text = BAODING.replace('parent: "130000"', 'parent: "139900"')
    column = text.index('"139900"') + 1
    [message] = regions_problems(tmp_path, text)
    assert message == f"{tmp_path / 'regions.yaml'}:1:{column}: 错误 字段 [1].parent: 保定市的上级 139900 不在本文件中"


def test_cycle_is_reported_for_each_region_in_it(tmp_path):
    text = BAODING.replace("level: 省}", 'level: 省, parent: "130637"}')
    messages = regions_problems(tmp_path, text)
    assert [m.split(": 错误")[0].rsplit(":", 1)[0] for m in messages] == [
        f"{tmp_path / 'regions.yaml'}:1", f"{tmp_path / 'regions.yaml'}:2", f"{tmp_path / 'regions.yaml'}:3"]
    assert messages[1].endswith("上级关系形成了循环：130000 → 130637 → 130600 → 130000")


@pytest.mark.parametrize(("text", "expected"), [
    ('- {code: 130637, name: 博野县, level: 县}', '[1].code: 区划代码要加引号写成文字："130637"'),
    ('- {code: "13063", name: 博野县, level: 县}', '[1].code: “13063”不是 6 位行政区划代码'),
    ('- {name: 博野县, level: 县}', "[1].code: 缺少 6 位行政区划代码"),
    ('- {code: "130637", name: 博野县, level: 乡}', "[1].level: 级别应为 省、市、县、区、旗 之一，而不是“乡”"),
    ('- {code: "130637", level: 县}', "[1].name: 缺少地区名称"),
    ('- {code: "130637", name: 博野县, level: 县, parent: "1306"}', "[1].parent: “1306”不是 6 位行政区划代码"),
    ('- {code: "130637", name: 博野县, level: 县, upper: "130600"}', "[1].upper: 未知字段“upper”"),
    ('- 博野县', "[1]: 每个地区应是一个映射"),
    ('code: "130637"', "应为地区列表"),
    ('- {code: "130637", name: 博野县, level: 县}\n- {code: "130637", name: 蠡县, level: 县}',
     "[2].code: 区划代码 130637 重复（第 1 行已有）"),
])
def test_bad_regions_are_explained(tmp_path, text, expected):
    messages = regions_problems(tmp_path, text + "\n")
    assert len(messages) == 1 and expected in messages[0], messages
    assert messages[0].startswith(str(tmp_path / "regions.yaml") + ":1" if "[2]" not in expected else
                                  str(tmp_path / "regions.yaml") + ":2")


def test_yaml_mistakes_in_regions_file_are_in_chinese(tmp_path):
    [message] = regions_problems(tmp_path, '- {code: "130637", name: 博野县, level: 县\n')
    assert message.startswith(f"{tmp_path / 'regions.yaml'}:") and "YAML 格式错误" in message


def test_check_counts_regions(tmp_path, capsys):
    data = regional(tmp_path)
    assert main(["check", "--data", str(data), "--archives", str(tmp_path / "archives"),
                 "--config", str(ROOT / "mkdocs.yml")]) == 0
    assert "2023 年：2 个地区，2 个单位，4 个项目，数据无误" in capsys.readouterr().out


def test_check_reports_a_bad_regions_file(tmp_path, capsys):
    data = regional(tmp_path, regions=BAODING.replace("level: 县, parent", "level: 村, parent", 1))
    assert main(["check", "--data", str(data)]) == 1
    err = capsys.readouterr().err
    assert f"{data / 'regions.yaml'}:3:" in err and "级别应为" in err and "Traceback" not in err


def test_year_home_tree_shows_as_many_levels_as_fit(tmp_path):
    write_regional_units(tmp_path / "many", [2023], 100, 1)
    write_regional_units(tmp_path / "few", [2023], 12, 1)
    many, few = (summarise_regions(load_data(tmp_path / name)[2023], None) for name in ("many", "few"))
    assert [s.region.level for s in year_home_tree(many)] == ["省"] + ["市"] * 10
    assert year_home_tree(few) == few and len(few) == 12
    year = regional_year_of(load_data(tmp_path / "many")[2023], None, tmp_path)
    home = plan_regional_year(year).page("index.md").render().html
    assert "下表列出上 2 级地区" in home and "合成1市1县" not in home


def test_region_totals_with_the_year_before(tmp_path):
    data = regional(tmp_path)
    (data / "2022" / "130637").mkdir(parents=True)
    text = REFERENCE.read_text("utf-8").replace("year: 2023", "year: 2022", 1)
    (data / "2022" / "130637" / "230001.yaml").write_text(text, encoding="utf-8")
    years = load_data(data)
    by_code = {s.region.code: s for s in summarise_regions(years[2023], years[2022])}
    same, new = by_code["130637"].comparison, by_code["130634"].comparison
    assert (same.both, same.both_total.delta_text, same.new) == (1, "0.00", 0)
    assert (new.both, new.new, new.new_total) == (0, 1, by_code["130634"].total)
    assert by_code["130600"].subtree_total == 2 * by_code["130637"].total
    # The city's change is over 130637's unit only: 130634's is new, not a rise.
    city = by_code["130600"].subtree_comparison
    assert (city.both, city.both_total.delta, city.new, city.new_total) == (1, 0, 1, by_code["130634"].total)
    assert by_code["130000"].unit_count == 0 and by_code["130000"].depth == 0


def test_archive_records_each_region_file(tmp_path):
    from budget_site.archive import data_digests

    data = regional(tmp_path)
    assert sorted(data_digests(data, 2023)) == ["130634/230001.yaml", "130637/230001.yaml"]
    assert list(data_digests(ROOT / "data", 2023)) == ["230001.yaml"]


def test_import_into_a_region(tmp_path, capsys):
    """``import --region``: the unit goes under its region, the same code can go into
    two regions, and a wrong or missing region is refused before anything is read."""
    data = regional(tmp_path, units=("130637",))
    document = ROOT / "tests" / "fixtures" / "documents" / "2023-boye-xinfangju.pdf"
    assert main(["import", str(document), "--data", str(data), "--region", "130634"]) == 0
    written = data / "2023" / "130634" / "230001.yaml"
    assert capsys.readouterr().out.strip() == str(written)
    assert written.is_file() and len(load_data(data)[2023].units) == 2  # 博野县's 230001 and 曲阳县's

    for args, message in [((), "请用 --region 指定"), (("--region", "999999"), "地区代码 999999 不在"),
                          (("--region", "130637"), "文件已存在")]:
        assert main(["import", str(document), "--data", str(data), *args]) == 1
        assert message in capsys.readouterr().err

    flat = tmp_path / "flat"
    assert main(["import", str(document), "--data", str(flat), "--region", "130637"]) == 1
    assert "数据不是按地区存放的" in capsys.readouterr().err and not flat.exists()


def test_template_of_a_unit_in_a_region(tmp_path, capsys):
    data = regional(tmp_path)  # 230001 in two regions
    out = tmp_path / "t.xlsx"
    assert main(["template", str(out), "--unit", "230001", "--data", str(data)]) == 1
    assert "2 个地区都有单位 230001（130634、130637）；请用 --region 指定" in capsys.readouterr().err
    assert main(["template", str(out), "--unit", "230001", "--region", "130634", "--data", str(data)]) == 0
    assert out.is_file() and "230001 博野县信访局" in capsys.readouterr().out


def test_open_data_of_a_regional_year_names_the_region(tmp_path):
    """Two counties' 230001 are two rows, told apart by 地区代码, which heads every key;
    the data package (foreign keys included) is valid."""
    import csv
    import io

    from frictionless import validate

    from budget_site.opendata import DATAPACKAGE, SPECS, year_csv_path, year_level_files

    data = load_data(regional(tmp_path))[2023]
    files = year_level_files(data)
    rows = list(csv.DictReader(io.StringIO(files[year_csv_path(2023, SPECS[0])].decode("utf-8-sig"))))
    assert [(r["地区代码"], r["单位编码"]) for r in rows] == [("130634", "230001"), ("130637", "230001")]
    for path, content in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(content)
    report = validate(str(tmp_path / DATAPACKAGE))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
