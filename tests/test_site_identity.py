"""Whose site it is: mkdocs.yml ships a generic site_name and no site_url, and the
build says so in Chinese (as it does for the footer's registration details) until a
county sets them; once set, the sitemaps carry the county's address."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from utils import county_project

BUDGET_SITE = Path(sys.executable).with_name("budget-site")


def build(site: Path, config: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BUDGET_SITE), "build", "--site", str(site), "--config", str(config)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_the_build_reminds_while_name_and_address_are_as_shipped(tmp_path):
    result = build(tmp_path / "site", ROOT / "mkdocs.yml")
    assert result.returncode == 0, result.stderr
    assert "mkdocs.yml 的 site_name 仍是通用的“部门预算绩效公开”" in result.stderr
    assert "mkdocs.yml 的 site_url 未填写" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_county_that_sets_them_is_not_reminded_and_its_sitemap_has_its_address(tmp_path):
    config = county_project(tmp_path / "project", "博野县部门预算绩效公开", "https://www.boye.gov.cn/ysjx/")
    result = build(tmp_path / "site", config)
    assert result.returncode == 0, result.stderr
    assert "site_name" not in result.stderr and "site_url" not in result.stderr, result.stderr
    sitemap = (tmp_path / "site" / "2023" / "sitemap.xml").read_text("utf-8")
    assert "<loc>https://www.boye.gov.cn/ysjx/2023/230001/index.html</loc>" in sitemap
    assert "budget-site.invalid" not in sitemap
    about = (tmp_path / "site" / "2023" / "about.html").read_text("utf-8")
    assert "<title>关于本站 · 博野县部门预算绩效公开</title>" in about
