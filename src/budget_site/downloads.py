"""Write a year's open data files while MkDocs renders its pages.

The files themselves are made by ``opendata``; this module decides where and
when. A unit's files take some 35 ms (most of it openpyxl making the unit's
workbook), half what MkDocs takes for the unit's pages, so made one after
the other they would add a third to a build. Worker processes make them instead, the year's
own files first (every page links to them), then unit by unit in the order
MkDocs builds the pages. The pages carry a marker where a file's size goes
(``size_marker``), filled in (``fill_sizes``) when MkDocs gets to the page,
by which time the unit's files are usually there.

A small year (or a machine with one core) does the same work in-process:
starting a worker costs more than it saves there.

Workers die with the build: a killed build (SIGKILL leaves it no time to
stop them) must not leave processes running, so each worker asks the kernel
for SIGKILL when its parent dies (Linux ``PR_SET_PDEATHSIG``) or, elsewhere,
watches its parent from a thread.
"""

from __future__ import annotations

import ctypes
import os
import re
import signal
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from html import unescape
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from markupsafe import Markup

from . import opendata
from .formatting import filesize
from .model import UnitDocument, YearData

# Below this many units the files are made in-process.
MIN_UNITS_FOR_WORKERS = 12

Files = dict[str, bytes]

_open: weakref.WeakSet[DownloadWriter] = weakref.WeakSet()


def size_text(size: int) -> Markup:
    return Markup('<span class="budget-size">{}</span>').format(filesize(size))


def size_marker(path: str) -> Markup:
    """Stands in a page for the size of the download ``path`` until it is known. An
    element, so no text from data (always escaped) can ever look like one."""
    return Markup('<budget-size path="{}"></budget-size>').format(path)


_MARKER = re.compile(r'<budget-size path="([^"<>]*)"></budget-size>')


def fill_sizes(html: str, size_of: Callable[[str], int]) -> str:
    """Replace every size marker with the file's size."""
    return _MARKER.sub(lambda m: size_text(size_of(unescape(m.group(1)))), html)


class InProcessSizes:
    """The sizes of a year's downloads, made in-process when first asked for (for
    pages rendered outside a build, as the tests do)."""

    def __init__(self, data: YearData):
        self._data = data
        self._sizes: dict[str, int] | None = None

    def __call__(self, path: str) -> Markup:
        if self._sizes is None:
            self._sizes = {p: len(c) for p, c in opendata.year_files(self._data).files.items()}
        return size_text(self._sizes[path])


class DownloadWriter:
    """Makes a year's downloads (in worker processes for a large year) and writes
    them under ``site_dir``; ``size`` waits for the file it is asked about.

    ``cache`` (unit or year data -> files) lets ``mkdocs serve`` remake only the
    units that changed since the last rebuild."""

    def __init__(self, data: YearData, site_dir: Path, cache: dict | None = None, workers: int | None = None):
        self._data = data
        self._site_dir = site_dir
        self._cache = cache
        if workers is None:
            workers = (os.cpu_count() or 1) - 1 if len(data.units) >= MIN_UNITS_FOR_WORKERS else 0
        self._pool = (ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=worker_init,
                                          initargs=(os.getpid(),))
                      if workers > 0 else None)
        _open.add(self)
        # What each part of the year (a unit code, or None for the year's own files) waits for.
        self._pending: dict[str | None, _Job] = {}
        self._sizes: dict[str, int] = {}
        # Every page links to the year's whole data: its files come first. Workers get
        # the data without its field positions, half its size (they compare equal).
        data = data.without_positions()
        self._pending[None] = self._job(data, opendata.year_level_files)
        for unit in data.units:
            self._pending[unit.code] = self._job(unit, opendata.unit_files)

    def _job(self, source: UnitDocument | YearData, make: Callable[[Any], Files]) -> _Job:
        if self._cache is not None and source in self._cache:
            files = self._cache[source]
            return _Job(source, lambda _: files)
        return _Job(source, make, self._pool.submit(make, source) if self._pool is not None else None)

    def size(self, path: str) -> int:
        """The size of the download ``path``, after writing its part of the year."""
        if path not in self._sizes:
            self._take(opendata.owner_of(path))
        return self._sizes[path]

    def _take(self, key: str | None) -> None:
        job = self._pending.pop(key, None)
        if job is None:
            return
        try:
            files = job.future.result() if job.future is not None else job.make(job.source)
        except BrokenProcessPool:  # a worker was killed (out of memory?): its work is done here
            files = job.make(job.source)
        if self._cache is not None:
            self._cache[job.source] = files
        for path, content in files.items():
            target = self._site_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            self._sizes[path] = len(content)

    def finish(self) -> None:
        """Write whatever is left; a worker's error is raised here."""
        try:
            for key in list(self._pending):
                self._take(key)
        finally:
            self.close()
        if self._cache is not None:  # keep only what this year is made of now
            current = {self._data, *self._data.units}
            for key in [k for k in self._cache if k not in current]:
                del self._cache[key]

    def close(self) -> None:
        """Stop the workers (after a failed build: the unfinished work is dropped)."""
        self._pending.clear()
        _open.discard(self)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


@dataclass
class _Job:
    source: UnitDocument | YearData  # what the files are made from
    make: Callable[[Any], Files]
    future: Future | None = None  # None: made in-process when needed


def close_all() -> None:
    """Stop every writer's workers: a build was interrupted (Ctrl-C) before MkDocs
    could say so to the hooks."""
    for writer in list(_open):
        writer.close()


def worker_init(parent: int) -> None:
    # Ctrl-C reaches the whole process group; the build in the parent decides what happens.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not _die_with_parent():
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False elsewhere."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)

