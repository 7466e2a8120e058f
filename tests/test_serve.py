"""``mkdocs serve`` rebuilds the preview when a data file changes."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

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


def test_serve_picks_up_a_changed_yaml_file(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    port = free_port()
    env = {**os.environ, "BUDGET_DATA": str(data), "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(
        [str(MKDOCS), "serve", "-a", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/230001/safeguards.html"
    try:
        assert wait_for(url, "完善制度建设"), "预览没有启动"
        unit = data / "2023" / "230001.yaml"
        unit.write_text(unit.read_text("utf-8").replace("title: 完善制度建设。", "title: 完善制度建设（已修改）。"),
                        encoding="utf-8")
        assert wait_for(url, "完善制度建设（已修改）"), "修改数据后预览没有更新"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
