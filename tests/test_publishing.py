"""Publishing that cannot go wrong: files the web server can read, one build at a
time per site, nothing left running or half-written by a killed build, and a
full disk or read-only target told in Chinese with everything as it was."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from budget_site.archive import archive_year, checksum_path
from budget_site.site_build import build_site
from budget_site.site_lock import SiteBusy, site_lock

from conftest import ROOT
from processes import (
    CLI,
    published_modes,
    running_as_root,
    session_processes,
    staging_folders,
    start_build,
    wait_until_no_process,
)
from test_cli import tree_digest

CONFIG = ROOT / "mkdocs.yml"


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> tuple[Path, Path]:
    """Two versions of a county with enough units that the downloads are made by worker processes."""
    from synthetic import write_units

    root = tmp_path_factory.mktemp("county")
    write_units(root / "a", years=[2023], units=14, seed=21)
    write_units(root / "b", years=[2023], units=13, seed=22)
    return root / "a", root / "b"


@pytest.fixture(scope="module")
def expected(county, tmp_path_factory) -> dict[str, dict[str, str]]:
    """What a complete build of each version holds (builds are reproducible)."""
    root = tmp_path_factory.mktemp("expected")
    digests = {}
    for data in county:
        build_site(data, root / data.name, CONFIG)
        digests[data.name] = tree_digest(root / data.name)
    return digests


@contextlib.contextmanager
def umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


# ---------------------------------------------------------------- modes

@pytest.mark.parametrize("mask", [0o022, 0o027])
def test_site_archives_and_restored_years_are_readable_as_cp_would_make_them(tmp_path, mask):
    """Directories 0777 and files 0666 less the umask: 0755/0644 with the usual 022,
    so a web server running as another user reads everything."""
    from years import write_years

    data = write_years(tmp_path / "data")
    site, archives = tmp_path / "site", tmp_path / "archives"
    with umask(mask):
        build_site(data, site, CONFIG)
        archive_year(site, 2021, archives)
        (data / "2021" / "FROZEN").touch()
        build_site(data, site, CONFIG)  # 2021 now restored from its archive
    assert (site / "2021" / "build-info.json").is_file()
    assert published_modes(site, mask) == []
    assert published_modes(archives, mask) == []
    assert sorted(p.name for p in archives.iterdir()) == ["2021.zip", "2021.zip.sha256"]


# ---------------------------------------------------------------- the lock

def test_a_second_build_waits_for_the_first_or_leaves_with_no_wait(tmp_path):
    site = tmp_path / "site"
    with site_lock(site):  # this test stands for a build in progress
        refused = subprocess.run([str(CLI), "build", "--site", str(site), "--no-wait"], cwd=ROOT,
                                 capture_output=True, text=True, timeout=120)
        assert refused.returncode == 1
        assert f"另一个生成过程（进程 {os.getpid()}）正在写入 {site.resolve()}/" in refused.stderr
        assert "Traceback" not in refused.stderr and not site.exists()

        waiting = start_build(ROOT / "data", site)
        line = waiting.stderr.readline()
        assert f"另一个生成过程（进程 {os.getpid()}）正在写入 {site.resolve()}/，等待中…" in line
        time.sleep(1)
        assert waiting.poll() is None and not site.exists()
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert (site / "2023" / "230001" / "index.html").is_file()


def test_the_lock_dies_with_its_holder(tmp_path):
    """A killed build's lock is released by the kernel: the next build does not wait."""
    site = tmp_path / "site"
    holder = subprocess.Popen(["python3", "-c", "import fcntl,os,sys,time;"
                               f"fd=os.open({str(tmp_path / '.site.lock')!r}, os.O_RDWR|os.O_CREAT);"
                               "fcntl.flock(fd, fcntl.LOCK_EX);print(1,flush=True);time.sleep(600)"],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "1"
    with pytest.raises(SiteBusy), site_lock(site, wait=False):
        pass
    holder.kill()
    holder.wait()
    with site_lock(site, wait=False):
        pass


def test_archive_reads_the_site_under_the_lock(tmp_path, reference_site):
    site = tmp_path / "site"
    shutil.copytree(reference_site, site)
    done = threading.Event()
    messages: list[str] = []
    with site_lock(site):
        worker = threading.Thread(target=lambda: (archive_year(site, 2023, tmp_path / "archives",
                                                               on_wait=messages.append), done.set()))
        worker.start()
        time.sleep(0.5)
        assert not done.is_set() and "等待中" in messages[0]
    worker.join(timeout=60)
    assert done.is_set() and (tmp_path / "archives" / "2023.zip").is_file()


def test_concurrent_builds_of_different_data_end_with_one_complete_site(tmp_path, county, expected):
    """The second build starts while the first writes: it waits, then swaps in its own
    site. Both exit 0 and tell the truth; at no moment is a partial site visible."""
    first_data, second_data = county
    site = tmp_path / "site"
    seen_partial: list[str] = []
    stop = threading.Event()

    def watch() -> None:  # what a web server would find at site/ at any moment
        while not stop.is_set():
            if site.exists():
                missing = [p for p in ("index.html", "versions.json", "2023/index.html", "2023/downloads/2023.xlsx")
                           if not (site / p).exists()]
                if missing and site.exists():
                    seen_partial.append(", ".join(missing))
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        first = start_build(first_data, site)
        deadline = time.monotonic() + 120
        while not staging_folders(site) and time.monotonic() < deadline:
            time.sleep(0.02)
        second = start_build(second_data, site)
        first_out, first_err = first.communicate(timeout=300)
        second_out, second_err = second.communicate(timeout=300)
    finally:
        stop.set()
        watcher.join()
    assert first.returncode == 0 and "14 个单位" in first_out, first_err
    assert second.returncode == 0 and "13 个单位" in second_out, second_err
    assert "等待中" in second_err
    assert tree_digest(site) == expected[second_data.name]
    assert seen_partial == []
    assert staging_folders(site) == []


# ---------------------------------------------------------------- killed builds

KILL_POINTS = {
    "loading": lambda site: True,
    "pages": lambda site: any(staging.glob("2023/*/index.html") for staging in staging_folders(site)),
    "downloads": lambda site: any(staging.glob("2023/downloads/*/*") for staging in staging_folders(site)),
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_a_killed_build_leaves_no_process_and_the_site_as_it_was(tmp_path, county, expected, point):
    first_data, second_data = county
    site = tmp_path / "site"
    assert start_build(first_data, site).wait(timeout=300) == 0
    before = tree_digest(site)
    build = start_build(second_data, site)
    deadline = time.monotonic() + 120
    while not KILL_POINTS[point](site) and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert build.poll() is None, "the build ended before it could be killed"
    build.kill()
    build.wait(timeout=60)
    assert wait_until_no_process(build.pid) == [], "a worker outlived the killed build"
    assert tree_digest(site) == before
    again = start_build(second_data, site)
    assert again.wait(timeout=300) == 0, again.stderr.read()
    assert tree_digest(site) == expected[second_data.name]
    assert staging_folders(site) == []


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_build_cleans_up_by_itself(tmp_path, county, sig):
    site = tmp_path / "site"
    build = start_build(county[0], site)
    deadline = time.monotonic() + 120
    while not KILL_POINTS["pages"](site) and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert build.poll() is None, "the build ended before it could be stopped"
    build.send_signal(sig)
    _, err = build.communicate(timeout=120)
    assert build.returncode == 130 and "已中断" in err and "Traceback" not in err
    assert wait_until_no_process(build.pid) == []
    assert staging_folders(site) == [] and not site.exists()


# Python raises the KeyboardInterrupt of Ctrl-C wherever the build happens to be; inside a
# finaliser (a __del__ collected at that moment, as zipfile's and openpyxl's objects have)
# it is only printed as "Exception ignored", and the build would go on to publish.
SWALLOWED_INTERRUPT = """
import os, signal, sys
from budget_site import cli, site_build

class Finaliser:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):  # the handler runs here, inside __del__
            pass

real_versions_json = site_build.versions_json

def versions_json(years):
    Finaliser()
    return real_versions_json(years)

site_build.versions_json = versions_json  # called after the pages, before the swap
sys.exit(cli.main(sys.argv[1:]))
"""


def test_an_interruption_swallowed_by_a_finaliser_still_stops_the_build(tmp_path, county):
    site = tmp_path / "site"
    build = subprocess.run([str(CLI.with_name("python")), "-c", SWALLOWED_INTERRUPT, "build", "--data", str(county[0]),
                            "--site", str(site)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert build.returncode == 130, build.stderr
    assert "已中断" in build.stderr and "Traceback" not in build.stderr and "Exception ignored" not in build.stderr
    assert not site.exists() and staging_folders(site) == []


# ---------------------------------------------------------------- full and read-only disks

@contextlib.contextmanager
def small_disk(where: Path, size_kb: int):
    """A real tmpfs of ``size_kb``, mounted at ``where`` (root only)."""
    where.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=755", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


def remount(where: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(where)], check=True)


needs_root = pytest.mark.skipif(not running_as_root(), reason="mounting a small file system needs root")


def size_kb(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) // 1024


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(CLI), *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


@needs_root
def test_a_full_disk_stops_the_build_with_the_site_as_it_was(tmp_path, reference_site, county, expected):
    room = size_kb(reference_site) * 2 + 2048  # the reference site fits; the county's does not
    with small_disk(tmp_path / "disk", room) as disk:
        site = disk / "site"
        assert run("build", "--site", str(site)).returncode == 0
        before = tree_digest(site)
        result = run("build", "--data", str(county[0]), "--site", str(site))
        assert result.returncode == 1
        assert "磁盘空间已满" in result.stderr and "原有网站保持不变" in result.stderr
        assert f"{disk}/" in result.stderr and "Traceback" not in result.stderr and "Errno" not in result.stderr
        assert tree_digest(site) == before
        assert staging_folders(site) == []


@needs_root
def test_a_read_only_disk_stops_build_import_and_archive(tmp_path, reference_site):
    with small_disk(tmp_path / "disk", size_kb(reference_site) * 3 + 2048) as disk:
        site = disk / "site"
        assert run("build", "--site", str(site)).returncode == 0
        before = tree_digest(site)
        remount(disk, "ro")
        try:
            for args in (("build", "--site", str(site)),
                         ("archive", "2023", "--site", str(site), "--archives", str(disk / "archives")),
                         ("import", str(ROOT / "tests/fixtures/2023-boye-xinfangju.txt"), "--data", str(disk / "d"))):
                result = run(*args)
                assert result.returncode == 1, args
                assert "文件系统是只读的" in result.stderr and f"{disk}/" in result.stderr, result.stderr
                assert "Traceback" not in result.stderr and "Errno" not in result.stderr
            assert tree_digest(site) == before
        finally:
            remount(disk, "rw")


@needs_root
def test_a_full_disk_keeps_the_previous_archive_and_data(tmp_path, reference_site, county):
    """archive and import on a disk with no room: the old archive and data file stay byte for byte."""
    with small_disk(tmp_path / "disk", 1024) as disk:
        archives, data = disk / "archives", disk / "data"
        archive_year(reference_site, 2023, archives)
        text = ROOT / "tests/fixtures/2023-boye-xinfangju.txt"
        assert run("import", str(text), "--data", str(data)).returncode == 0
        saved = {p: p.read_bytes() for p in [*archives.iterdir(), *data.rglob("*.yaml")]}
        (disk / "filler").write_bytes(b"\0" * (disk_free(disk) - 4096))  # leave less than any of the files
        site = tmp_path / "site"
        shutil.copytree(reference_site, site)
        (site / "2023" / "extra.html").write_text("changed", encoding="utf-8")
        result = run("archive", "2023", "--site", str(site), "--archives", str(archives), "--force")
        assert result.returncode == 1 and "磁盘空间已满" in result.stderr, result.stderr
        result = run("import", str(text), "--data", str(data), "--force")
        assert result.returncode == 1 and "磁盘空间已满" in result.stderr, result.stderr
        assert {p: p.read_bytes() for p in [*archives.iterdir(), *data.rglob("*.yaml")]} == saved
        assert [p.name for p in disk.rglob(".*")] == []  # no temporary file left
        assert checksum_path(archives / "2023.zip").is_file()


# root without its capabilities (CAP_DAC_OVERRIDE above all) is held to the mode bits
# like any user, and can still read this checkout wherever it is (a private clone too).
AS_A_CLERK = ["setpriv", "--bounding-set=-all", "--inh-caps=-all"]


@needs_root
def test_a_folder_of_someone_else(tmp_path, reference_site):
    """A clerk's build into the bureau's site folder, owned by another user: 没有写入权限,
    the site as it was."""
    import pwd

    bureau = pwd.getpwnam("nobody")
    shared = tmp_path / "shared"
    shared.mkdir()
    site = shared / "site"
    assert run("build", "--site", str(site)).returncode == 0
    before = tree_digest(site)
    for path in [shared, *shared.rglob("*")]:
        os.chown(path, bureau.pw_uid, bureau.pw_gid)
    shared.chmod(0o755)
    result = subprocess.run([*AS_A_CLERK, str(CLI), "build", "--site", str(site)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr
    assert f"{shared}/" in result.stderr and "没有写入权限" in result.stderr and "Traceback" not in result.stderr
    assert tree_digest(site) == before and staging_folders(site) == []
    # A lock file of another user in a folder the clerk may write to: the lock still works.
    shared.chmod(0o777)
    lock = shared / ".other.lock"
    lock.touch(mode=0o644)
    os.chown(lock, bureau.pw_uid, bureau.pw_gid)
    result = subprocess.run([*AS_A_CLERK, str(CLI), "build", "--site", str(shared / "other")],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (shared / "other" / "2023" / "index.html").is_file()


def disk_free(path: Path) -> int:
    return shutil.disk_usage(path).free


def test_session_processes_sees_a_live_session():
    """The helper the kill tests rely on finds what it should."""
    child = subprocess.Popen(["sleep", "30"], start_new_session=True)
    try:
        assert session_processes(child.pid) == [child.pid]
    finally:
        child.kill()
        child.wait()
    assert wait_until_no_process(child.pid, timeout=5) == []
