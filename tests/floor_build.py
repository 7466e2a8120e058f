"""Build plain MkDocs sites N at a time, the way ``budget-site build --jobs N``
builds a province's regions: the floor of ``make bench-province``.

Usage: ``python tests/floor_build.py JOBS CONFIG...``. MkDocs, Material and
its search plugin are imported once and the worker processes are forked from
this one, so the floor pays no interpreter start-up per site (a shell loop of
``mkdocs build`` would, and would flatter our ratio). The first configuration
is built first, the rest as workers come free; any failure stops the run
with exit status 1.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from mkdocs.commands.build import build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402


def build_one(config_file: str) -> str:
    build(load_config(config_file))
    return config_file


def main(argv: list[str]) -> int:
    if len(argv) < 2 or not argv[0].isdigit():
        print(__doc__, file=sys.stderr)
        return 2
    jobs, configs = int(argv[0]), argv[1:]
    logging.getLogger("mkdocs").setLevel(logging.ERROR)  # as ``mkdocs build -q``
    load_config(configs[0])  # imports the theme's and plugins' modules before the fork
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for _ in pool.imap_unordered(build_one, configs, chunksize=1):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
