"""One build at a time per site: an OS lock in a file beside ``site/``.

``fcntl.flock`` is held by the open file, so the kernel releases it when the
holder exits, however it exits (SIGKILL included): a lock can never be left
behind by a dead build, which a marker file could. The file itself stays
(``.site.lock``); removing it while another process waits on it would let two
builds in at once. It holds the holder's process id, for the message a
waiting build prints.

Writers (``build``, a plain ``mkdocs build`` into the site folder) take it
exclusively; ``archive``, which only reads a year of the site, takes it
shared, so it never zips a year while a build swaps it.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


class SiteBusy(Exception):
    """Another process holds the site's lock and the caller would not wait."""

    def __init__(self, site_dir: Path, holder: int | None):
        self.site_dir = site_dir
        self.holder = holder
        super().__init__(busy_message(site_dir, holder, waiting=False))


def lock_path(site_dir: Path) -> Path:
    return site_dir.parent / f".{site_dir.name}.lock"


def busy_message(site_dir: Path, holder: int | None, waiting: bool) -> str:
    who = f"（进程 {holder}）" if holder else ""
    what = "等待中…" if waiting else "请稍后再试（不加 --no-wait 则会等它完成）。"
    return f"另一个生成过程{who}正在写入 {site_dir}/，{what}"


@contextmanager
def site_lock(site_dir: Path, *, shared: bool = False, wait: bool = True,
              on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the lock of ``site_dir`` for the ``with`` block.

    If another process holds it: raise ``SiteBusy`` when ``wait`` is false,
    otherwise tell ``on_wait`` (once) and block until it is released."""
    site_dir = Path(site_dir).resolve()  # as build_site names it
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(lock_path(site_dir), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        writable = True
    except PermissionError:  # another user's lock file (a shared folder): flock works read-only too
        fd = os.open(lock_path(site_dir), os.O_RDONLY | os.O_CLOEXEC)
        writable = False
    try:
        kind = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        try:
            fcntl.flock(fd, kind | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            if not wait:
                raise SiteBusy(site_dir, holder) from None
            if on_wait is not None:
                on_wait(busy_message(site_dir, holder, waiting=True))
            fcntl.flock(fd, kind)
        if writable and not shared:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            if writable and not shared:
                os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # releases the lock


def _holder(fd: int) -> int | None:
    """The process id the exclusive holder wrote, if that process is alive (a
    shared holder writes none; a killed holder's id may be left in the file)."""
    try:
        pid = int(os.pread(fd, 32, 0).decode().strip())
    except (ValueError, OSError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:  # alive, another user's
        pass
    return pid
