"""A regional site built region by region (regional_build): in worker processes,
one region again with ``--region``, errors of every region at once, progress on
a terminal, and nothing left behind by a build that is killed.

A ``--region`` rebuild must give, file for file, the site a whole build of the
same data gives, keep every other region's files as published (the same files,
not copies), and never write into the published site while building.
"""

from __future__ import annotations

import filecmp
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from budget_site.cli import main
from budget_site.problems import DataError
from budget_site.regional_build import terminal_progress
from budget_site.site_build import build_site

from conftest import ROOT
from processes import session_processes, staging_folders, start_build, wait_until_no_process
from synthetic import synthetic_regions, unit_code, write_regional_units

REGIONS = [r["code"] for r in synthetic_regions(6)]  # a province, a city, four counties
PROVINCE, CITY, COUNTY, OTHER_COUNTY = REGIONS[0], REGIONS[1], REGIONS[2], REGIONS[3]
CONFIG = ROOT / "mkdocs.yml"
MKDOCS = Path(sys.executable).with_name("mkdocs")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Two years of six regions, built with two worker processes."""
    root = tmp_path_factory.mktemp("regional-build")
    write_regional_units(root / "data", [2022, 2023], 6, 2, seed=5)
    build_site(root / "data", root / "site", CONFIG, jobs=2)
    return root


def files_of(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}


def differences(one: Path, other: Path) -> list[str]:
    mine, theirs = files_of(one), files_of(other)
    wrong = sorted(set(mine) ^ set(theirs))
    wrong += [name for name in sorted(set(mine) & set(theirs)) if not filecmp.cmp(mine[name], theirs[name], False)]
    return wrong


def edit_a_unit(data: Path, region: str) -> None:
    path = data / "2023" / region / f"{unit_code(0)}.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("name: ", "name: 改过的", 1), encoding="utf-8")


def test_a_region_rebuilt_alone_equals_a_whole_build(built, tmp_path):
    data, site = tmp_path / "data", tmp_path / "site"
    shutil.copytree(built / "data", data)
    shutil.copytree(built / "site", site, symlinks=True)
    before = {name: (path.stat().st_ino, path.read_bytes()) for name, path in files_of(site).items()}
    published = tmp_path / "published-links"  # the files as served while the rebuild runs
    shutil.copytree(site, published, copy_function=lambda src, dst: Path(dst).hardlink_to(src))
    edit_a_unit(data, COUNTY)

    build_site(data, site, CONFIG, jobs=2, regions=[COUNTY])

    whole = tmp_path / "whole"
    build_site(data, whole, CONFIG, jobs=1)
    assert differences(site, whole) == []
    assert "改过的" in (site / "2023" / COUNTY / unit_code(0) / "index.html").read_text("utf-8")
    # Nothing was written through a hard link into the published files.
    assert [n for n, p in files_of(published).items() if p.read_bytes() != before[n][1]] == []
    after = {name: path.stat().st_ino for name, path in files_of(site).items()}
    kept = {n for n in after if n in before and after[n] == before[n][0]}
    # Another county is kept as published; the county, the regions above it and the year's own files are new.
    assert all(n in kept for n in after if n.startswith(f"2023/{OTHER_COUNTY}/"))
    for rebuilt in (f"2023/{COUNTY}/index.html", f"2023/{CITY}/index.html", f"2023/{PROVINCE}/index.html",
                    "2023/index.html", "2023/search/shards/manifest.js", "2023/build-info.json", "index.html"):
        assert rebuilt not in kept, rebuilt
    assert staging_folders(site) == []


def test_one_process_and_two_build_the_same_site(built, tmp_path):
    build_site(built / "data", tmp_path / "site", CONFIG, jobs=1)
    assert differences(tmp_path / "site", built / "site") == []


def test_errors_of_every_region_at_once_and_the_site_unchanged(built, tmp_path):
    data, site = tmp_path / "data", tmp_path / "site"
    shutil.copytree(built / "data", data)
    shutil.copytree(built / "site", site, symlinks=True)
    broken = (PROVINCE, COUNTY, OTHER_COUNTY)  # the province is built last, after its counties
    for region in broken:
        path = data / "2023" / region / f"{unit_code(1)}.yaml"
        path.write_text(path.read_text("utf-8").replace("total: ", "total: 很多", 1), encoding="utf-8")
    with pytest.raises(DataError) as raised:
        build_site(data, site, CONFIG, jobs=2)
    message = str(raised.value)
    for region in broken:
        assert f"{data / '2023' / region / unit_code(1)}.yaml:" in message
    assert differences(site, built / "site") == [] and staging_folders(site) == []


@pytest.mark.parametrize(("setup", "args", "expected"), [
    ("regional", ["--region", "999999"], "地区代码 999999 不在其中"),
    ("flat", ["--region", "130637"], "数据不按地区存放（没有 regions.yaml），不能用 --region"),
    ("regional-unbuilt", ["--region", REGIONS[2]], "请先不加 --region 完整生成一次"),
])
def test_region_option_mistakes_are_explained(built, tmp_path, capsys, setup, args, expected):
    data = ROOT / "data" if setup == "flat" else built / "data"
    site = tmp_path / "site"
    assert main(["build", "--data", str(data), "--site", str(site), "--config", str(CONFIG), *args]) == 1
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert not site.exists() and staging_folders(site) == []


def test_progress_is_shown_on_a_terminal_only():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    show = terminal_progress(terminal)
    for done in (1, 2, 3):
        show("2023 年", done, 3)
    assert terminal.getvalue() == "\r生成 2023 年：1/3 个地区\r生成 2023 年：2/3 个地区\r生成 2023 年：3/3 个地区\n"
    assert terminal_progress(io.StringIO()) is None


def test_a_killed_regional_build_leaves_no_process_and_the_site_as_it_was(built, tmp_path):
    data, site = tmp_path / "data", tmp_path / "site"
    shutil.copytree(built / "data", data)
    shutil.copytree(built / "site", site, symlinks=True)
    edit_a_unit(data, COUNTY)
    build = start_build(data, site, "--jobs", "2")
    deadline = time.monotonic() + 60
    # Killed once region builds are under way in the worker processes.
    while not list(site.parent.glob(f".{site.name}.building-*/2022/{OTHER_COUNTY}/index.html")):
        assert build.poll() is None and time.monotonic() < deadline, build.communicate()
        time.sleep(0.05)
    build.send_signal(signal.SIGKILL)
    build.wait()
    assert wait_until_no_process(build.pid) == [], session_processes(build.pid)
    assert differences(site, built / "site") == []
    build_site(data, site, CONFIG, jobs=2)  # the next build cleans up after the killed one
    assert staging_folders(site) == []


@pytest.mark.parametrize(("region", "expected"), [
    (COUNTY, None), ("", None), ("999999", "地区代码 999999 不在 regions.yaml 中"),
])
def test_preview_of_regional_data_shows_one_region(built, tmp_path, region, expected):
    """``mkdocs build``/``serve`` of a regional data folder: one government's site."""
    out = tmp_path / "out"
    result = subprocess.run(
        [str(MKDOCS), "build", "-d", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "BUDGET_DATA": str(built / "data"), "BUDGET_REGION": region, "NO_MKDOCS_2_WARNING": "1"},
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    if expected:
        assert result.returncode != 0 and expected in output
        return
    assert result.returncode == 0, output
    shown = region or PROVINCE  # without BUDGET_REGION: the first government that has units
    home = (out / "index.html").read_text("utf-8")
    assert f'<h1 id="region-home">{synthetic_regions(6)[REGIONS.index(shown)]["name"]} 2023年' in home
    assert (out / unit_code(0) / "index.html").is_file() and (out / "region.json").is_file()


def test_regions_built_on_two_machines_combine_into_the_whole_site(built, tmp_path):
    """README, several machines: two counties rebuilt on two copies of the site, their
    folders copied into the published one, then their city rebuilt there."""
    data, site = tmp_path / "data", tmp_path / "site"
    shutil.copytree(built / "data", data)
    shutil.copytree(built / "site", site, symlinks=True)
    edit_a_unit(data, COUNTY)
    edit_a_unit(data, OTHER_COUNTY)
    for machine, region in (("a", COUNTY), ("b", OTHER_COUNTY)):
        copy = tmp_path / machine
        shutil.copytree(site, copy, symlinks=True)
        build_site(data, copy, CONFIG, jobs=1, regions=[region])
        for year in ("2022", "2023"):
            shutil.rmtree(site / year / region)
            shutil.copytree(copy / year / region, site / year / region, symlinks=True)
    build_site(data, site, CONFIG, jobs=2, regions=[CITY])
    whole = tmp_path / "whole"
    build_site(data, whole, CONFIG, jobs=2)
    assert differences(site, whole) == []


def test_published_addresses_of_a_platform(built, tmp_path):
    """With ``site_url`` set, each region's pages and the year's sitemap give the
    addresses the pages have under it."""
    settings = yaml.safe_load(CONFIG.read_text("utf-8"))
    settings.update(site_url="https://yusuan.example.gov.cn/", docs_dir=str(ROOT / "docs"),
                    hooks=[str(ROOT / "hooks" / "budget_hooks.py")])
    settings["theme"]["custom_dir"] = str(ROOT / "overrides")
    config = tmp_path / "mkdocs.yml"
    config.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    site = tmp_path / "site"
    build_site(built / "data", site, config, jobs=2)
    page = (site / "2023" / COUNTY / unit_code(0) / "index.html").read_text("utf-8")
    address = f"https://yusuan.example.gov.cn/2023/{COUNTY}/{unit_code(0)}/index.html"
    assert f'<link rel="canonical" href="{address}">' in page
    assert f"<loc>{address}</loc>" in (site / "2023" / "sitemap.xml").read_text("utf-8")
    assert f"<loc>{address}</loc>" in (site / "2023" / COUNTY / "sitemap.xml").read_text("utf-8")
    index = (site / "2023" / "sitemap-index.xml").read_text("utf-8")
    for sitemap in ("sitemap-year.xml", f"{COUNTY}/sitemap.xml"):
        assert f"<loc>https://yusuan.example.gov.cn/2023/{sitemap}</loc>" in index
