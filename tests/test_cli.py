"""The ``budget-site`` console script as a user runs it."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

CLI = Path(sys.executable).with_name("budget-site")


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(CLI), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_check_reference_data():
    result = run("check")
    assert result.returncode == 0, result.stderr
    assert "2023 年：1 个单位，2 个项目，数据无误" in result.stdout


def test_check_reports_in_chinese_with_location_and_exit_1(tmp_path):
    (tmp_path / "2023").mkdir()
    text = (ROOT / "data/2023/230001.yaml").read_text("utf-8").replace("      total: 45.00", "      total: \"45万\"")
    (tmp_path / "2023" / "230001.yaml").write_text(text, encoding="utf-8")
    result = run("check", "--data", str(tmp_path))
    assert result.returncode == 1
    assert "230001.yaml:" in result.stderr and "projects[1].budget.total" in result.stderr
    assert "应为数字" in result.stderr and "Traceback" not in result.stderr


def test_usage_error_exits_2():
    assert run("frobnicate").returncode == 2
    assert run("build", "--bogus").returncode == 2


def test_build_writes_one_site_per_year_and_keeps_it_on_failure(tmp_path):
    site = tmp_path / "site"
    result = run("build", "--site", str(site))
    assert result.returncode == 0, result.stderr
    assert (site / "2023" / "230001" / "index.html").is_file() and (site / "index.html").is_file()
    # mkdocs.yml ships without the publishing body's registration details
    assert "extra.footer 中尚未填写主办单位、ICP备案号、公安机关备案号、网站标识码" in result.stderr
    before = tree_digest(site)

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    unit = data / "2023" / "230001.yaml"
    unit.write_text(unit.read_text("utf-8").replace('code: "230001"', "code: ../x"), encoding="utf-8")
    result = run("build", "--data", str(data), "--site", str(site))
    assert result.returncode == 1
    assert "编码只能由字母" in result.stderr and "Traceback" not in result.stderr
    assert tree_digest(site) == before
    # no staging folder left behind; the lock file stays (removing it could let two builds in)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "data", "site"]


def test_an_interrupted_build_leaves_the_previous_site_as_it_was(tmp_path):
    """Kill the build (SIGKILL, then Ctrl-C) while MkDocs is writing pages."""
    import signal
    import time

    from synthetic import write_units

    site = tmp_path / "site"
    assert run("build", "--site", str(site)).returncode == 0
    before = tree_digest(site)
    data = tmp_path / "big"
    write_units(data, years=[2023], units=60, seed=3)
    for sig in (signal.SIGKILL, signal.SIGINT):
        build = subprocess.Popen([str(CLI), "build", "--data", str(data), "--site", str(site)], cwd=ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob(".site.building-*/2023/*/index.html")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert build.poll() is None, "the build ended before it could be interrupted"
        build.send_signal(sig)
        build.wait(timeout=60)
        assert build.returncode != 0
        assert tree_digest(site) == before
    # The next build cleans up what the killed one left and succeeds.
    assert run("build", "--site", str(site)).returncode == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [".site.lock"]


def test_check_strict_and_report(tmp_path):
    result = run("check")
    assert result.returncode == 0 and result.stdout.count("警告") == 4  # three warnings and the summary
    strict = run("check", "--strict")
    assert strict.returncode == 1 and "--strict" in strict.stderr
    report = tmp_path / "审核报告.html"
    result = run("check", "--report", str(report), "--site-url", "https://example.gov.cn/ysjx/")
    assert result.returncode == 0 and report.is_file()
    html = report.read_text("utf-8")
    assert 'href="https://example.gov.cn/ysjx/2023/230001/13063722P004351100152.html"' in html
    assert "像是未填写的占位文字" in html


def test_readme_synopsis_lists_every_option_of_every_command():
    """README's synopsis is the parser's; after changing an option, regenerate it with
    ``.venv/bin/python -m budget_site.synopsis README.md``."""
    from budget_site.cli import build_parser
    from budget_site.synopsis import readme_block, synopsis

    block = readme_block((ROOT / "README.md").read_text("utf-8"))
    assert block == synopsis(), "README 的命令说明已过时：运行 .venv/bin/python -m budget_site.synopsis README.md"
    parser = build_parser()
    commands = next(a for a in parser._actions if a.choices).choices
    for name, command in commands.items():
        for action in command._actions:
            for option in action.option_strings:
                assert option in ("-h", "--help") or f"| `{name}` | `{option}" in block, (name, option)
