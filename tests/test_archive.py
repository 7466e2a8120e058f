"""``budget-site archive`` / ``verify`` and frozen years, as a finance bureau uses them."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from test_cli import run, tree_digest


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def project(tmp_path, years_site) -> Path:
    """A working folder as in the repository: data/ (three years) and the built site/."""
    shutil.copytree(years_site.parent / "data", tmp_path / "data")
    shutil.copytree(years_site, tmp_path / "site")
    return tmp_path


def write_config(path: Path, site_name: str | None = None, frozen: list[int] | None = None) -> Path:
    """mkdocs.yml with absolute paths, optionally another site name (a changed theme or
    software would change the pages likewise) or frozen years."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8"))
    config["docs_dir"] = str(ROOT / "docs")
    config["theme"]["custom_dir"] = str(ROOT / "overrides")
    config["hooks"] = [str(ROOT / hook) for hook in config["hooks"]]
    if site_name:
        config["site_name"] = site_name
    if frozen is not None:
        config["extra"]["budget_frozen"] = frozen
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def rewrite_zip(archive: Path, change) -> None:
    """Rewrite ``archive`` entry by entry; ``change(name, data)`` returns new data, or None to drop it."""
    with zipfile.ZipFile(archive) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            data = change(name, data)
            if data is not None:
                target.writestr(name, data)


def test_archive_holds_the_year_and_a_manifest_and_verifies(project):
    result = run("archive", "2022", cwd=project)
    assert result.returncode == 0, result.stderr
    archive = project / "archives" / "2022.zip"
    assert "archives/2022.zip：2022 年度" in result.stdout
    checksum = (project / "archives" / "2022.zip.sha256").read_text("utf-8")
    assert checksum == f"{sha256(archive.read_bytes())}  2022.zip\n"  # sha256sum -c format
    site_files = tree_digest(project / "site" / "2022")
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        manifest = zf.read("MANIFEST.sha256").decode("utf-8")
        contents = {name: sha256(zf.read(name)) for name in names if name != "MANIFEST.sha256"}
    assert names[0] == "MANIFEST.sha256" and names[1:] == sorted(names[1:])
    assert contents == {f"2022/{path}": digest for path, digest in site_files.items()}
    assert manifest == "".join(f"{digest}  {name}\n" for name, digest in sorted(contents.items()))
    assert "2022/build-info.json" in contents and "2022/index.html" in contents

    verified = run("verify", "archives/2022.zip", cwd=project)
    assert verified.returncode == 0, verified.stderr
    assert "完好" in verified.stdout and f"{len(contents)} 个文件" in verified.stdout
    before = archive.read_bytes()
    assert run("archive", "2022", cwd=project).returncode == 0
    assert archive.read_bytes() == before  # the same site gives the same archive


def test_verify_names_every_file_that_does_not_match(project):
    assert run("archive", "2022", cwd=project).returncode == 0
    archive = project / "archives" / "2022.zip"

    def tamper(name: str, data: bytes) -> bytes | None:
        if name == "2022/sitemap.xml":
            return None
        return data.replace("2022年".encode(), "2032年".encode()) if name == "2022/index.html" else data

    rewrite_zip(archive, tamper)
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr("2022/extra.html", "<p>added</p>")
    result = run("verify", str(archive), cwd=project)
    assert result.returncode == 1
    errors = result.stderr
    assert "2022.zip: 错误: SHA-256 与 2022.zip.sha256 不符" in errors
    assert "2022/index.html：SHA-256 与清单不符" in errors
    assert "2022/extra.html：不在清单 MANIFEST.sha256 中" in errors
    assert "2022/sitemap.xml：清单中有，归档中没有" in errors
    assert "共 4 个错误" in errors and "Traceback" not in errors


def test_verify_checks_the_checksum_file_too(project):
    assert run("archive", "2022", cwd=project).returncode == 0
    checksum = project / "archives" / "2022.zip.sha256"
    checksum.write_text("0" * 64 + "  2022.zip\n", encoding="utf-8")
    result = run("verify", "archives/2022.zip", cwd=project)
    assert result.returncode == 1 and "SHA-256 与 2022.zip.sha256 不符" in result.stderr
    checksum.unlink()
    result = run("verify", "archives/2022.zip", cwd=project)
    assert result.returncode == 1 and "2022.zip.sha256: 错误: 缺少或无法读取归档的校验文件" in result.stderr


def test_verify_finds_a_damaged_entry(project):
    assert run("archive", "2022", cwd=project).returncode == 0
    archive = project / "archives" / "2022.zip"
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo("2022/index.html")
    data = bytearray(archive.read_bytes())
    at = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + info.compress_size // 2
    data[at] ^= 0xFF  # one flipped bit in the middle of the compressed page
    archive.write_bytes(bytes(data))
    result = run("verify", "archives/2022.zip", cwd=project)
    assert result.returncode == 1
    assert "2022/index.html：" in result.stderr and "Traceback" not in result.stderr


def test_archive_keeps_a_published_record_unless_forced(project):
    assert run("archive", "2022", cwd=project).returncode == 0
    page = project / "site" / "2022" / "index.html"
    page.write_text(page.read_text("utf-8") + "<!-- changed -->", encoding="utf-8")
    result = run("archive", "2022", cwd=project)
    assert result.returncode == 1 and "已有内容不同的归档" in result.stderr and "--force" in result.stderr
    assert run("verify", "archives/2022.zip", cwd=project).returncode == 0  # the old archive is intact
    assert run("archive", "2022", "--force", cwd=project).returncode == 0


def test_archive_and_verify_usage(project):
    result = run("archive", "1999", cwd=project)
    assert result.returncode == 1 and "没有 1999 年度的网站" in result.stderr
    assert run("archive", "二〇二二", cwd=project).returncode == 2
    assert run("verify", cwd=project).returncode == 2
    result = run("verify", "archives/2022.zip", cwd=project)
    assert result.returncode == 1 and "归档文件不存在" in result.stderr


def test_a_frozen_year_is_restored_byte_for_byte_from_its_archive(project):
    """The year was archived and frozen; then the site's look changed (as a new theme
    or software version would change it). The build restores the frozen year as it was."""
    assert run("archive", "2022", cwd=project).returncode == 0
    (project / "data" / "2022" / "FROZEN").write_text("2023 年 1 月归档\n", encoding="utf-8")
    config = write_config(project / "new.yml", site_name="新版公开网站")
    result = run("build", "--config", str(config), "--site", "site2", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "site2/2022/：" in result.stdout and "已冻结，从 archives/2022.zip 原样恢复" in result.stdout
    assert tree_digest(project / "site2" / "2022") == tree_digest(project / "site" / "2022")
    assert "新版公开网站" in (project / "site2" / "2023" / "index.html").read_text("utf-8")
    assert "新版公开网站" not in (project / "site2" / "2022" / "index.html").read_text("utf-8")
    assert '"version": "2022"' in (project / "site2" / "versions.json").read_text("utf-8")


def test_changing_a_frozen_years_data_is_an_error_until_it_is_unfrozen(project):
    assert run("archive", "2022", cwd=project).returncode == 0
    frozen = write_config(project / "frozen.yml", frozen=[2022])
    before, published = tree_digest(project / "site"), tree_digest(project / "site" / "2022")

    unit = project / "data" / "2022" / "300001.yaml"
    unit.write_text(unit.read_text("utf-8").replace("total: ", "total: 1", 1), encoding="utf-8")
    result = run("build", "--config", str(frozen), cwd=project)
    assert result.returncode == 1
    assert "data/2022/300001.yaml: 错误: 2022 年度已冻结，数据与归档时不同（内容已改动）" in result.stderr
    assert "解冻" in result.stderr and "Traceback" not in result.stderr
    assert tree_digest(project / "site") == before

    (project / "archives" / "2022.zip").unlink()
    result = run("build", "--config", str(frozen), cwd=project)
    assert result.returncode == 1 and "2022 年度已冻结，但没有它的归档" in result.stderr

    result = run("build", "--config", str(write_config(project / "open.yml", frozen=[])), cwd=project)
    assert result.returncode == 0, result.stderr
    assert "原样恢复" not in result.stdout
    assert tree_digest(project / "site" / "2022") != published  # rebuilt from the changed data


def test_check_finds_a_changed_frozen_year_as_build_does(project):
    assert run("archive", "2022", cwd=project).returncode == 0
    frozen = write_config(project / "frozen.yml", frozen=[2022])
    result = run("check", "--config", str(frozen), cwd=project)
    assert result.returncode == 0, result.stderr
    assert "2022 年：" in result.stdout and "（已冻结，与 archives/2022.zip 一致）" in result.stdout

    unit = project / "data" / "2022" / "300001.yaml"
    unit.write_text(unit.read_text("utf-8").replace("total: ", "total: 1", 1), encoding="utf-8")
    (project / "data" / "2022" / "FROZEN").touch()  # frozen by the marker too; one message per file
    for args in (("check", "--config", str(frozen)), ("check",)):
        result = run(*args, cwd=project)
        assert result.returncode == 1, result.stdout
        assert "data/2022/300001.yaml: 错误: 2022 年度已冻结，数据与归档时不同（内容已改动）" in result.stderr
        assert "数据无误" not in result.stdout and "Traceback" not in result.stderr
