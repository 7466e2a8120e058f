"""Three years of test data (never in ``data/``): units that come and go, projects
that continue, change, are renumbered, appear and disappear.

    2021: 300001 300002 300004             (300003 starts in 2022)
    2022: 300001 ... 300004
    2023: 300001 ... 300003 and 230001     (300004 stops after 2022; 230001 is the reference)

In 2023, 300001's first project continues 2022's first project (same code, +12.50
万元), its second project has 2022's second project's name under a new code, 2022's
third project is gone and three projects are new.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from conftest import ROOT
from synthetic import dump_unit, generate_unit, unit_code

YEARS = (2021, 2022, 2023)
UNITS = 4
SEED = 10
ABSENT = {2021: {2}, 2023: {3}}  # unit indexes missing in a year
CONTINUED_UNIT = unit_code(0)  # "300001"
NEW_UNIT, GONE_UNIT = unit_code(2), unit_code(3)  # "300003" from 2022, "300004" until 2022
RAISE = Decimal("12.50")


def year_units(year: int) -> list[int]:
    return [i for i in range(UNITS) if i not in ABSENT.get(year, set())]


def write_years(data_dir: Path) -> Path:
    documents = {year: {i: generate_unit(year, i, SEED) for i in year_units(year)} for year in YEARS}
    previous, current = documents[2022][0]["projects"], documents[2023][0]["projects"]
    continued = dict(previous[0], budget=_budget(previous[0]["budget"]["total"] + RAISE))
    renamed = dict(current[0], name=previous[1]["name"])
    documents[2023][0]["projects"] = [continued, renamed, *current[1:]]
    for year, units in documents.items():
        folder = data_dir / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        for index, document in units.items():
            (folder / f"{unit_code(index)}.yaml").write_text(dump_unit(document), encoding="utf-8")
    (data_dir / "2023" / "230001.yaml").write_bytes((ROOT / "data" / "2023" / "230001.yaml").read_bytes())
    return data_dir


def _budget(total: Decimal) -> dict:
    return {"total": total, "fiscal": total, "other": None}
