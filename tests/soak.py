"""Soak test of publishing (``make soak``): many builds of varying data into one
site, killed (SIGKILL, SIGINT, SIGTERM) at random moments and started two at a
time, as a cron job and a person pressing "build" would.

After every round ``site/`` must be exactly one complete site: the one before
the round or the one of a build of the round (builds are reproducible, so each
data version's complete file list and hashes are known from a build of its
own); when the round's last build exited 0, exactly its site. At the end no
process of any build is alive and no staging folder is left.

    python tests/soak.py [--builds 50] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from budget_site.site_build import build_site  # noqa: E402

from conftest import ROOT  # noqa: E402
from processes import staging_folders, start_build, wait_until_no_process  # noqa: E402
from synthetic import write_units  # noqa: E402
from test_cli import tree_digest  # noqa: E402

VERSIONS = [(30, 31), (13, 32), (16, 33), (12, 34)]  # (units, seed): all with worker processes, one slower
SIGNALS = {"SIGKILL": signal.SIGKILL, "SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builds", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="budget-soak-") as folder:
        root = Path(folder)
        versions, complete = prepare(root)
        site = root / "out" / "site"
        figures = {"builds": 0, "completed": 0, "concurrent rounds": 0, "mixtures": 0, "leftover processes": 0,
                   **{name: 0 for name in SIGNALS}}
        previous: dict[str, str] = {}
        started = time.monotonic()
        while figures["builds"] < args.builds:
            last_round = figures["builds"] >= args.builds - 2
            builds = one_round(rng, versions, site, figures, calm=last_round)
            current = tree_digest(site) if site.exists() else {}
            allowed = [previous, *(complete[version] for version, _ in builds)]
            finished_last = max(builds, key=lambda b: b[1]["ended"])
            if finished_last[1]["status"] == 0:
                allowed = [complete[finished_last[0]]]
            if current not in allowed:
                figures["mixtures"] += 1
                print(f"  混合或不完整的网站！本轮：{[(v, b['status']) for v, b in builds]}", flush=True)
            previous = current
        figures["staging folders left"] = len(staging_folders(site))
        figures["seconds"] = round(time.monotonic() - started)
    print("soak:", "，".join(f"{key} {value}" for key, value in figures.items()))
    bad = figures["mixtures"] + figures["leftover processes"] + figures["staging folders left"]
    return 1 if bad else 0


def prepare(root: Path) -> tuple[list[Path], dict[Path, dict[str, str]]]:
    """Data versions and the complete site each one builds to."""
    versions, complete = [], {}
    for units, seed in VERSIONS:
        data = root / f"data-{units}-{seed}"
        write_units(data, years=[2023], units=units, seed=seed)
        build_site(data, root / "reference" / data.name, ROOT / "mkdocs.yml")
        versions.append(data)
        complete[data] = tree_digest(root / "reference" / data.name)
    return versions, complete


def one_round(rng: random.Random, versions: list[Path], site: Path, figures: dict, calm: bool) -> list:
    """One or two builds, maybe one of them interrupted; returns [(data, outcome)]."""
    count = 1 if calm or rng.random() < 0.6 else 2
    figures["concurrent rounds"] += count == 2
    builds = []
    for index in range(count):
        if index:
            time.sleep(rng.uniform(0, 2))
        data = rng.choice(versions)
        builds.append((data, {"process": start_build(data, site), "ended": 0.0}))
        figures["builds"] += 1
    if not calm and rng.random() < 0.6:
        victim = rng.choice(builds)[1]["process"]
        time.sleep(rng.uniform(0, 4))
        name = rng.choice(list(SIGNALS))
        if victim.poll() is None:
            victim.send_signal(SIGNALS[name])
            figures[name] += 1
    running = [outcome for _, outcome in builds]
    while running:  # note when each one ends: the last to end swapped in last
        for outcome in list(running):
            if outcome["process"].poll() is not None:
                outcome["ended"] = time.monotonic()
                running.remove(outcome)
        time.sleep(0.01)
    for _, outcome in builds:
        process = outcome["process"]
        process.communicate(timeout=60)
        outcome["status"] = process.returncode
        figures["completed"] += process.returncode == 0
        if wait_until_no_process(process.pid):
            figures["leftover processes"] += 1
            print(f"  进程 {process.pid} 的子进程仍在运行", flush=True)
    return builds


if __name__ == "__main__":
    sys.exit(main())
