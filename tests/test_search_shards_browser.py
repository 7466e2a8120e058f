"""Sharded search on a regional site with many shards, in Chromium: a reader's
first search downloads at most 300 KB gzip (everything search loads, measured
from the responses), finds the reference from the domain root, a sub-path and
the file system, and `region:` narrows the results to a region and those under it.
Document shards may live in their region's folder; a shard that is missing,
or a manifest of another format, is a message in Chinese, never results
silently short; characters outside the Basic Multilingual Plane are found and
highlighted whole."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import unicodedata
from pathlib import Path
from urllib.parse import quote

import pytest

from budget_site import search_shards
from budget_site.search_shards import gram_hash, searchable, shard_search_index
from budget_site.site_build import build_site

from browsing import RESULTS, Recorder, placed
from conftest import ROOT, serve_directory
from synthetic import write_regional_units

pytestmark = pytest.mark.browser

REGIONS, UNITS = 12, 25  # a province, a city, ten counties: 300 units
REFERENCE_REGION = "130105"  # 合成1市5县
FIRST_SEARCH_LIMIT = 300 * 1024
QUERIES = ("信访局", "满意度", "群众工作中心安保费", "13063722P004351100152", "绩效")
WORKER = ROOT / "overrides" / "assets" / "javascripts" / "search-worker.js"
# A unit whose measures hold CJK Extension B characters (two UTF-16 units each) and an emoji;
# the second measure's match sits so that a snippet cut by UTF-16 units would split a pair.
RARE_UNIT = "130107/300002"
RARE_MEASURES = (("𠮷田𪚥村便民服务站", "负责𠮷田𪚥村😀便民服务站的日常运行。"),
                 ("生僻字名录", "𠮷" * 40 + "丁戊己庚辛" + "𪚥" * 60))


def add_rare_measures(unit: Path) -> None:
    items = "".join(f"- title: {title}\n  text: {text}\n" for title, text in RARE_MEASURES)
    yaml = unit.read_text("utf-8")
    assert "\nmeasures:\n" in yaml
    unit.write_text(yaml.replace("\nmeasures:\n", "\nmeasures:\n" + items), "utf-8")


@pytest.fixture(scope="module")
def big_regional_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("sharded-search")
    write_regional_units(root / "data", [2023], regions=REGIONS, units=UNITS, seed=11)
    shutil.copy(ROOT / "data" / "2023" / "230001.yaml", root / "data" / "2023" / REFERENCE_REGION / "230001.yaml")
    add_rare_measures(root / "data" / "2023" / f"{RARE_UNIT}.yaml")
    build_site(root / "data", root / "site", ROOT / "mkdocs.yml")
    return root / "site"


def search(page, base: str, query: str, found: bool = True, on: str = "2023") -> list[str]:
    """The result links of a search link (?q=) opened on the year home (or the home ``on``)."""
    page.goto(f"{base}/{on}/index.html?q={quote(query)}")
    page.wait_for_function("() => document.querySelector('.md-search-result__link')" if found else RESULTS,
                           timeout=30000)
    return page.eval_on_selector_all(".md-search-result__link", "links => links.map(a => a.href)")


def first_search(browser, base: str, query: str) -> tuple[dict[str, bytes], list[str]]:
    """A new reader's search: the search files' bodies received (by address), and the result links."""
    page = browser.new_page()
    searched: dict[str, bytes] = {}
    page.on("requestfinished", lambda request: re.search(r"/search[/-]", request.url)
            and searched.setdefault(request.url, request.response().body()))
    links = search(page, base, query)
    page.close()
    return searched, links


def test_shards_are_many_and_the_first_search_stays_small(big_regional_site, browser):
    shards = big_regional_site / "2023" / "search" / "shards"
    files = [*shards.iterdir(), *big_regional_site.glob("2023/*/search/shards/d.*.js")]
    total = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)
    documents = len(document_shards(big_regional_site / "2023"))
    print(f"\nsearch index: {documents} document shards, {len(list(shards.glob('t.*.js')))} term files,"
          f" {total / 1024:.0f} KB gzip in all")
    assert documents >= 50 and total > 3 * FIRST_SEARCH_LIMIT  # loading it all would break the limit
    with serve_directory(big_regional_site) as base:
        for query in QUERIES:
            searched, links = first_search(browser, base, query)
            download = sum(len(gzip.compress(body, 6)) for body in searched.values())
            print(f"first search {query}: {download / 1024:.0f} KB gzip in {len(searched)} files, {len(links)} pages")
            assert any("/search/shards/d" in url for url in searched)
            assert download <= FIRST_SEARCH_LIMIT, (query, download)
            assert links, query


@pytest.mark.parametrize("where", ["root", "sub-path", "file"])
def test_sharded_search_finds_the_reference_anywhere(big_regional_site, browser, tmp_path, where):
    page = browser.new_page()
    recorder = Recorder(page)
    with placed(big_regional_site, where, tmp_path) as base:
        for query in ("博野县信访局", "常年驻京值班经费"):
            links = search(page, base, query)
            assert links[0].startswith(f"{base}/2023/{REFERENCE_REGION}/230001/"), (query, links[:3])
        recorder.check(base, ("index.html", "versions.json"))
    page.close()


def test_region_narrows_search_to_a_region_and_those_under_it(big_regional_site, browser):
    page = browser.new_page()
    with serve_directory(big_regional_site) as base:
        everywhere = search(page, base, "满意度")
        county = search(page, base, "region:合成1市3县 满意度")
        city = search(page, base, "地区：130100 满意度")
        nowhere = search(page, base, "region:不存在 满意度", found=False)
    page.close()
    regions = {url.split("/2023/")[1].split("/")[0] for url in everywhere}
    assert len(regions) > 1
    assert county and all("/2023/130103/" in url for url in county)
    assert city and all(re.search(r"/2023/1301\d\d/", url) for url in city)
    assert {url.split("/2023/")[1].split("/")[0] for url in city} != {"130103"}
    assert nowhere == []


def test_a_region_s_readers_find_its_own_results_first(big_regional_site, browser):
    page = browser.new_page()
    with serve_directory(big_regional_site) as base:
        from_year = search(page, base, "信访局")
        from_county = search(page, base, "信访局", on=f"2023/{REFERENCE_REGION}")
        from_other = search(page, base, "博野县信访局", on="2023/130103")
    page.close()
    regions = [url.split("/2023/")[1].split("/")[0] for url in from_county]
    # Many counties have a 信访局: on the county's pages its own come first, the reference among them.
    assert len({url.split("/2023/")[1].split("/")[0] for url in from_year}) > 1
    assert regions[0] == REFERENCE_REGION and len(set(regions)) > 1, regions
    assert any(f"/2023/{REFERENCE_REGION}/230001/" in url for url in from_county[:5]), from_county[:5]
    # What only another region holds is still found.
    assert from_other[0].startswith(f"{base}/2023/{REFERENCE_REGION}/230001/"), from_other[:3]


# ------------------------------------------------------------------------
# Shards in other folders, shards missing
# ------------------------------------------------------------------------


def read_shard(path: Path) -> tuple[str, object]:
    """The name and data of a shard script, ``__shard(name,data)`` (search_shards.py)."""
    name, _, data = path.read_text("utf-8")[len("__shard("):-2].partition(",")
    return json.loads(name), json.loads(data)


def document_shards(year: Path) -> list[Path]:
    """The year's own document shards and every region's (``<year>/<region>/search/shards/``)."""
    return sorted([*year.glob("search/shards/d.*.js"), *year.glob("*/search/shards/d.*.js")])


@pytest.mark.parametrize("where", ["root", "sub-path", "file"])
def test_document_shards_in_region_folders_are_found_anywhere(big_regional_site, browser, tmp_path, where):
    """Each region's build writes its document shards into its own folder; the year's
    manifest names each by its path from the year's search/shards/."""
    page = browser.new_page()
    recorder = Recorder(page)
    with placed(big_regional_site, where, tmp_path) as base:
        reference = search(page, base, "博野县信访局")
        county = search(page, base, "region:合成1市3县 满意度")
        everywhere = search(page, base, "满意度")
        recorder.check(base, ("index.html", "versions.json"))
    page.close()
    assert reference[0].startswith(f"{base}/2023/{REFERENCE_REGION}/230001/"), reference[:3]
    assert county and all("/2023/130103/" in url for url in county)
    assert len({url.split("/2023/")[1].split("/")[0] for url in everywhere}) > 2
    for code in (REFERENCE_REGION, "130103"):
        assert any(f"/2023/{code}/search/shards/d" in url for url in recorder.requests), code


def plain_searchable(html: str) -> str:
    return searchable(re.sub(r"<[^>]+>", "", html))


@pytest.fixture(scope="module")
def damaged_site(big_regional_site, tmp_path_factory):
    """The site without the document shard of the reference's home page; with a query only
    that shard answers (no other shard holds the trigrams of its six characters)."""
    site = tmp_path_factory.mktemp("damaged") / "site"
    shutil.copytree(big_regional_site, site)
    documents = {path: read_shard(path)[1] for path in document_shards(site / "2023")}
    lost = next(path for path, docs in documents.items()
                if any(doc["location"] == f"{REFERENCE_REGION}/230001/index.html" for doc in docs))
    text = {path: "\x01".join(plain_searchable(doc[field]) for doc in docs for field in ("title", "text"))
            for path, docs in documents.items()}
    only_lost = next(
        window for window in (text[lost][i:i + 6] for i in range(len(text[lost])))
        if re.fullmatch("[\u4e00-\u9fff]{6}", window)
        and not any(all(window[i:i + 3] in value for i in range(4)) for path, value in text.items() if path != lost))
    assert "满意度" in text[lost]
    lost.unlink()
    return site, lost, only_lost


def type_query(page, query: str) -> None:
    page.fill(".md-search__input", "")
    page.focus(".md-search__input")
    page.keyboard.type(query)
    page.keyboard.press("End")  # a key's keyup, which Material reads the query on (typed Chinese has none)


STALE = "搜索暂时不能使用"  # the title of the worker's one result when it cannot answer whole


def search_titles(page) -> list[str]:
    return page.eval_on_selector_all(".md-search-result__article h1", "titles => titles.map(h => h.textContent)")


@pytest.mark.parametrize("where", ["root", "file"])
def test_a_missing_shard_is_said_in_chinese_and_asked_for_again(
        damaged_site, big_regional_site, browser, tmp_path, where):
    """A shard the manifest names and the server does not have: the worker loads the manifest
    anew (past the cache) once, then says so in Chinese instead of answering without it;
    the same worker asks for it again on the next query."""
    site, lost, only_lost = damaged_site
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    recorder = Recorder(page)
    with placed(site, where, tmp_path) as base:
        county = search(page, base, "region:合成1市5县 满意度")  # the lost shard is one of its candidates
        assert len(county) == 1 and search_titles(page) == [STALE], county
        assert county[0].startswith(f"{base}/2023/index.html")  # the page the reader is on: reloading it
        assert any(re.search(r"/search/shards/manifest\.js\?\d+$", url) for url in recorder.requests)
        assert search(page, base, only_lost) and search_titles(page) == [STALE]
        shutil.copy(big_regional_site / lost.relative_to(site), lost)
        try:
            type_query(page, only_lost)  # the same reader, the same worker: it asks again
            answered = ("() => { const links = [...document.querySelectorAll('.md-search-result__link')];"
                        f" return links.length && !links.some(a => a.textContent.includes({json.dumps(STALE)})) }}")
            page.wait_for_function(answered, timeout=30000)
            links = page.eval_on_selector_all(".md-search-result__link", "links => links.map(a => a.href)")
            assert links[0].startswith(f"{base}/2023/{REFERENCE_REGION}/230001/"), (only_lost, links[:3])
        finally:
            lost.unlink()
    page.close()
    assert errors == []


def test_a_manifest_of_another_format_is_said_in_chinese(big_regional_site, browser, tmp_path):
    """A worker reads only the manifest's FORMAT: one of another (a server or proxy that kept
    the worker of another release) is reloaded once, then said in Chinese."""
    site = tmp_path / "site"
    shutil.copytree(big_regional_site / "2023" / "search", site / "2023" / "search")
    for name in ("2023/index.html", "2023/assets"):
        (site / name).symlink_to(big_regional_site / name)
    manifest = site / "2023" / "search" / "shards" / "manifest.js"
    name, data = read_shard(manifest)
    manifest.write_text(f"__shard({json.dumps(name)},{json.dumps({**data, 'format': 1})})\n", "utf-8")
    page = browser.new_page()
    with serve_directory(site) as base:
        search(page, base, "博野县信访局")
        assert search_titles(page) == [STALE]
    page.close()


# ------------------------------------------------------------------------
# Characters outside the Basic Multilingual Plane
# ------------------------------------------------------------------------


def test_the_worker_folds_and_hashes_text_as_python_does(browser):
    """search-worker.js against search_shards.py, character by character: Latin, CJK and
    compatibility ideographs, mathematical letters, Deseret, enclosed letters, emoji, Extension B."""
    blocks = (range(0, 0xd800), range(0xe000, 0x10000), range(0x10400, 0x10450), range(0x1d400, 0x1d800),
              range(0x1f100, 0x1f200), range(0x1f600, 0x1f650), range(0x20000, 0x20400), range(0x2f800, 0x2fa20))
    chars = [chr(code) for block in blocks for code in block if unicodedata.category(chr(code)) != "Cn"]
    page = browser.new_page()
    page.goto("about:blank")
    page.add_script_tag(path=str(WORKER))
    folded = page.evaluate("chars => chars.map(ch => prepare(ch, false).norm)", chars)
    differ = [(f"U+{ord(ch):04X}", searchable(ch), js) for ch, js in zip(chars, folded, strict=True)
              if searchable(ch) != js]
    assert differ == []
    text = "".join(chars)
    assert page.evaluate("text => prepare(text, true).norm", text) == searchable(text)
    terms = ["𠮷田𪚥村😀", "\U0002f800𝐀ﬀ", "𠮷"]
    queried = page.evaluate("terms => normaliseQuery(terms.join(' '))", terms)
    assert queried == [searchable(term) for term in terms]
    grams = [term[i:i + 2] for term in queried for i in range(len(term) - 1)] + ["𠮷", "😀"]
    hashed = page.evaluate("grams => { manifest = { terms: [...Array(97).keys()].map(n => `t${n}`) };"
                           " return grams.map(gramFile) }", grams)
    assert hashed == [f"t{gram_hash(gram, 97)}" for gram in grams]
    assert page.evaluate("term => grams(term, 2)", queried[0]) == [queried[0][i:i + 2] for i in range(4)]
    assert page.evaluate("term => coverGrams(term)", queried[0]) == [queried[0][i:i + 3] for i in range(3)]
    page.close()


def two_shards_fit(browser, tmp_path: Path, docs: list[dict], query: str) -> tuple[list[str], list[str]]:
    """The worker's answer to ``query`` over ``docs`` in shards, the budget holding two of them:
    the pages of the shards it loaded, and of its results."""
    (tmp_path / "shards").mkdir()
    for name, script in shard_search_index(json.dumps({"docs": docs})).items():
        (tmp_path / "shards" / f"{name}.js").write_text(script, "utf-8")
    (tmp_path / "index.html").write_text('<!doctype html><meta charset="utf-8"><title>search</title>', "utf-8")
    page = browser.new_page()
    with serve_directory(tmp_path) as base:
        page.goto(f"{base}/index.html")
        page.add_script_tag(path=str(WORKER))
        loaded = page.evaluate("""async ([base, query]) => {
            shardBase = base + "/shards/"
            await loadManifest()
            manifest.shards.forEach(entry => { entry[1] = BUDGET / 2 })
            const answer_ = await answer(query)
            return [[...shardSections.values()].flat().map(section => section.page),
                    answer_.items.map(group => group[0].location)]
        }""", [base, query])
    page.close()
    return loaded


def test_a_query_no_section_holds_loads_the_shards_holding_its_pieces(browser, tmp_path, monkeypatch):
    """信访局值班费 is in no section. Busy shards hold 信访局值班 many times, one shard holds
    信访局 and 值班费 apart; only two shards fit the budget. The worker loads first the shards
    whose pieces cover most of the query, not those where its bigrams are most frequent (on a
    province's home, the hundred 信访局 with the most 信访 came before the reference)."""
    monkeypatch.setattr(search_shards, "SHARD_BYTES", 1)  # a shard per page
    docs = [{"location": f"busy{n}/index.html", "title": f"信访局{n}", "text": "信访局值班。" * 40}
            for n in range(4)]
    docs.append({"location": "target/index.html", "title": "目标", "text": "信访局的工作。常年驻京值班工作队值班费。"})
    pages, results = two_shards_fit(browser, tmp_path, docs, "信访局值班费")
    assert len(set(pages)) == 2 and "target/index.html" in pages, pages
    assert "target/index.html" in results, results


def test_a_phrase_whose_bigrams_every_shard_holds_loads_only_the_shards_holding_it(browser, tmp_path, monkeypatch):
    """财政资产管理 is in one shard; busy shards hold each of its bigrams many times (财政资金,
    资产管理) but not 政资产, and only two shards fit the budget. With bigrams alone the worker
    loaded the busiest shards and missed it, as for phrases a single unit holds on a province's
    home; trigrams tell the shards apart."""
    monkeypatch.setattr(search_shards, "SHARD_BYTES", 1)  # a shard per page
    docs = [{"location": f"busy{n}/index.html", "title": f"单位{n}", "text": "加强财政资金和资产管理。" * 40}
            for n in range(4)]
    docs.append({"location": "target/index.html", "title": "目标", "text": "规范财政资产管理。"})
    pages, results = two_shards_fit(browser, tmp_path, docs, "财政资产管理")
    assert pages == ["target/index.html"], pages
    assert results == ["target/index.html"], results


@pytest.mark.parametrize("query, marked", [("𠮷田𪚥村", "𠮷田𪚥村"), ("村😀便", "村😀便"),
                                           ("戊己庚辛", "戊己庚辛"), ("庚辛𪚦", "庚辛")])
def test_characters_outside_the_basic_plane_are_found_and_marked_whole(big_regional_site, browser, query, marked):
    page = browser.new_page()
    with serve_directory(big_regional_site) as base:
        links = search(page, base, query)
        marks = page.eval_on_selector_all(".md-search-result mark", "marks => marks.map(m => m.textContent)")
        whole = page.eval_on_selector_all(".md-search-result__item",
                                          "items => items.every(item => item.textContent.isWellFormed())")
    page.close()
    assert links[0].startswith(f"{base}/2023/{RARE_UNIT}/"), links[:3]
    assert marked in marks and whole
