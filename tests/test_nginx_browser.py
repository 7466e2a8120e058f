"""The sample nginx configuration (deploy/nginx/budget-site.conf), run by Debian's
nginx on 127.0.0.1 as on a real server (workers as the unprivileged www-data),
serving the three-year site published as the README says (``rsync -a --delete
site/ <folder>/``) at the root and at a sub-path: every file answers 200, the
headers it sends, and Chromium loading the pages with no Content-Security-Policy
violation and no failed request."""

from __future__ import annotations

import contextlib
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
from urllib.parse import quote

import pytest

from browsing import RESULTS, SUB_PATH, Recorder, free_port, settle, switch_year
from conftest import ROOT, page_path
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


def site_config(www: Path, port: int) -> str:
    """The sample as it is, listening on 127.0.0.1:port and serving ``www``."""
    text = SAMPLE.read_text("utf-8")
    replacements = [(r"\n    listen 80;", f"\n    listen 127.0.0.1:{port};"), (r"\n    listen \[::\]:80;", ""),
                    (r"\n    root /var/www/ysjx;", f"\n    root {www};")]
    for pattern, new in replacements:
        text, count = re.subn(pattern, new, text)
        assert count == 1, pattern
    return text


def worker_user() -> str:
    """The user nginx's workers run as: Debian's www-data, else nobody."""
    import pwd

    for name in ("www-data", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    pytest.fail("没有 www-data 或 nobody 用户")


@pytest.fixture(scope="module")
def nginx(years_site):
    """nginx serving the site at / and at /xxgk/ysjx/; yields (base URL, the CSP it sends, the folder)."""
    if not Path(NGINX).exists():
        pytest.fail("需要 Debian 的 nginx（/usr/sbin/nginx）：apt-get install nginx")
    if os.geteuid() != 0:
        pytest.skip("nginx switches its workers to www-data only when started as root, as on a server")
    # Outside pytest's private (0700) temporary folder, as /var/www is: the workers must reach it.
    prefix = Path(tempfile.mkdtemp(prefix="budget-nginx-"))
    try:
        yield from _serve(years_site, prefix)
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


def _serve(years_site: Path, prefix: Path):
    prefix.chmod(0o755)
    www = prefix / "www"
    www.mkdir(mode=0o755)  # made by the administrator, as /var/www/ysjx
    # The README's publishing step as written: rsync carries the site's own modes.
    subprocess.run(["rsync", "-a", "--delete", f"{years_site}/", f"{www}/"], check=True)
    (www / SUB_PATH).parent.mkdir(parents=True)
    (www / SUB_PATH).symlink_to(www, target_is_directory=True)
    # A page that breaks the policy, so the test shows that it would see a violation.
    (www / "csp-probe.html").write_text("<!doctype html><title>probe</title><script>1</script>", encoding="utf-8")
    for suffix in TYPES:  # one file of each download type, whatever the year's downloads are
        (www / f"sample{suffix}").write_bytes(b"x")
    port = free_port()
    (prefix / "budget-site.conf").write_text(site_config(www, port), encoding="utf-8")
    temp = "\n".join(f"    {kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                              "uwsgi", "scgi"))
    (prefix / "nginx.conf").write_text(f"""
user {worker_user()};
worker_processes 1;
daemon off;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
    access_log {prefix / "access.log"};
{temp}
    include {prefix / "budget-site.conf"};
}}
""", encoding="utf-8")
    command = [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
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
        assert worker_user() in subprocess.run(["ps", "-o", "user=", "--ppid", str(server.pid)],
                                               capture_output=True, text=True).stdout
        yield base, csp, www
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


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


def test_headers_types_caching_and_compression(nginx, years_site):
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
    assert asset["cache-control"] == "public, max-age=31536000, immutable"
    assert asset["content-encoding"] == "gzip" and asset["content-type"].startswith("application/javascript")
    assert asset["content-security-policy"] == csp  # the security headers are on every response
    _, worker = head(f"{base}/2023/assets/javascripts/search-worker.js")
    assert worker["cache-control"] == "public, max-age=3600"  # not hashed: an hour
    _, index = head(f"{base}/2023/search/search_index.json", gzip=True)
    assert index["content-type"] == "application/json; charset=utf-8" and index["content-encoding"] == "gzip"
    assert index["cache-control"] == "no-cache"

    for suffix, expected in TYPES.items():
        assert head(f"{base}/sample{suffix}")[1]["content-type"] == expected, suffix
        for download in sorted((years_site / "2023").rglob(f"*{suffix}"))[:1]:
            path = download.relative_to(years_site).as_posix()
            assert head(f"{base}/{quote(path)}")[1]["content-type"] == expected, path


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
