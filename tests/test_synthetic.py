"""The synthetic data generator writes valid, varied, deterministic documents."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from budget_site.loading import load_data, load_unit

from synthetic import FORBIDDEN, dump_unit, dump_unit_pyyaml, generate_unit, main, write_units

YEARS = (2022, 2023)
UNITS = 30
REFERENCE = Path(__file__).resolve().parent.parent / "data" / "2023" / "230001.yaml"
LEVELS = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, list[Path]]:
    target = tmp_path_factory.mktemp("synthetic")
    return target, write_units(target, YEARS, UNITS, seed=7)


@pytest.fixture(scope="module")
def years(generated):
    return load_data(generated[0])  # raises DataError listing every problem


def test_every_file_loads_without_problems(generated, years):
    target, paths = generated
    assert len(paths) == UNITS * len(YEARS)
    for path in paths:
        unit, problems = load_unit(path, int(path.parent.name))
        assert problems == [] and unit is not None, path
    assert sorted(years) == list(YEARS)
    assert all(len(years[year].units) == UNITS for year in YEARS)


def test_units_are_the_same_in_every_year(years):
    names = [{u.code: u.name for u in years[year].units} for year in YEARS]
    assert names[0] == names[1]
    assert "230001" not in names[0]
    assert all(re.fullmatch(r"[0-9]{6}", code) for code in names[0])
    assert len(set(names[0].values())) == UNITS
    assert sum(name.endswith("信访局") for name in names[0].values()) >= 2


def test_document_sizes(years):
    for data in years.values():
        for unit in data.units:
            assert 3 <= len(unit.overall_goals) <= 9
            assert 2 <= len(unit.itemised_goals) <= 6
            assert 3 <= len(unit.measures) <= 8
            assert 1 <= len(unit.projects) <= 8
            for project in unit.projects:
                assert 6 <= len(project.indicators) <= 20, project.code


def test_money_and_spending_plan(years):
    for data in years.values():
        for project in (p for u in data.units for p in u.projects):
            budget = project.budget
            assert project.money_unit == "万元"
            assert [s.period for s in project.spending_plan] == ["3月底", "6月底", "10月底", "12月底"]
            assert sum(s.share for s in project.spending_plan) == 100
            assert budget.total > 0
            if budget.other is None:
                assert budget.fiscal == budget.total
            else:
                assert budget.fiscal + budget.other == budget.total
                assert budget.fiscal > 0 and budget.other > 0


def test_project_codes_are_unique_per_year(years):
    for data in years.values():
        codes = [p.code for u in data.units for p in u.projects]
        assert len(codes) == len(set(codes))
        assert not any(re.search(r"[A-Za-z]{2}", code) for code in codes)  # no chance hits for Latin queries
        for unit in data.units:
            assert all(p.unit_line == f"{unit.code} {unit.name}本级" for p in unit.projects)


def test_indicator_rows_are_grouped_like_the_reference(years):
    order = list(LEVELS)
    for data in years.values():
        for project in (p for u in data.units for p in u.projects):
            rows = project.indicators
            assert {r.level1 for r in rows} == set(LEVELS)
            keys = [(order.index(r.level1), LEVELS[r.level1].index(r.level2)) for r in rows]
            assert keys == sorted(keys)
            assert len({r.level3 for r in rows}) == len(rows)


def test_no_reference_strings_in_synthetic_text(generated):
    for path in generated[1]:
        text = path.read_text("utf-8")
        for forbidden in FORBIDDEN:
            assert forbidden not in text, (path, forbidden)


def test_texts_share_words_with_the_reference(generated):
    text = "".join(path.read_text("utf-8") for path in generated[1])
    for word in ("群众", "来访", "工作", "中心", "安保", "经费", "准确率", "满意度", "值班"):
        assert word in text, word


def test_yaml_text_writes_money_with_two_decimals_and_quoted_codes(generated):
    text = generated[1][0].read_text("utf-8")
    assert re.search(r'^  code: "[0-9]{6}"$', text, re.MULTILINE)
    assert re.search(r'^- code: "[0-9A-Za-z]+"$', text, re.MULTILINE)
    money = re.findall(r"^    (?:total|fiscal|other): (.*)$", text, re.MULTILINE)
    assert money and all(re.fullmatch(r"[0-9]+\.[0-9]{2}|null", m) for m in money)


def test_fast_writer_matches_pyyaml():
    for year in YEARS:
        for index in range(UNITS):
            document = generate_unit(year, index, seed=7)
            assert dump_unit(document) == dump_unit_pyyaml(document)


def test_same_seed_gives_identical_files(generated, tmp_path):
    target, paths = generated
    again = write_units(tmp_path, YEARS, UNITS, seed=7)
    assert [p.relative_to(tmp_path) for p in again] == [p.relative_to(target) for p in paths]
    for first, second in zip(paths, again, strict=True):
        assert first.read_bytes() == second.read_bytes()
    other_seed = write_units(tmp_path / "other", YEARS[:1], 3, seed=8)
    assert other_seed[0].read_bytes() != paths[0].read_bytes()
    assert generate_unit(2023, 0, seed=8)["unit"] == generate_unit(2022, 0, seed=7)["unit"]


def test_reference_is_copied_into_its_year_only(tmp_path):
    paths = write_units(tmp_path, YEARS, 2, reference=REFERENCE)
    assert tmp_path / "2023" / "230001.yaml" in paths
    assert not (tmp_path / "2022" / "230001.yaml").exists()
    assert (tmp_path / "2023" / "230001.yaml").read_bytes() == REFERENCE.read_bytes()
    years = load_data(tmp_path)
    assert [u.code for u in years[2023].units] == ["230001", "300001", "300002"]


def test_refuses_to_write_into_project_data():
    with pytest.raises(ValueError):
        write_units(REFERENCE.parent.parent, YEARS, 1)
    with pytest.raises(ValueError):
        write_units(REFERENCE.parent, YEARS, 1)


def test_command_line(tmp_path, capsys):
    assert main([str(tmp_path), "--units", "2", "--years", "2023", "--seed", "1",
                 "--with-reference", str(REFERENCE)]) == 0
    assert "wrote 3 files" in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "2023").iterdir()) == ["230001.yaml", "300001.yaml", "300002.yaml"]
    assert load_data(tmp_path)[2023].budget_total > Decimal("0")
