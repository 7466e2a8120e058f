"""Each year is a self-contained site: what the built files say, without a browser."""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from browsing import free_port
from conftest import ROOT
from years import CONTINUED_UNIT, YEARS

URL_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src", "source": "src",
                  "form": "action", "object": "data", "embed": "src", "audio": "src", "video": "src"}


def html_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


def references(page: Path) -> list[tuple[str, str]]:
    """(tag, address) of everything a page loads or links to."""
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    found = [(name, tag.get(attr)) for name, attr in URL_ATTRIBUTES.items()
             for tag in soup.find_all(name) if tag.get(attr)]
    refresh = soup.find("meta", attrs={"http-equiv": "refresh"})
    if refresh:
        found.append(("meta", refresh["content"].split("url=", 1)[1]))
    return found


def is_away(ref: str) -> bool:
    """A hyperlink to another website (the footer's 备案 registries), or Material's
    search share button (javascript:void(0)): neither is part of the year's site."""
    return ref.startswith(("https://", "http://")) or ref == "javascript:void(0)"


def test_versions_json_lists_the_years_newest_first(years_site):
    versions = json.loads((years_site / "versions.json").read_text("utf-8"))
    assert versions == [{"version": str(y), "title": f"{y}年度", "aliases": []} for y in sorted(YEARS, reverse=True)]


def test_portal_leads_to_the_newest_year(years_site):
    soup = BeautifulSoup((years_site / "index.html").read_text("utf-8"), "html.parser")
    assert soup.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=2023/index.html"
    assert [a["href"] for a in soup.select("li a")] == ["2023/index.html", "2022/index.html", "2021/index.html"]
    assert all(ref == "data:," or (years_site / ref).is_file() for _, ref in references(years_site / "index.html"))
    assert sorted(p.name for p in years_site.iterdir()) == ["2021", "2022", "2023", "index.html", "versions.json"]


def outside_and_broken(site: Path, year: int) -> tuple[list[str], list[str]]:
    """The references of the year's pages that leave the year (but for the portal and
    other websites' hyperlinks), and those to a file the year does not hold."""
    outside, broken = [], []
    for page in html_files(site / str(year)):
        here = page.parent.relative_to(site).as_posix()
        for tag, ref in references(page):
            if tag == "a" and is_away(ref):
                continue
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc or ref.startswith("/"):
                outside.append(f"{page.relative_to(site)}: {ref}")
                continue
            if not parts.path:
                continue  # "#anchor", "?q="
            target = posixpath.normpath(posixpath.join(here, unquote(parts.path)))
            if target == "index.html":
                continue  # the portal
            if not target.startswith(f"{year}/"):
                outside.append(f"{page.relative_to(site)}: {ref}")
            elif not (site / target).is_file():
                broken.append(f"{page.relative_to(site)}: {ref}")
    return outside, broken


def test_every_link_and_asset_stays_in_its_year(years_site):
    """Relative links only, each to a file of the same year; the one way out is the
    portal. (The year selector's ../versions.json is fetched by Material's script.)
    Links to other websites are allowed; anything a page loads must be in its year."""
    for year in YEARS:
        assert outside_and_broken(years_site, year) == ([], [])


def test_stylesheets_load_nothing_from_elsewhere(years_site):
    for css in (years_site / "2023").rglob("*.css"):
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text("utf-8")):
            assert ref.startswith(("data:", "#")) or not urlsplit(ref).scheme, f"{css}: {ref}"


def test_no_inline_script_or_style(years_site):
    """What lets the Content-Security-Policy be script-src 'self'; style-src 'self'."""
    for page in html_files(years_site / "2023"):
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        inline = [s for s in soup.find_all("script") if not s.get("src") and s.get("type") != "application/json"]
        assert inline == [], page
        assert soup.find("style") is None, page
        handlers = [(tag.name, attr) for tag in soup.find_all(True) for attr in tag.attrs if attr.startswith("on")]
        assert handlers == [], page
        assert not soup.select("[style]"), page


def test_material_scripts_moved_out_of_the_page_are_materials_own():
    """overrides/assets/javascripts/md-*.js are Material's inline scripts as files;
    a theme upgrade that changes them must change these files too."""
    import material

    partials = Path(material.__file__).parent / "templates" / "partials" / "javascripts"
    ours = ROOT / "overrides" / "assets" / "javascripts"
    for name in ("base", "palette", "content"):
        inline = re.findall(r"<script>(.*?)</script>", (partials / f"{name}.html").read_text("utf-8"))[-1]
        scope = '"{{ config.extra.scope | d(base_url) }}",location'
        inline = inline.replace(scope, '"../../",document.currentScript.src')
        script = (ours / f"md-{name}.js").read_text("utf-8")
        assert inline in script, name


def test_each_year_has_its_own_assets_search_index_and_sitemap(years_site):
    for year in YEARS:
        root = years_site / str(year)
        assert (root / "search" / "search_index.json").is_file()
        assert (root / "search" / "search_index.js").read_text("utf-8").startswith("var __index = ")
        assert (root / "assets" / "javascripts" / "vendor" / "iframe-worker-shim.js").is_file()
        sitemap = (root / "sitemap.xml").read_text("utf-8")
        assert f"<loc>https://budget-site.invalid/{year}/</loc>" in sitemap
        assert f"<loc>https://budget-site.invalid/{year}/300001/index.html</loc>" in sitemap
        info = json.loads((root / "build-info.json").read_text("utf-8"))
        assert info["year"] == year and "300001.yaml" in info["data"]


def test_preview_shows_one_chosen_year_and_reloads_when_its_data_changes(years_site, tmp_path):
    """mkdocs serve with BUDGET_YEAR: that year alone, compared with the year before it."""
    data = shutil.copytree(years_site.parent / "data", tmp_path / "data")
    port = free_port()
    env = {**os.environ, "BUDGET_DATA": str(data), "BUDGET_YEAR": "2022", "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen([str(Path(sys.executable).with_name("mkdocs")), "serve", "-a", f"127.0.0.1:{port}"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True)

    def page_with(text: str) -> str:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/{CONTINUED_UNIT}/index.html", timeout=5) as r:
                    page = r.read().decode("utf-8")
                    if text in page:
                        return page
            except OSError:
                pass
            time.sleep(0.5)
        raise AssertionError(f"预览中没有出现：{text}")

    try:
        page = page_with("与2021年比较")
        assert "2022年部门预算绩效文本" in page
        unit = data / "2022" / f"{CONTINUED_UNIT}.yaml"
        name = unit.read_text("utf-8").split("\n  name: ", 1)[1].split("\n", 1)[0]
        unit.write_text(unit.read_text("utf-8").replace(f"name: {name}", f"name: {name}（预览）", 1), encoding="utf-8")
        page_with(f"{name}（预览）")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
