"""Builds run as a user runs them, in their own session, and what they leave behind."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT

CLI = Path(sys.executable).with_name("budget-site")


def start_build(data: Path, site: Path, *extra: str, **popen) -> subprocess.Popen:
    """``budget-site build`` in a session of its own: its workers (and theirs) keep the
    session id after the build dies, so ``session_processes`` finds every one of them."""
    return subprocess.Popen([str(CLI), "build", "--data", str(data), "--site", str(site), *extra], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            **popen)


def session_processes(sid: int) -> list[int]:
    """The live processes of session ``sid`` (zombies are dead: only their parent's wait is missing)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
        state, session = fields[0], int(fields[3])
        if session == sid and state != "Z":
            found.append(int(entry.name))
    return found


def wait_until_no_process(sid: int, timeout: float = 20) -> list[int]:
    """Wait for the session to empty; what is still alive at the timeout."""
    deadline = time.monotonic() + timeout
    while (alive := session_processes(sid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


def staging_folders(site: Path) -> list[Path]:
    return sorted(p for p in site.parent.glob(f".{site.name}.*") if p.is_dir())


def published_modes(folder: Path, umask: int = 0o022) -> list[str]:
    """Everything under ``folder`` (itself included) whose mode is not what ``cp`` makes."""
    wrong = []
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            continue
        mode = path.stat().st_mode & 0o7777
        expected = (0o777 if path.is_dir() else 0o666) & ~umask
        if mode != expected:
            wrong.append(f"{path}: {mode:o}")
    return wrong


def running_as_root() -> bool:
    return os.geteuid() == 0
