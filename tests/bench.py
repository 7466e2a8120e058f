"""``make bench``: build one year of N synthetic units and measure it; import a folder of PDFs.

For each N it prints (and writes into handbook/performance.md between the bench markers):
wall time and peak memory of ``budget-site build``, pages, total and median
HTML size, the search index raw and gzip, what Chromium downloads for its
first search and how long it takes from opening a page to the first result,
and the ratio of our build time to the engine's floor: plain MkDocs with the
same Material theme, search plugin and overrides building the very same pages
from pre-rendered Markdown (our HTML in .md files, no hooks) in the same run.
Builds alternate ours/floor and the medians are reported, since the machine
is shared and noisy. At one N (300 by default) it also times a ``mkdocs
serve`` rebuild after editing one unit, against the floor's rebuild after
editing one page.

The import section (``make bench-import`` runs it alone) writes 100 synthetic
units as Word files the way the fixtures are made, exports them to PDF with
LibreOffice, and times ``budget-site import`` over the folder: median seconds
per document, total, peak memory, and how many equal the data they were made
from (handbook/performance.md, between the bench-import markers). Last, the phone section
(``bench_phone.py``, also runnable alone: ``make bench-phone``).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

from budget_site.downloads import size_text  # noqa: E402
from budget_site.loading import load_data  # noqa: E402
from budget_site.pages import plan_year  # noqa: E402

from browsing import RESULTS  # noqa: E402
from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from synthetic import write_units  # noqa: E402

BIN = Path(sys.executable).parent
YEAR = 2023
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
QUERY = "满意度"


@dataclass
class Row:
    units: int
    build_s: float
    floor_s: float
    peak_mb: float
    floor_peak_mb: float
    pages: int
    html_total_mb: float
    html_median_kb: float
    index_raw_kb: float
    index_gzip_kb: float
    first_search_kb: float
    first_search_ms: float
    serve_ratio: float | None = None

    @property
    def ratio(self) -> float:
        return self.build_s / self.floor_s


def tree_pids(pid: int) -> list[int]:
    """A process and all its descendants (the build's worker processes)."""
    pids = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                pids += tree_pids(int(child))
    except (FileNotFoundError, ProcessLookupError):
        pass
    return pids


def _proc_kb(path: str, field: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def tree_rss_kb(pid: int) -> int:
    """Resident KB of a process and its descendants, summed: pages that forked
    workers share with their parent are counted once in each."""
    return sum(_proc_kb(f"/proc/{p}/status", "VmRSS:") for p in tree_pids(pid))


def tree_pss_kb(pid: int) -> int:
    """Proportional set size of a process and its descendants: each shared page
    divided among the processes sharing it, so the sum is what the tree really holds."""
    return sum(_proc_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in tree_pids(pid))


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one command, worker processes included
    (sampled every 50 ms, and never below the kernel's peak of the command itself)."""
    errors = tempfile.TemporaryFile()
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=ROOT, env=env or ENV, stdout=subprocess.DEVNULL, stderr=errors)
    with PeakMemory(process.pid) as peak:
        _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        errors.seek(0)
        raise SystemExit(f"failed: {' '.join(cmd)}\n{errors.read().decode()}")
    return elapsed, max(peak.kb, usage.ru_maxrss) / 1024


class PeakMemory:
    """Samples the memory of a process and its children every ``interval`` seconds
    while the ``with`` block runs (``sample``: summed RSS by default); ``kb`` is the highest seen."""

    def __init__(self, pid: int, sample: Callable[[int], int] = tree_rss_kb, interval: float = 0.05):
        self.pid = pid
        self.sample = sample
        self.interval = interval
        self.kb = 0
        self._done = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.wait(self.interval):
            self.kb = max(self.kb, self.sample(self.pid))

    def __enter__(self) -> PeakMemory:
        self._sampler.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._sampler.join()


def floor_config(data: Path, site: Path, work: Path) -> Path:
    """The same pages as pre-rendered Markdown, built by plain MkDocs + Material
    (download sizes taken from our build in ``site``)."""
    docs = work / "floor-docs"
    shutil.rmtree(docs, ignore_errors=True)
    shutil.copytree(ROOT / "docs", docs)
    years = load_data(data)
    plan = plan_year(years[YEAR], directory_urls=False,
                     download_size=lambda path: size_text((site / str(YEAR) / path).stat().st_size))
    for page in plan.pages:
        target = docs / page.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.html, encoding="utf-8")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8"))
    config.pop("hooks", None)
    config.pop("validation", None)
    config.update(docs_dir=str(docs), site_dir=str(work / "floor-site"), strict=False)
    config["theme"]["custom_dir"] = str(ROOT / "overrides")
    # Like our per-page navigation, each page carries a small nav, not every unit.
    config["nav"] = [{"首页": "index.md"}, *config.get("nav", [])]
    path = work / "floor-mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def page_sizes(site: Path) -> list[int]:
    return sorted(p.stat().st_size for p in site.rglob("*.html"))


@functools.lru_cache(maxsize=64)
def gzipped(path: Path, mtime_ns: int) -> bytes:
    """A file's gzip body, made once, as a server's compression cache or gzip_static would."""
    return gzip.compress(path.read_bytes(), 6)


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serves text files gzip-compressed, as any real static host does."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # the base class redirects /dir to /dir/
            path = path / "index.html"
        compressible = path.suffix in (".html", ".js", ".css", ".json", ".svg", ".xml")
        if not compressible or "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
            return super().send_head()
        body = gzipped(path, path.stat().st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class NoResult(Exception):
    """A search that should find something answered that it found nothing."""


@contextmanager
def served(site: Path):
    """``site`` served gzip-compressed on 127.0.0.1; yields the base URL."""
    handler = functools.partial(GzipHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def first_search(site: Path) -> tuple[float, float]:
    """KB transferred for the first search and ms from navigation to the first result."""
    from playwright.sync_api import sync_playwright

    with served(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return search_download(browser, base)
        finally:
            browser.close()


def search_download(browser, base: str, query: str = QUERY) -> tuple[float, float]:
    """KB a new reader's browser transfers for a search link on the year home
    (``?q=``), and ms from navigation to the first result."""
    page = browser.new_page()
    try:
        # The worker fetches the index itself (search-lazy.js): count what the page and
        # its worker received, headers included, as the page's own timeline misses the latter.
        sizes: list[int] = []
        page.on("requestfinished", lambda request: "search" in request.url and sizes.append(
            sum(request.sizes()[key] for key in ("responseBodySize", "responseHeadersSize"))))
        page.goto(f"{base}/{YEAR}/?q={urllib.parse.quote(query)}")
        page.wait_for_function(RESULTS, polling=20, timeout=120000)
        elapsed = page.evaluate("performance.now()")
        if not page.query_selector(".md-search-result__item"):
            raise NoResult(f"no search result for {query!r} at {page.url}")
        page.wait_for_load_state("networkidle")
        return sum(sizes) / 1024, elapsed
    finally:
        page.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rebuild_seconds(config: Path, env: dict, edit, url_path: str, marker: str) -> float:
    """Seconds from editing a file to ``mkdocs serve`` serving the changed page."""
    port = free_port()
    server = subprocess.Popen([str(BIN / "mkdocs"), "serve", "-f", str(config), "-a",
                               f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/{url_path}"

    def wait_for(text: str, limit: float) -> float:
        start = time.perf_counter()
        while time.perf_counter() - start < limit:
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    if text in response.read().decode("utf-8"):
                        return time.perf_counter() - start
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"mkdocs serve did not show {text!r} at {url}")

    try:
        wait_for("</html>", 900)
        edit()
        return wait_for(marker, 900)
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=60)


def serve_ratio(data: Path, floor: Path, work: Path) -> float:
    unit = sorted((data / str(YEAR)).glob("3*.yaml"))[0]
    marker = "服务基准测试修改"

    def edit_ours():
        text = unit.read_text("utf-8")
        unit.write_text(re.sub(r"(prepared_by: )(.*)", rf"\g<1>\g<2>{marker}", text, count=1), encoding="utf-8")

    ours = rebuild_seconds(ROOT / "mkdocs.yml", {**ENV, "BUDGET_DATA": str(data)}, edit_ours, f"{unit.stem}/index.html",
                           marker)
    page = work / "floor-docs" / unit.stem / "index.md"

    def edit_floor():
        page.write_text(page.read_text("utf-8").replace("编制</p>", f"{marker}编制</p>", 1), encoding="utf-8")

    plain = rebuild_seconds(floor, ENV, edit_floor, f"{unit.stem}/index.html", marker)
    return ours / plain


def measure(units: int, repeats: int, work: Path, with_serve: bool) -> Row:
    data = work / f"data-{units}"
    shutil.rmtree(data, ignore_errors=True)
    write_units(data, years=[YEAR], units=units, seed=1, reference=ROOT / "data" / str(YEAR) / "230001.yaml")
    site = work / f"site-{units}"
    build = [str(BIN / "budget-site"), "build", "--data", str(data), "--site", str(site)]
    timed(build)  # warms the caches, and the floor takes its download sizes from it
    floor = floor_config(data, site, work)
    ours, plain, peaks, floor_peaks = [], [], [], []
    for _ in range(repeats):
        seconds, peak = timed(build)
        ours.append(seconds)
        peaks.append(peak)
        seconds, peak = timed([str(BIN / "mkdocs"), "build", "-q", "-f", str(floor)])
        plain.append(seconds)
        floor_peaks.append(peak)
    sizes = page_sizes(site / str(YEAR))
    index = (site / str(YEAR) / "search" / "search_index.json").read_bytes()
    search_kb, search_ms = first_search(site)
    row = Row(
        units=units, build_s=statistics.median(ours), floor_s=statistics.median(plain), peak_mb=max(peaks),
        floor_peak_mb=max(floor_peaks),
        pages=len(sizes), html_total_mb=sum(sizes) / 2**20, html_median_kb=statistics.median(sizes) / 1024,
        index_raw_kb=len(index) / 1024, index_gzip_kb=len(gzip.compress(index, 6)) / 1024,
        first_search_kb=search_kb, first_search_ms=search_ms,
    )
    if with_serve:
        row.serve_ratio = serve_ratio(data, floor, work)
    return row


def table(rows: list[Row]) -> str:
    lines = [
        "| units | build (s) | floor (s) | ratio | peak memory (MB) | floor peak (MB) | pages | HTML total (MB) "
        "| median page (KB) "
        "| search index raw / gzip (KB) | first search download (KB) | open to first result (ms) "
        "| serve rebuild ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        serve = f"{r.serve_ratio:.2f}" if r.serve_ratio is not None else "–"
        lines.append(
            f"| {r.units} | {r.build_s:.1f} | {r.floor_s:.1f} | {r.ratio:.2f} | {r.peak_mb:.0f} "
            f"| {r.floor_peak_mb:.0f} | {r.pages} "
            f"| {r.html_total_mb:.1f} | {r.html_median_kb:.1f} | {r.index_raw_kb:.0f} / {r.index_gzip_kb:.0f} "
            f"| {r.first_search_kb:.0f} | {r.first_search_ms:.0f} | {serve} |"
        )
    return "\n".join(lines)


def write_handbook(text: str, marker: str = "bench") -> None:
    readme = ROOT / "handbook" / "performance.md"
    content = readme.read_text("utf-8")
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    if start not in content:
        raise SystemExit(f"handbook/performance.md has no {marker} markers")
    head, rest = content.split(start, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(f"{head}{start}\n{text}\n{end}{tail}", encoding="utf-8")


# --------------------------------------------------------------------------- import


def import_documents(count: int, folder: Path) -> dict[str, dict]:
    """``count`` synthetic units as PDFs in ``folder`` (Word files exported by
    LibreOffice, column widths and numbering styles varied); name -> data."""
    from make_documents import Style, to_pdf, write_docx

    from synthetic import generate_unit

    styles = [Style(), Style(widths=(2.0, 2.6, 2.2, 3.0, 2.0, 1.5, 1.7), word_numbering=True),
              Style(widths=(1.8, 2.0, 2.8, 2.8, 2.4, 1.5, 1.7), toc_field=True, font="仿宋")]
    words = folder / "docx"
    words.mkdir()
    units = {}
    for index in range(1, count + 1):
        unit = generate_unit(YEAR, index, seed=7)
        unit.pop("disclosure", None)  # not part of the department's document
        name = f"{unit['unit']['code']}"
        write_docx(unit, words / f"{name}.docx", styles[index % len(styles)])
        units[name] = unit
    pdfs = folder / "pdf"
    pdfs.mkdir()
    to_pdf(sorted(words.glob("*.docx")), pdfs)
    return units


def run_import(folder: Path, data: Path) -> tuple[float, float, list[float], str]:
    """Wall seconds, peak resident MB, seconds per document (from the progress
    lines as they arrive) and the summary of ``budget-site import FOLDER``."""
    cmd = [str(BIN / "budget-site"), "import", str(folder), "--data", str(data)]
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stamps = [start]
    assert process.stderr is not None and process.stdout is not None
    with PeakMemory(process.pid) as peak:
        for line in process.stderr:
            if line.startswith("["):  # "[12/100] file → data/…": one per document
                stamps.append(time.perf_counter())
        summary = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{summary}")
    per_document = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    return elapsed, max(peak.kb, usage.ru_maxrss) / 1024, per_document, summary


def bench_import(count: int) -> str:
    from budget_site.loading import build_unit, load_unit

    with tempfile.TemporaryDirectory(prefix="budget-bench-import-") as name:
        folder = Path(name)
        started = time.perf_counter()
        units = import_documents(count, folder)
        made = time.perf_counter() - started
        data = folder / "data"
        total, peak, per_document, summary = run_import(folder / "pdf", data)
        equal = 0
        for code, unit in units.items():
            loaded, _ = load_unit(data / str(YEAR) / f"{code}.yaml", YEAR)
            equal += loaded is not None and replace(loaded, source=None) == build_unit(unit)
    print(summary.splitlines()[-1])
    return "\n".join([
        "| documents | median per document (s) | slowest (s) | total (s) | peak memory (MB) | equal to their data |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {count} | {statistics.median(per_document):.2f} | {max(per_document):.2f} | {total:.1f} | {peak:.0f} "
        f"| {equal} / {count} |",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores: PDFs exported by LibreOffice from "
        f"python-docx files ({made:.0f} s to make), imported by one `budget-site import` of the folder.",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--repeats", type=int, default=3, help="builds per N (median); 1 above 300 units")
    parser.add_argument("--serve-at", type=int, default=300, help="N at which to time a serve rebuild")
    parser.add_argument("--no-readme", action="store_true")
    parser.add_argument("--section", choices=["all", "build", "import", "province", "phone"], default="all",
                        help="build: the site at N units; import: a folder of PDFs; province: 10,000 units in "
                             "100 regions (bench_province.py); phone: bench_phone.py (default: all four)")
    parser.add_argument("--documents", type=int, default=100, help="PDFs in the import section")
    parser.add_argument("--province", type=int, nargs=2, default=[100, 100], metavar=("REGIONS", "UNITS"),
                        help="regions and units per region in the province section")
    args = parser.parse_args()
    if args.section in ("all", "import"):
        text = bench_import(args.documents)
        print(text)
        if not args.no_readme:
            write_handbook(text, "bench-import")
    if args.section in ("all", "build"):
        build_section(args)
    if args.section in ("all", "province"):
        province_section(args)
    if args.section in ("all", "phone"):
        phone_section(args)


def build_section(args: argparse.Namespace) -> None:
    rows = []
    with tempfile.TemporaryDirectory(prefix="budget-bench-") as folder:
        for units in args.units:
            repeats = args.repeats if units <= 300 else 1
            rows.append(measure(units, repeats, Path(folder), units == args.serve_at))
            print(table(rows[-1:]).splitlines()[-1], flush=True)
    first, last = rows[0], rows[-1]
    growth = (f"From {first.units} to {last.units} units: build time ×{last.build_s / first.build_s:.1f}, "
              f"median page ×{last.html_median_kb / first.html_median_kb:.2f}.")
    text = "\n".join([table(rows), "", growth, "",
                      f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores; medians of "
                      f"{args.repeats} alternating builds up to 300 units, one build above."])
    print(text)
    if not args.no_readme:
        write_handbook(text)


def province_section(args: argparse.Namespace) -> None:
    import bench_province

    with tempfile.TemporaryDirectory(prefix="budget-bench-province-") as folder:
        text = bench_province.run(Path(folder), *args.province)
    print(text)
    if not args.no_readme:
        write_handbook(text, "bench-province")


def phone_section(args: argparse.Namespace) -> None:
    import bench_phone

    with tempfile.TemporaryDirectory(prefix="budget-bench-phone-") as folder:
        phone = bench_phone.run(Path(folder))
    print(phone)
    if not args.no_readme:
        write_handbook(phone, "bench-phone")


if __name__ == "__main__":
    main()
