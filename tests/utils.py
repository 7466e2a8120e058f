"""Helpers shared by test modules: comparing imported data with the data it must equal;
hostile files made from good ones."""

from __future__ import annotations

import zipfile
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from budget_site.loading import build_unit
from budget_site.model import UnitDocument
from budget_site.validation import validate_document
from budget_site.yaml_reader import read_yaml


def assert_same(actual: Any, expected: Any, path: str = "") -> None:
    """Compare two models or plain values field by field, naming the first
    field that differs (``projects[2].indicators[5].basis``)."""
    if is_dataclass(expected):
        assert type(actual) is type(expected), path
        for item in (f for f in fields(expected) if f.compare):  # not positions and reading notes
            assert_same(getattr(actual, item.name), getattr(expected, item.name), f"{path}.{item.name}".lstrip("."))
    elif isinstance(expected, dict):
        assert isinstance(actual, dict) and actual.keys() == expected.keys(), f"{path}: {actual!r} != {expected!r}"
        for key in expected:
            assert_same(actual[key], expected[key], f"{path}.{key}".lstrip("."))
    elif isinstance(expected, list | tuple):
        assert isinstance(actual, list | tuple), path
        for i, (a, e) in enumerate(zip(actual, expected, strict=False)):
            assert_same(a, e, f"{path}[{i + 1}]")
        assert len(actual) == len(expected), f"{path}: {len(actual)} 项，应为 {len(expected)} 项"
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"


def load_expected(path: Path) -> UnitDocument:
    """An ``.expected.yaml`` through the same reading and validation as data files
    (its name is not a unit code, so ``load_unit``'s file-name rule does not apply)."""
    read = read_yaml(path)
    problems = read.problems + validate_document(read)
    assert problems == [], problems
    return build_unit(read.data)


def write_zip_bomb(original: Path, target: Path, padding: str) -> None:
    """``original`` (a .docx or .xlsx) with a part ``padding`` of 300 MB of zeros
    added: a few hundred KB packed, far past any real document unpacked."""
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bomb:
        for entry in source.infolist():
            bomb.writestr(entry.filename, source.read(entry))
        with bomb.open(padding, "w") as part:
            for _ in range(300):
                part.write(bytes(1 << 20))


def county_project(folder: Path, site_name: str, site_url: str) -> Path:
    """A county's own copy of the project's site configuration (mkdocs.yml, docs/,
    overrides/, hooks/) in ``folder``, with its name and address set as the README
    says; returns its mkdocs.yml."""
    import shutil

    root = Path(__file__).resolve().parent.parent
    for part in ("docs", "overrides", "hooks"):
        shutil.copytree(root / part, folder / part)
    config = (root / "mkdocs.yml").read_text("utf-8")
    assert "\nsite_name: 部门预算绩效公开\n# site_url: " in config
    config = config.replace("\nsite_name: 部门预算绩效公开\n# site_url: https://www.example.gov.cn/xxgk/ysjx/\n",
                            f"\nsite_name: {site_name}\nsite_url: {site_url}\n")
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    return folder / "mkdocs.yml"
