"""``mkdocs serve`` rebuilds the preview when a data file changes, and shows the
problems of invalid data instead of waiting without saying why."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

MKDOCS = Path(sys.executable).with_name("mkdocs")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, text: str, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = fetch(url)
        if page is not None and text in page:
            return True
        time.sleep(0.5)
    return False


def start_serve(data: Path, log: Path, **env: str) -> tuple[subprocess.Popen, int]:
    """``mkdocs serve`` of ``data`` on a free port, its terminal output into ``log``;
    in the environment of a terminal (``make`` sets NO_MKDOCS_2_WARNING, a terminal does not)."""
    port = free_port()
    plain = {name: value for name, value in os.environ.items() if name != "NO_MKDOCS_2_WARNING"}
    with log.open("wb") as output:
        server = subprocess.Popen(
            [str(MKDOCS), "serve", "-a", f"127.0.0.1:{port}"],
            cwd=ROOT, env={**plain, "BUDGET_DATA": str(data), **env},
            stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )
    return server, port


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def test_serve_picks_up_a_changed_yaml_file(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    server, port = start_serve(data, tmp_path / "serve.log")
    url = f"http://127.0.0.1:{port}/230001/safeguards.html"
    try:
        assert wait_for(url, "完善制度建设"), "预览没有启动"
        unit = data / "2023" / "230001.yaml"
        unit.write_text(unit.read_text("utf-8").replace("title: 完善制度建设。", "title: 完善制度建设（已修改）。"),
                        encoding="utf-8")
        assert wait_for(url, "完善制度建设（已修改）"), "修改数据后预览没有更新"
    finally:
        stop(server)


FULL_WIDTH_COLON = "字段名“money_unit”后面用了全角冒号“：”，YAML 只认英文冒号；请改成：money_unit: 万元"


@pytest.mark.browser
def test_the_preview_of_invalid_data_lists_the_problems_and_reloads_when_fixed(tmp_path, browser):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    unit = data / "2023" / "230001.yaml"
    good = unit.read_text("utf-8")
    unit.write_text(good.replace("    money_unit: 万元", "    money_unit：万元", 1), encoding="utf-8")
    log = tmp_path / "serve.log"
    server, port = start_serve(data, log)
    page = browser.new_page()
    try:
        base = f"http://127.0.0.1:{port}/"
        assert wait_for(base, "数据有误"), f"预览没有启动：{log.read_text('utf-8')}"
        for address in (base, base + "230001/safeguards.html"):  # the home page, and any other address
            page.goto(address)
            item = page.locator("#budget-data-errors li")
            assert item.count() == 1
            assert "data/2023/230001.yaml，第 57 行第 15 列" in item.inner_text()
            assert FULL_WIDTH_COLON in item.inner_text()
        assert f"230001.yaml:57:15: 错误: YAML 格式错误：{FULL_WIDTH_COLON}" in log.read_text("utf-8")

        unit.write_text(good.replace("title: 完善制度建设。", "title: 完善制度建设（已修改）。"), encoding="utf-8")
        # the page reloads by itself, to the page at its address
        page.wait_for_function("document.querySelector('article')?.innerText.includes('完善制度建设（已修改）')",
                               timeout=120_000)
        assert page.locator("#budget-data-errors").count() == 0 and page.url.endswith("/230001/safeguards.html")
        assert "Traceback" not in log.read_text("utf-8")
    finally:
        page.close()
        stop(server)


@pytest.mark.parametrize(("env", "message"), [
    ({"BUDGET_YEAR": "abc"}, "BUDGET_YEAR: 错误: 年度应为四位数字，如 BUDGET_YEAR=2023，实际是“abc”"),
    ({"BUDGET_YEAR": "1999"}, "错误: 数据中没有 1999 年度（已有：2023）"),
    ({"BUDGET_DATA": "/nonexistent/data"}, "/nonexistent/data: 错误: 环境变量 BUDGET_DATA 所指的数据文件夹不存在"),
])
def test_bad_environment_values_are_told_in_chinese(tmp_path, env, message):
    result = subprocess.run(
        [str(MKDOCS), "build", "-d", str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "BUDGET_DATA": str(ROOT / "data"), "NO_MKDOCS_2_WARNING": "1", **env},
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr  # MkDocs prints why it stopped on stdout
    assert message in output and "Traceback" not in output, output
    assert not (tmp_path / "out").exists()


# Names the operator types or reads as they are: the variable, the command, the keys.
NAMES = re.compile(r"https?://\S+|'[^']*'|/\S*|\bBUDGET_DATA\b|\bmkdocs serve\b|Ctrl\+C")


def english_in(log: str) -> list[str]:
    """The English words of a terminal's output, leaving out addresses, file names and
    the names in NAMES (colour codes taken out first)."""
    return re.findall(r"[A-Za-z]{2,}", NAMES.sub(" ", re.sub(r"\x1b\[[\d;]*m", "", log)))


def test_a_missing_data_folder_is_told_in_chinese_without_a_traceback(tmp_path):
    log = tmp_path / "serve.log"
    server, port = start_serve(Path("/nonexistent"), log)
    try:
        assert wait_for(f"http://127.0.0.1:{port}/", "数据有误"), log.read_text("utf-8")
    finally:
        stop(server)
    output = log.read_text("utf-8")
    assert "/nonexistent: 错误: 环境变量 BUDGET_DATA 所指的数据文件夹不存在" in output
    assert "重新运行 mkdocs serve" in output
    assert "Traceback" not in output and "Error" not in output, output
    assert english_in(output) == [], output


@pytest.mark.browser
def test_the_readme_preview_speaks_chinese_and_asks_for_nothing_missing(tmp_path, browser):
    """``.venv/bin/mkdocs serve`` as the README says: no English notice, every message
    in Chinese, and no request of the pages' answered 404 (Material's year selector
    asked for ../versions.json on every page)."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    log = tmp_path / "serve.log"
    server, port = start_serve(data, log)
    page = browser.new_page()
    failed: list[str] = []
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    try:
        base = f"http://127.0.0.1:{port}/"
        assert wait_for(base, "部门预算绩效文本"), log.read_text("utf-8")
        for address in ("", "230001/index.html", "about.html"):
            page.goto(base + address, wait_until="load")  # livereload keeps a request open
            page.wait_for_timeout(1000)
        page.wait_for_timeout(1500)  # livereload logs the connection
    finally:
        page.close()
        stop(server)
    output = log.read_text("utf-8")
    assert failed == [], failed
    assert "预览地址：" in output and "浏览器已打开" in output, output
    assert "404" not in output and "Traceback" not in output, output
    assert english_in(output) == [], output
