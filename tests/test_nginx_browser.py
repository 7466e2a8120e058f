"""The sample nginx configuration (deploy/nginx/budget-site.conf) added as the README
says to Debian's nginx as installed (its own nginx.conf, its default site enabled
until the README's step removes it, workers as the unprivileged www-data), serving
the three-year site published as the README says (``rsync -a --delete site/
<folder>/``) at the root and at a sub-path, asked by the address 127.0.0.1 as a
reader who types the server's address: every file answers 200, the headers of the
files pages load, a missing page gets its year's 404 page in Chinese, Chromium loads
the pages with no Content-Security-Policy violation and no failed request, and a
reader whose browser kept the site before a republish finds the new site's results."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from browsing import RESULTS, SUB_PATH, Recorder, free_port, settle, switch_year
from conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, page_path
from years import CONTINUED_UNIT

pytestmark = pytest.mark.browser

NGINX = "/usr/sbin/nginx"
SAMPLE = ROOT / "deploy" / "nginx" / "budget-site.conf"
TYPES = {".csv": "text/csv; charset=utf-8", ".json": "application/json; charset=utf-8",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
VIOLATIONS = """
  window.__violations = []
  document.addEventListener("securitypolicyviolation", e =>
    window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`))
"""


DEBIAN = Path("/etc/nginx")


def debian_conffiles() -> dict[str, str]:
    """The MD5 of each configuration file as the package shipped it (dpkg's record)."""
    listed = subprocess.run(["dpkg-query", "-W", "-f=${Conffiles}", "nginx-common"],
                            capture_output=True, text=True, check=True).stdout
    return dict(line.split()[:2] for line in listed.splitlines() if line.strip())


def moved(text: str, replacements: list[tuple[str, str]]) -> str:
    for pattern, new in replacements:
        text, count = re.subn(pattern, new, text)
        assert count >= 1, pattern
    return text


def debian_nginx(prefix: Path, port: int) -> Path:
    """Debian's /etc/nginx as the package installs it, copied to ``prefix``/etc/nginx: its
    nginx.conf and default site checked against the package's own MD5, the default site
    enabled (the link sites-enabled/default), conf.d/ empty. Adjusted only where a test
    cannot do as a server does: paths under /etc/nginx, /run and /var/log moved into the
    prefix (the server's own must stay untouched), and port 80 (which a test cannot take)
    moved to ``port``. Everything else (user www-data, gzip, mime types, the includes of
    conf.d/*.conf and sites-enabled/*) as shipped."""
    etc = prefix / "etc" / "nginx"
    shutil.copytree(DEBIAN, etc, symlinks=True, ignore=lambda folder, names: names if folder == str(DEBIAN / "conf.d")
                    else [])
    shipped = debian_conffiles()
    for name in ("nginx.conf", "sites-available/default"):
        digest = hashlib.md5((etc / name).read_bytes()).hexdigest()  # noqa: S324 - dpkg's own record is MD5
        assert digest == shipped[f"/etc/nginx/{name}"], f"/etc/nginx/{name} 已被改动，不是 Debian 原样"
    enabled = etc / "sites-enabled" / "default"
    assert os.readlink(enabled) == "/etc/nginx/sites-available/default"
    enabled.unlink()
    enabled.symlink_to(etc / "sites-available" / "default")
    (prefix / "log").mkdir()
    conf = etc / "nginx.conf"
    conf.write_text(moved(conf.read_text("utf-8"), [
        (r"/etc/nginx/", f"{etc}/"), (r"\npid /run/nginx\.pid;", f"\npid {prefix}/nginx.pid;"),
        (r"/var/log/nginx/", f"{prefix}/log/")]), "utf-8")
    default = etc / "sites-available" / "default"
    default.write_text(moved(default.read_text("utf-8"), [
        (r"\n\tlisten 80 default_server;", f"\n\tlisten {port} default_server;"),
        (r"\n\tlisten \[::\]:80 default_server;", f"\n\tlisten [::]:{port} default_server;")]), "utf-8")
    return etc


def add_site_as_the_readme_says(etc: Path, www: Path, port: int) -> None:
    """README, 在 nginx 上发布: the sample into conf.d/, its root set (server_name left as it
    is: the test's requests name 127.0.0.1, as a reader typing the server's address does),
    and Debian's default site disabled (``rm /etc/nginx/sites-enabled/default``)."""
    text = moved(SAMPLE.read_text("utf-8"), [
        (r"\n    listen 80 default_server;", f"\n    listen {port} default_server;"),
        (r"\n    listen \[::\]:80 default_server;", f"\n    listen [::]:{port} default_server;"),
        (r"\n    root /var/www/ysjx;", f"\n    root {www};"), (r"/etc/nginx/", f"{etc}/")])
    (etc / "conf.d" / SAMPLE.name).write_text(text, "utf-8")
    (etc / "sites-enabled" / "default").unlink()


def nginx_command(prefix: Path) -> list[str]:
    return [NGINX, "-p", str(prefix), "-c", str(prefix / "etc" / "nginx" / "nginx.conf"),
            "-e", str(prefix / "log" / "error.log"), "-g", "daemon off;"]


def worker_user() -> str:
    """The user nginx's workers run as: Debian's www-data, else nobody."""
    import pwd

    for name in ("www-data", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    pytest.fail("没有 www-data 或 nobody 用户")


def needs_nginx() -> None:
    if not Path(NGINX).exists():
        pytest.fail("需要 Debian 的 nginx（/usr/sbin/nginx）：apt-get install nginx")
    if os.geteuid() != 0:
        pytest.skip("nginx switches its workers to www-data only when started as root, as on a server")


@contextlib.contextmanager
def nginx_prefix():
    """A folder outside pytest's private (0700) temporary folder, as /var/www is: the workers must reach it."""
    prefix = Path(tempfile.mkdtemp(prefix="budget-nginx-"))
    try:
        prefix.chmod(0o755)
        yield prefix
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


@pytest.fixture(scope="module")
def nginx(years_site):
    """Debian's nginx as installed, with the site added as the README says, serving the site at /
    and at /xxgk/ysjx/; yields (base URL by address, the CSP it sends, the folder)."""
    needs_nginx()
    with nginx_prefix() as prefix, serving(years_site, prefix) as server:
        yield server


TEST_FILES = (f"/{SUB_PATH.split('/')[0]}", "/csp-probe.html", "/sample.*")  # the test's own, beside the site


def publish(site: Path, www: Path) -> None:
    """The README's publishing step, ``rsync -a --delete site/ <folder>/`` (rsync carries the
    site's own modes), leaving the test's own files beside the site."""
    excluded = [arg for name in TEST_FILES for arg in ("--exclude", name)]
    subprocess.run(["rsync", "-a", "--delete", *excluded, f"{site}/", f"{www}/"], check=True)


@contextlib.contextmanager
def serving(years_site: Path, prefix: Path):
    www = prefix / "www"
    www.mkdir(mode=0o755)  # made by the administrator, as /var/www/ysjx
    publish(years_site, www)
    (www / SUB_PATH).parent.mkdir(parents=True)
    (www / SUB_PATH).symlink_to(www, target_is_directory=True)
    # A page that breaks the policy, so the test shows that it would see a violation.
    (www / "csp-probe.html").write_text("<!doctype html><title>probe</title><script>1</script>", encoding="utf-8")
    for suffix in TYPES:  # one file of each download type, whatever the year's downloads are
        (www / f"sample{suffix}").write_bytes(b"x")
    port = free_port()
    etc = debian_nginx(prefix, port)
    add_site_as_the_readme_says(etc, www, port)
    check = subprocess.run([*nginx_command(prefix), "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    server = subprocess.Popen(nginx_command(prefix), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{base}/versions.json", timeout=2):
                    break
            except urllib.error.HTTPError:
                break  # up, though refusing: the tests say what
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr.read().decode()
                time.sleep(0.1)
        csp = re.search(r'Content-Security-Policy "([^"]+)"', SAMPLE.read_text("utf-8")).group(1)
        workers = subprocess.run(["ps", "-o", "user=", "--ppid", str(server.pid)], capture_output=True, text=True)
        assert set(workers.stdout.split()) == {worker_user()}, workers.stdout
        yield base, csp, www
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def test_debian_s_default_site_left_enabled_is_refused_not_silently_served(years_site):
    """Who skips ``rm /etc/nginx/sites-enabled/default`` is told by ``nginx -t``: two default
    servers. (Had the sample no default_server, nginx would start, and a request by the
    server's address would get Debian's "Welcome to nginx!".)"""
    needs_nginx()
    with nginx_prefix() as prefix:
        port = free_port()
        etc = debian_nginx(prefix, port)
        add_site_as_the_readme_says(etc, prefix, port)
        (etc / "sites-enabled" / "default").symlink_to(etc / "sites-available" / "default")
        check = subprocess.run([*nginx_command(prefix), "-t"], capture_output=True, text=True)
    assert check.returncode != 0 and f"duplicate default server for 0.0.0.0:{port}" in check.stderr, check.stderr


@pytest.mark.parametrize("host", [None, "203.0.113.7", "other.example.gov.cn", "ysjx.example.gov.cn"])
def test_the_site_answers_by_address_and_by_any_name(nginx, host):
    """By the server's address (127.0.0.1, no name of the site), by a name nginx does not know,
    and by its server_name: the site's portal, never Debian's welcome page."""
    base, _, _ = nginx
    request = urllib.request.Request(f"{base}/", headers={"Host": host} if host else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read().decode("utf-8")
    assert "Welcome to nginx" not in body and "2023/index.html" in body, body[:300]


def head(url: str, gzip: bool = False) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
        return response.status, {k.lower(): v for k, v in response.headers.items()}


def test_every_published_file_is_served_to_the_unprivileged_workers(nginx):
    """Pages, assets, downloads and the search index of every year: 200, never 403."""
    base, _, www = nginx
    files = [p for p in www.rglob("*") if p.is_file() and not p.is_symlink() and SUB_PATH.split("/")[0] not in
             p.relative_to(www).parts]
    assert len(files) > 300
    failed = []
    for path in files:
        url = f"{base}/{quote(path.relative_to(www).as_posix())}"
        try:
            status, _ = head(url)
        except urllib.error.HTTPError as error:
            status = error.code
        if status not in (200, 304):
            failed.append(f"{status} {url}")
    assert failed == []
    for year in ("2021", "2022", "2023"):  # a year's folder itself, as a reader types it
        assert head(f"{base}/{year}/")[0] == 200


IMMUTABLE = "public, max-age=31536000, immutable"
HASHED = re.compile(r"/assets/.*\.[0-9a-f]{8}\.min\.(?:css|js)$|/search/shards/[dt]\.[0-9a-f]{12}\.js$")


def expected_cache(path: str) -> str:
    if HASHED.search(path):
        return IMMUTABLE
    if re.search(r"(?:/|\.(?:html|json|xml|gz|js|css))$", path):
        return "no-cache"
    return "public, max-age=3600"  # images, downloads


def test_headers_types_and_compression(nginx, years_site):
    base, csp, _ = nginx
    for prefix in ("", f"/{SUB_PATH}"):
        status, page = head(f"{base}{prefix}/2023/index.html", gzip=True)
        assert status == 200 and page["content-type"] == "text/html; charset=utf-8"
        assert page["content-encoding"] == "gzip" and page["cache-control"] == "no-cache"
        assert page["content-security-policy"] == csp and "script-src 'self'" in csp and "unsafe" not in csp
        assert page["x-content-type-options"] == "nosniff" and page["referrer-policy"] == "same-origin"

    _, versions = head(f"{base}/versions.json")
    assert versions["content-type"] == "application/json; charset=utf-8" and versions["cache-control"] == "no-cache"
    assert head(f"{base}/2023/")[1]["cache-control"] == "no-cache"

    bundle = next((years_site / "2023" / "assets" / "javascripts").glob("bundle.*.min.js")).name
    _, asset = head(f"{base}/2023/assets/javascripts/{bundle}", gzip=True)
    assert asset["content-encoding"] == "gzip" and asset["content-type"].startswith("application/javascript")
    assert asset["content-security-policy"] == csp  # the security headers are on every response

    for suffix, expected in TYPES.items():
        assert head(f"{base}/sample{suffix}")[1]["content-type"] == expected, suffix
        for download in sorted((years_site / "2023").rglob(f"*{suffix}"))[:1]:
            path = download.relative_to(years_site).as_posix()
            assert head(f"{base}/{quote(path)}")[1]["content-type"] == expected, path


def test_what_pages_load_is_cached_by_whether_its_name_can_change(nginx, browser):
    """The files a reader's browser really gets, reading a page and searching: what is named by
    a hash of its content (Material's bundles, the search's term files and document shards)
    for a year, immutable; everything whose name a republish keeps (pages, the search manifest,
    the search worker, our own scripts and styles, versions.json) revalidated on every load."""
    base, _, _ = nginx
    page = browser.new_page()
    cached: dict[str, str] = {}
    page.on("response", lambda r: r.url.startswith(base) and cached.setdefault(
        r.url.split("?")[0], r.headers.get("cache-control", "")))
    page.goto(f"{base}/2023/index.html?q={quote('满意度')}")
    page.wait_for_function(RESULTS, timeout=20000)
    settle(page)
    page.close()
    loaded = {urlsplit(url).path: value for url, value in cached.items()}
    wrong = {path: value for path, value in loaded.items() if value != expected_cache(path)}
    assert wrong == {}
    for kind in (r"/assets/javascripts/bundle\.[0-9a-f]{8}\.min\.js$",
                 r"/assets/stylesheets/main\.[0-9a-f]{8}\.min\.css$",
                 r"/search/shards/manifest\.js$", r"/search/shards/t\.[0-9a-f]{12}\.js$",
                 r"/search/shards/d\.[0-9a-f]{12}\.js$", r"/assets/javascripts/search-worker\.js$",
                 r"/assets/javascripts/search-lazy\.js$", r"/assets/stylesheets/budget\.css$",
                 r"^/versions\.json$", r"^/2023/index\.html$"):
        assert any(re.search(kind, path) for path in loaded), (kind, sorted(loaded))


# ------------------------------------------------------------------------
# A missing page
# ------------------------------------------------------------------------

NOT_FOUND = "没有找到这个页面"


def get(url: str) -> tuple[int, str, str]:
    """Status, body and Cache-Control."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8"), response.headers["cache-control"]
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8"), error.headers["cache-control"]


@pytest.mark.parametrize("prefix", ["", f"/{SUB_PATH}"])
@pytest.mark.parametrize("missing", ["2021/no-such-page.html", f"2022/{CONTINUED_UNIT}/deep/er/missing/",
                                     "2023/.hidden", "2023/assets/javascripts/gone.js", "2023/gone.png"])
def test_a_missing_address_gets_its_year_s_404_page_in_chinese(nginx, prefix, missing):
    base, _, _ = nginx
    status, body, cache = get(f"{base}{prefix}/{missing}")
    assert cache == "no-cache"  # a file published later is found at once
    year = missing[:4]
    assert status == 404 and NOT_FOUND in body and f"回到{year}年度首页" in body and "Not found" not in body
    assert f'<base href="{prefix}/{year}/">' in body and f'"base": "{prefix}/{year}/"' in body


def test_outside_any_year_a_missing_address_is_nginx_s_plain_404(nginx):
    """No year folder in the address: no year's page to give (documented in the handbook)."""
    status, body, _ = get(f"{nginx[0]}/no-such-year/page.html")
    assert status == 404 and NOT_FOUND not in body


@pytest.mark.parametrize("where", ["root", "sub-path"])
def test_the_404_page_works_from_a_deep_missing_address(nginx, browser, where):
    """In Chromium: styled (everything it loads is found), its link leads to the year home,
    its search form and the header's search both answer from the year's index."""
    base, _, _ = nginx
    prefix = base if where == "root" else f"{base}/{SUB_PATH}"
    missing = f"{prefix}/2022/{CONTINUED_UNIT}/deep/er/missing.html"
    page = browser.new_page()
    page.add_init_script(VIOLATIONS)
    recorder = Recorder(page)
    response = page.goto(missing)
    settle(page)
    assert response.status == 404 and page.text_content("h1") == NOT_FOUND
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    page.fill(".md-search__input", "教育")
    page.keyboard.press("End")
    page.wait_for_function(RESULTS, timeout=20000)
    links = page.eval_on_selector_all(".md-search-result__link", "links => links.map(a => a.href)")
    assert links and all(link.startswith(f"{prefix}/2022/") for link in links), links[:3]
    page.goto(missing)
    page.fill("#budget-404-query", "教育")
    with page.expect_navigation():
        page.click(".budget-404-search button")
    assert page.url == f"{prefix}/2022/index.html?q={quote('教育')}"
    page.wait_for_function(RESULTS, timeout=20000)
    assert page.eval_on_selector_all(".md-search-result__link", "links => links.length") > 0
    page.goto(missing)
    with page.expect_navigation():
        page.click("[data-budget-404-home]")
    assert page.url == f"{prefix}/2022/index.html"
    settle(page)
    recorder.problems = [p for p in recorder.problems if missing not in p]  # the page itself, with its status
    recorder.check(prefix, ("versions.json",))
    assert page.evaluate("window.__violations") == []
    page.close()


@pytest.mark.parametrize("where", ["root", "sub-path"])
def test_pages_satisfy_the_policy_and_load_everything(nginx, browser, where):
    base, _, _ = nginx
    prefix = base if where == "root" else f"{base}/{SUB_PATH}"
    page = browser.new_page()
    page.add_init_script(VIOLATIONS)
    recorder = Recorder(page)
    violations: list[str] = []

    def seen() -> None:
        violations.extend(f"{page.url}: {v}" for v in page.evaluate("window.__violations"))

    def visit(url: str) -> None:
        page.goto(url)
        settle(page)
        seen()

    page.goto(f"{prefix}/")  # the portal, which refreshes at once to the newest year: only that page is read
    page.wait_for_url(f"{prefix}/2023/index.html")
    settle(page)
    seen()
    for uri in ("index.md", f"{CONTINUED_UNIT}/index.md", f"{CONTINUED_UNIT}/safeguards.md", "about.md",
                "230001/13063722P004351100152.md"):
        visit(f"{prefix}/2023/{page_path(uri)}")
    visit(f"{prefix}/2023/404.html")
    visit(f"{prefix}/2022/index.html?q={quote('教育')}")
    page.wait_for_function(RESULTS, timeout=20000)
    page.click("[data-md-component=search-share]")  # Material's share button: href="javascript:void(0)"
    settle(page)
    seen()
    visit(f"{prefix}/2022/index.html?q={quote('教育')}")
    page.wait_for_function(RESULTS, timeout=20000)
    with page.expect_navigation():
        page.click(".md-search-result__link")  # a result opens its page
    settle(page)
    seen()
    page.click("label.md-header__button[for^=__palette]:visible")  # dark mode: Material's palette script
    switch_year(page, "2021年度")
    seen()
    recorder.check(prefix, ("", "index.html", "versions.json"))
    assert violations == []

    visit(f"{base}/csp-probe.html")
    assert violations, "the violation listener saw nothing on a page that breaks the policy"
    page.close()


# ------------------------------------------------------------------------
# A republish, the reader's browser keeping what it may
# ------------------------------------------------------------------------

ADDED_UNIT = ("300009", "涞源县重新发布核验中心")  # a unit the republished site adds
REPUBLISH_QUERIES = ("教育", "满意度", "资产管理", "300002")


def with_unit_added(data: Path, folder: Path) -> Path:
    """A copy of the data with one more unit in the newest year (a copy of another, renamed)."""
    copy = shutil.copytree(data, folder / "data")
    source = copy / "2023" / f"{CONTINUED_UNIT}.yaml"
    code, name = ADDED_UNIT
    text = source.read_text("utf-8")
    old_name = re.search(r"\n  name: (.+)\n", text).group(1)
    (copy / "2023" / f"{code}.yaml").write_text(
        text.replace(f'code: "{CONTINUED_UNIT}"', f'code: "{code}"').replace(old_name, name), "utf-8")
    return copy


def result_links(page) -> list[str]:
    return page.eval_on_selector_all(".md-search-result__link", "links => links.map(a => a.href)")


def search_on(page, url: str, query: str) -> list[str]:
    """A search link (?q=) opened on ``url``, the results it lists."""
    page.goto(f"{url}?q={quote(query)}")
    page.wait_for_function(RESULTS, timeout=20000)
    return result_links(page)


def test_after_a_republish_a_normal_reload_finds_the_new_site_s_results(years_site, browser, tmp_path):
    """A reader searches with Chromium's HTTP cache on (a profile on disk, as a browser is),
    the site is republished with a unit added (its shards and term files changed), the reader
    reloads the page as usual and searches again: the added unit is found, and every query
    lists what a reader new to the new site gets."""
    from budget_site.site_build import build_site

    needs_nginx()
    republished = tmp_path / "republished"
    build_site(with_unit_added(years_site.parent / "data", tmp_path), republished, ROOT / "mkdocs.yml")
    old = years_site / "2023" / "search" / "shards"
    new = republished / "2023" / "search" / "shards"
    assert (old / "manifest.js").read_bytes() != (new / "manifest.js").read_bytes()
    code, name = ADDED_UNIT
    with nginx_prefix() as prefix, serving(years_site, prefix) as (base, _, www):
        home = f"{base}/2023/index.html"
        context = browser.browser_type.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = context.new_page()
            assert all(search_on(page, home, query) for query in REPUBLISH_QUERIES)
            assert not any(f"/2023/{code}/" in link for link in search_on(page, home, name))
            publish(republished, www)
            recorder = Recorder(page)
            page.reload()  # the reader's reload of the search for the unit: what it loads as the cache allows
            page.wait_for_function(RESULTS, timeout=20000)
            found = result_links(page)
            after = {query: search_on(page, home, query) for query in REPUBLISH_QUERIES}
            recorder.check(base, ("versions.json",))
        finally:
            context.close()
        reader = browser.new_page()  # a reader new to the republished site, nothing cached
        expected = {query: search_on(reader, home, query) for query in REPUBLISH_QUERIES}
        reader.close()
    assert found and found[0].startswith(f"{base}/2023/{code}/"), found[:3]
    assert after == expected
