"""Building twice from the same data gives the same bytes: every page, asset, index,
download and compressed file, and the archives made from them."""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
import struct
import time

from budget_site.archive import archive_year, date_epoch, publication_date
from budget_site.loading import load_data
from budget_site.site_build import build_site

from conftest import ROOT
from test_cli import tree_digest


def test_two_builds_are_byte_identical(years_site, tmp_path, monkeypatch):
    """The session's build of the three years, and another one now, from a copy of
    the data in another folder, run from another working directory."""
    time.sleep(1.1)  # a clock-based date would now differ (gzip and zip keep seconds)
    data = shutil.copytree(years_site.parent / "data", tmp_path / "elsewhere" / "data")
    monkeypatch.chdir(tmp_path)
    site = tmp_path / "elsewhere" / "site"
    build_site(data, site, ROOT / "mkdocs.yml")
    first, second = tree_digest(years_site), tree_digest(site)
    assert sorted(first) == sorted(second)
    differing = sorted(path for path in first if first[path] != second[path])
    assert differing == []
    assert any(path.endswith(".gz") for path in first) and any(path.endswith(".xlsx") for path in first)

    for year in (2021, 2023):
        one = archive_year(years_site, year, tmp_path / "archives-1").read_bytes()
        time.sleep(1.1)
        two = archive_year(site, year, tmp_path / "archives-2").read_bytes()
        assert one == two, year


def test_dates_come_from_the_data_not_the_clock(years_site, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    years = load_data(years_site.parent / "data")
    for year, data in years.items():
        date = publication_date(data)
        published = [u.disclosure.published_date for u in data.units if u.disclosure.published_date]
        assert date == (dt.date.fromisoformat(max(published)) if published else dt.date(year, 1, 1))
        sitemap = (years_site / str(year) / "sitemap.xml.gz").read_bytes()
        assert struct.unpack("<I", sitemap[4:8])[0] == date_epoch(date)  # the gzip header's mtime
        assert f"<lastmod>{date.isoformat()}</lastmod>" in gzip.decompress(sitemap).decode("utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert publication_date(years[2023]) == dt.date(2023, 11, 14)
