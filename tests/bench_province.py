"""``make bench-province``, also a section of ``make bench``: a province platform,
one year of 10,000 units in 100 regions, built and searched.

The data: ``tests/synthetic.py`` ``write_regional_units`` (a province, ten
cities, 89 counties, 100 units each; never in ``data/``) plus the reference
document ``data/2023/230001.yaml`` as one more unit of the first county.
Measured, in a temporary folder:

* ``budget-site build --jobs 2``: wall time and peak memory of the whole
  process tree, workers included, as PSS (``/proc/<pid>/smaps_rollup``: a page
  shared by several processes counted once, split among them) and, for
  comparison, as summed RSS (which counts shared pages in every process);
* the floor: plain MkDocs with the same Material theme, search plugin and
  overrides and no hooks, building the very same pages split the same way
  (one site per region folder of our site, one for the year's own pages), each
  page being the ``<article class="md-content__inner">`` HTML of our built page
  as a pre-rendered ``.md`` file, two sites at a time (``tests/floor_build.py``);
  and the same pages as one plain site, one ``mkdocs build`` (how the issue
  measured its county baseline, and all plain MkDocs can do: it builds a site
  in one process);
* pages, the largest page, the year home; ``budget-site check`` (loading and
  checking the data, part of every build);
* ``budget-site build --region <county>`` after editing one unit of that
  county (the change checked on its page), then the same under cProfile in
  one process: which packages its time goes to;
* in Debian's Chromium, the site served on 127.0.0.1 with gzip: what the
  first search transfers, and the time from entering the query of a first
  search to the first result with the CPU slowed 4× (CDP
  ``Emulation.setCPUThrottlingRate``; Chromium does not slow Web Workers, so
  the worker's own search runs at full speed), for five queries;
* recall: every query of ``tests/search_queries.tsv`` in Chromium, found when
  a section holding its expected text is among the first five results,
  searched on the year home and on the home of the reference's county (where
  that county's results come first: 信访局 is one of a hundred counties' alike).

``budget-site build`` options that the installed version lacks (``--jobs``,
``--region``) are detected from its ``--help`` and left out (and said so).
Run by ``tests/bench.py --section province`` (``make bench-province``; smaller:
``--province REGIONS UNITS``), which writes the report into handbook/performance.md between
the bench-province markers.
"""

from __future__ import annotations

import json
import os
import pstats
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from bench import ENV, YEAR, NoResult, PeakMemory, search_download, served, tree_pss_kb  # noqa: E402

from browsing import RESULTS, read_queries, squash  # noqa: E402
from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from synthetic import synthetic_regions, unit_code, write_regional_units  # noqa: E402

BIN = Path(sys.executable).parent
REGIONS, UNITS = 100, 100
JOBS = 2
CPU_SLOWDOWN = 4
TOP = 5
TIMED_QUERIES = ("满意度", "信访局", "群众工作中心安保费", "13063722P004351100152", "驻京")
ARTICLE = '<article class="md-content__inner'
EDIT_MARKER = "省级基准测试修改"
TIMEOUT = 50 * 60  # seconds for any one build: a stuck build ends the run, never hangs it
SAMPLE_SECONDS = 0.25  # reading smaps_rollup costs the kernel time; peaks last longer than this


@dataclass
class Measured:
    seconds: float
    pss_mb: float
    rss_mb: float


@dataclass
class ProvinceRow:
    regions: int
    units: int
    options: list[str]
    build: Measured
    floor: Measured  # plain MkDocs split like ours, JOBS at a time
    floor_single: Measured  # plain MkDocs, all the pages as one site
    check_s: float
    pages: int
    largest_page: str
    largest_kb: float
    home_kb: float
    region_code: str
    region: Measured | None
    costs: list[tuple[str, float]]  # share of a --region rebuild's time by package
    search_kb: list[float]
    search_ms: list[float]
    search_failed: list[str]  # timed searches that found nothing
    found: int  # from the year home
    queries: int
    missed: list[str]
    found_in_county: int  # from the home of the reference's county, whose results come first there
    missed_in_county: list[str]
    load: float  # load average at the start: the machine may be shared

    @property
    def ratio(self) -> float:
        return self.build.seconds / self.floor.seconds

    @property
    def ratio_single(self) -> float:
        return self.build.seconds / self.floor_single.seconds


def run_measured(cmd: list[str], timeout: float = TIMEOUT) -> Measured:
    """Wall seconds and peak memory (PSS and summed RSS, MB) of a command and its
    worker processes; a failure or ``timeout`` ends the bench with the command's errors."""
    errors = tempfile.TemporaryFile()
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=errors,
                               start_new_session=True)

    def stop() -> None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, stop)
    timer.start()
    try:
        with PeakMemory(process.pid, tree_pss_kb, SAMPLE_SECONDS) as pss, \
                PeakMemory(process.pid, interval=SAMPLE_SECONDS) as rss:
            _, status, _ = os.wait4(process.pid, 0)
    except BaseException:
        stop()
        raise
    finally:
        timer.cancel()
    elapsed = time.perf_counter() - start
    if status != 0:
        errors.seek(0)
        why = f"timed out after {timeout:.0f} s" if elapsed >= timeout else "failed"
        raise SystemExit(f"{why}: {' '.join(cmd)}\n{errors.read().decode(errors='replace')[-4000:]}")
    return Measured(elapsed, pss.kb / 1024, rss.kb / 1024)


def build_options() -> list[str]:
    """Which of ``--jobs`` and ``--region`` the installed ``budget-site build`` knows."""
    text = subprocess.run([str(BIN / "budget-site"), "build", "--help"], capture_output=True, text=True,
                          env=ENV, timeout=120).stdout
    return [option for option in ("--jobs", "--region") if re.search(rf"{option}\b", text)]


def make_data(data: Path, regions: int, units: int) -> tuple[str, Path]:
    """The province's data; the reference county's code and a unit file of it to edit."""
    write_regional_units(data, [YEAR], regions, units, seed=1)
    county = next(r["code"] for r in synthetic_regions(regions) if r["level"] == "县")
    # Synthetic unit codes start at 300001: the reference keeps its own, 230001.
    shutil.copyfile(ROOT / "data" / str(YEAR) / "230001.yaml", data / str(YEAR) / county / "230001.yaml")
    return county, data / str(YEAR) / county / f"{unit_code(0)}.yaml"


def page_stats(year_site: Path) -> tuple[int, str, float, float]:
    """Pages, the largest (path in the year, KB) and the year home's KB."""
    sizes = {page.relative_to(year_site).as_posix(): page.stat().st_size for page in year_site.rglob("*.html")}
    largest = max(sizes, key=sizes.__getitem__)
    return len(sizes), largest, sizes[largest] / 1024, sizes["index.html"] / 1024


# --------------------------------------------------------------------------- floor


def article_html(page: str) -> str | None:
    """The inner HTML of Material's ``<article class="md-content__inner …">``."""
    start = page.find(ARTICLE)
    if start < 0:
        return None
    start = page.index(">", start) + 1
    return page[start:page.rindex("</article>")]


def floor_configs(year_site: Path, region_codes: set[str], work: Path, split: bool = True) -> list[Path]:
    """One plain MkDocs configuration per region folder of our site and one for the year's
    own pages, each with our pages' articles as pre-rendered Markdown; the year's first.
    Not ``split``: one configuration for all the pages."""
    docs = work / "floor-docs"
    groups: dict[str, int] = {}
    for page in year_site.rglob("*.html"):
        relative = page.relative_to(year_site)
        if relative.name == "404.html":  # MkDocs writes its own
            continue
        in_region = split and len(relative.parts) > 1 and relative.parts[0] in region_codes
        group = relative.parts[0] if in_region else ""
        article = article_html(page.read_text("utf-8"))
        if article is None:
            continue
        target = docs / (group or "_year") / relative.relative_to(group).with_suffix(".md")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(article, encoding="utf-8")
        groups[group] = groups.get(group, 0) + 1
    base = yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8"))
    base.pop("hooks", None)
    base.pop("validation", None)
    base["theme"]["custom_dir"] = str(ROOT / "overrides")
    base["strict"] = False
    configs = []
    for group in sorted(groups, key=lambda g: (g != "", -groups[g], g)):
        name = group or "_year"
        config = {**base, "docs_dir": str(docs / name), "site_dir": str(work / "floor-site" / name)}
        # Like our pages, each carries a small navigation, not every unit.
        config["nav"] = [{"首页": "index.md"}, *(base.get("nav", []) if not group else [])]
        path = work / "floor-configs" / f"{name}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        configs.append(path)
    return configs


# --------------------------------------------------------------------------- browser


def section_texts(year_site: Path) -> dict[str, str]:
    """Location in the year (``130101/230001/index.html#…``) → title and text of each
    indexed section, white space removed: from the whole indexes and the shards."""
    texts: dict[str, str] = {}

    def add(docs: list[dict], search_dir: Path) -> None:
        prefix = search_dir.parent.relative_to(year_site).as_posix()
        prefix = "" if prefix == "." else f"{prefix}/"
        for doc in docs:  # a region's index may give locations in the region or in the year
            location = doc["location"] if doc["location"].startswith(prefix) else prefix + doc["location"]
            texts[location] = squash(re.sub(r"<[^>]+>", "", doc["title"] + doc["text"]))

    for index in year_site.rglob("search/search_index.json"):
        add(json.loads(index.read_text("utf-8"))["docs"], index.parent)
    for shard in year_site.rglob("search/shards/d*.js"):  # a region's site keeps only its shards
        script = shard.read_text("utf-8")
        add(json.loads(script[script.index(",") + 1:script.rindex(")")]), shard.parent.parent)
    return texts


def first_results(page, base: str, query: str, on: str = "") -> list[str]:
    """Locations in the year of the first results of a search link on the year home
    (or on the home of region ``on``)."""
    page.goto(f"{base}/{YEAR}/{on + '/' if on else ''}index.html?q={quote(query)}")
    page.wait_for_function(RESULTS, timeout=60000)
    hrefs = page.eval_on_selector_all(
        ".md-search-result__list > li a.md-search-result__link",
        "els => els.filter(e => !e.closest('details')).map(e => e.href)")
    locations = []
    for href in hrefs[:TOP]:
        parts = urlsplit(href)
        locations.append(parts.path.split(f"/{YEAR}/", 1)[1] + (f"#{parts.fragment}" if parts.fragment else ""))
    return locations


def recall(browser, base: str, texts: dict[str, str], on: str = "") -> tuple[int, list[str]]:
    """Queries of search_queries.tsv found in the first five results (searched on the
    year home, or on region ``on``'s), and those missed."""
    page = browser.new_page()
    missed = []
    try:
        for query, expected in read_queries():
            results = first_results(page, base, query, on)
            if not any(squash(expected) in texts.get(location, "") for location in results):
                missed.append(query)
    finally:
        page.close()
    return len(read_queries()) - len(missed), missed


def keystroke_to_result_ms(browser, base: str, query: str) -> float:
    """A new reader on the year home, CPU slowed: focus the search box, enter the query,
    and time from then (with End: Material reads the box on keyup) to the first result."""
    context = browser.new_context()
    try:
        page = context.new_page()
        warnings: list[str] = []
        page.on("console", lambda message: message.type in ("warning", "error") and warnings.append(message.text))
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        page.goto(f"{base}/{YEAR}/index.html", wait_until="networkidle", timeout=120000)
        page.focus(".md-search__input")
        # The query entered whole, as an input method commits it (typed a character at a time,
        # each prefix would be searched and answered first), then a key's keyup.
        start = time.perf_counter()
        page.fill(".md-search__input", query)
        page.keyboard.press("End")
        page.wait_for_function(RESULTS, polling=20, timeout=60000)
        elapsed = (time.perf_counter() - start) * 1000
        if not page.query_selector(".md-search-result__item"):
            said = f" (console: {warnings[0].splitlines()[0]})" if warnings else ""
            raise NoResult(f"{query}: none found at 4× CPU after {elapsed:.0f} ms{said}")
        return elapsed
    finally:
        context.close()


def settle(timeout: float = 180) -> None:
    """Wait for the machine to calm down after the builds before timing searches
    (the one-minute load average falls by about two thirds a minute)."""
    deadline = time.monotonic() + timeout
    while os.getloadavg()[0] > (os.cpu_count() or 1) / 2 and time.monotonic() < deadline:
        time.sleep(5)


def browse(site: Path, county: str) -> tuple[list[float], list[float], list[str], int, int, list[str], int,
                                             list[str]]:
    """First-search KB and keystroke-to-result ms per timed query, the searches that
    found nothing, then the recall: found, queries, missed, from the year home and from
    the reference county's home."""
    from playwright.sync_api import sync_playwright

    kilobytes, millis, failed = [], [], []
    texts = section_texts(site / str(YEAR))
    settle()
    with served(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for query in TIMED_QUERIES:
                try:
                    # A new page of its own; it also leaves the files this query loads compressed in
                    # GzipHandler's cache, as a real server's would be, before the timed search.
                    kilobytes.append(search_download(browser, base, query)[0])
                    millis.append(keystroke_to_result_ms(browser, base, query))
                except NoResult as error:
                    failed.append(str(error))
            found, missed = recall(browser, base, texts)
            found_in_county, missed_in_county = recall(browser, base, texts, county)
        finally:
            browser.close()
    return kilobytes, millis, failed, found, len(read_queries()), missed, found_in_county, missed_in_county


# --------------------------------------------------------------------------- run


def region_rebuild(data: Path, site: Path, county: str, unit_file: Path, options: list[str]) -> Measured | None:
    """``budget-site build --region COUNTY`` after editing one of its units; None without ``--region``."""
    if "--region" not in options:
        return None
    text = unit_file.read_text("utf-8")
    unit_file.write_text(re.sub(r"(prepared_by: )(.*)", rf"\g<1>\g<2>{EDIT_MARKER}", text, count=1), "utf-8")
    measured = run_measured(build_command(data, site, options) + ["--region", county])
    page = site / str(YEAR) / county / unit_file.stem / "index.html"
    if EDIT_MARKER not in page.read_text("utf-8"):
        raise SystemExit(f"budget-site build --region {county} did not update {page}")
    return measured


def profile_region(data: Path, site: Path, county: str, options: list[str], work: Path) -> list[tuple[str, float]]:
    """Where ``budget-site build --region COUNTY`` spends its time, in one process
    (``--jobs 1``) under cProfile: shares of the self time by package, a built-in or
    standard-library function's counted with the packages that called it."""
    if "--region" not in options:
        return []
    out = work / "region.prof"
    command = build_command(data, site, options, jobs=1)
    run_measured([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "budget_site.cli", *command[1:],
                  "--region", county])
    stats = pstats.Stats(str(out)).stats
    origins: dict[tuple, dict[str, float]] = {}

    def origin(function: tuple, seen: frozenset) -> dict[str, float]:
        """The packages a function's time belongs to, and in what shares."""
        package = package_of(function[0])
        if package != "Python" or function in seen or function not in stats:
            return {package: 1.0}
        if function not in origins:
            callers = stats[function][4]
            weights = {caller: spent[3] or spent[1] for caller, spent in callers.items()}
            whole = sum(weights.values())
            shares: dict[str, float] = {}
            for caller, weight in weights.items():
                for name, share in origin(caller, seen | {function}).items():
                    shares[name] = shares.get(name, 0.0) + share * weight / whole
            origins[function] = shares or {"Python": 1.0}
        return origins[function]

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))
    totals: dict[str, float] = {}
    for function, (_, _, own, _, _) in stats.items():
        for name, share in origin(function, frozenset()).items():
            totals[name] = totals.get(name, 0.0) + own * share
    whole = sum(totals.values())
    return sorted(((name, seconds / whole) for name, seconds in totals.items()), key=lambda item: -item[1])


def package_of(filename: str) -> str:
    """``mkdocs``, ``material``, ``budget_site``, ``hooks``…; ``Python`` for built-ins and the standard library."""
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    for own in ("budget_site", "hooks"):
        if f"/{own}/" in filename:
            return own
    return "Python"


def build_command(data: Path, site: Path, options: list[str], jobs: int = JOBS) -> list[str]:
    command = [str(BIN / "budget-site"), "build", "--data", str(data), "--site", str(site)]
    return command + (["--jobs", str(jobs)] if "--jobs" in options else [])


def measure(work: Path, regions: int, units: int) -> ProvinceRow:
    load = os.getloadavg()[0]
    options = build_options()
    data, site = work / "data", work / "site"
    county, unit_file = make_data(data, regions, units)
    say(f"{regions} regions × {units} units written; budget-site build {' '.join(options) or '(no --jobs)'}")
    build = run_measured(build_command(data, site, options))
    say(f"build: {build.seconds:.0f} s, PSS {build.pss_mb:.0f} MB")
    check = run_measured([str(BIN / "budget-site"), "check", "--data", str(data)])
    year_site = site / str(YEAR)
    pages, largest, largest_kb, home_kb = page_stats(year_site)
    codes = {r["code"] for r in synthetic_regions(regions)}
    floor = plain_mkdocs(year_site, codes, work, split=True)
    floor_single = plain_mkdocs(year_site, codes, work, split=False)
    region = region_rebuild(data, site, county, unit_file, options)
    costs = profile_region(data, site, county, options, work)
    kilobytes, millis, failed, found, queries, missed, found_in_county, missed_in_county = browse(site, county)
    return ProvinceRow(regions, units, options, build, floor, floor_single, check.seconds, pages, largest, largest_kb,
                       home_kb,
                       county, region, costs, kilobytes, millis, failed, found, queries, missed,
                       found_in_county, missed_in_county, load)


def plain_mkdocs(year_site: Path, codes: set[str], work: Path, split: bool) -> Measured:
    """The floor: the same pages built by plain MkDocs, split like ours or as one site."""
    configs = floor_configs(year_site, codes, work, split)
    say(f"floor: {len(configs)} plain MkDocs site{'s' if len(configs) > 1 else ''}")
    floor = run_measured([sys.executable, str(ROOT / "tests" / "floor_build.py"), str(JOBS if split else 1),
                          *map(str, configs)])
    say(f"floor: {floor.seconds:.0f} s, PSS {floor.pss_mb:.0f} MB")
    for folder in ("floor-docs", "floor-site", "floor-configs"):  # a few GB at full size
        shutil.rmtree(work / folder)
    return floor


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def spread(values: list[float], how: str) -> str:
    """"31 to 190" or "392 (max 692)"; "–" when no search answered."""
    if not values:
        return "–"
    if how == "to":
        return f"{min(values):.0f} to {max(values):.0f}"
    return f"{statistics.median(values):.0f} (max {max(values):.0f})"


def table(row: ProvinceRow) -> str:
    region = (f"{row.region.seconds:.0f} ({row.region.seconds / row.build.seconds:.2f} of the build)"
              if row.region else "– (no `--region` yet)")
    return "\n".join([
        f"| regions × units | pages | build (s) | floor split, {JOBS} at a time (s) | ratio "
        "| floor as one site (s) | ratio | peak PSS (MB) "
        "| floor peak PSS, split · one site (MB) | largest page (KB) | year home (KB) | `--region` rebuild (s) "
        "| first search (KB gzip) | keystroke to first result, 4× CPU (ms) | recall: year home · county home |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
        f"| {row.regions} × {row.units} | {row.pages} | {row.build.seconds:.0f} | {row.floor.seconds:.0f} "
        f"| {row.ratio:.2f} | {row.floor_single.seconds:.0f} | {row.ratio_single:.2f} | {row.build.pss_mb:.0f} "
        f"| {row.floor.pss_mb:.0f} · {row.floor_single.pss_mb:.0f} | {row.largest_kb:.1f} "
        f"| {row.home_kb:.1f} | {region} | {spread(row.search_kb, 'to')} | {spread(row.search_ms, 'max')} "
        f"| {row.found}/{row.queries} · {row.found_in_county}/{row.queries} |",
    ])


def report(row: ProvinceRow) -> str:
    options = " ".join(row.options)
    lines = [
        table(row), "",
        f"Largest page: `{row.largest_page}`. Summed RSS of the process trees (shared pages counted in every "
        f"process): ours {row.build.rss_mb:.0f} MB, the split floor's {row.floor.rss_mb:.0f} MB. "
        f"`budget-site check` (loading and checking the data) took {row.check_s:.0f} s.",
    ]
    if row.costs:
        shares = ", ".join(f"{name} {share:.0%}" for name, share in row.costs if share >= 0.01)
        lines.append(f"Where a `--region` rebuild spends its time (cProfile, `--jobs 1`, self time by package, "
                     f"built-ins and the standard library counted with their caller): {shares}.")
    if row.search_failed:
        lines.append(f"Timed searches that found nothing (not in the first-search figures): "
                     f"{'; '.join(row.search_failed)}.")
    if row.missed:
        lines.append(f"Queries missed on the year home: {'、'.join(row.missed)}.")
    if row.missed_in_county:
        lines.append(f"Queries missed on the home of county {row.region_code}, where the reference is: "
                     f"{'、'.join(row.missed_in_county)}.")
    if "--jobs" not in row.options:
        lines.append("This `budget-site build` has no `--jobs`: the year was built as one MkDocs site, "
                     f"the floor still as {JOBS} at a time.")
    rebuilt = f"; `--region` rebuilt county {row.region_code} after one of its units changed" if row.region else ""
    lines += ["", f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores (load average {row.load:.1f} "
                  f"at the start, {os.getloadavg()[0]:.1f} at the end), one build each; `budget-site build` "
                  f"options found: {options or 'none'}{rebuilt}."]
    return "\n".join(lines)


def run(work: Path, regions: int = REGIONS, units: int = UNITS) -> str:
    """Measure a province of ``regions`` × ``units`` in ``work``; the report for handbook/performance.md."""
    return report(measure(work, regions, units))
