"""Writing a unit file: checked as ``budget-site check`` would, never overwritten by accident."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from ..filesystem import cause_of, write_atomically
from ..loading import build_unit, load_unit
from .differences import unit_changes
from .parse import ImportedUnit
from .refusal import refuse
from .yaml_out import render_yaml


def write_unit(unit: ImportedUnit, data_dir: Path, force: bool = False, region: str | None = None,
               dry_run: bool = False) -> Path:
    """Write ``data_dir/<year>/[<region>/]<code>.yaml`` and return its path.

    The text is loaded back with the same loader as ``budget-site check``
    before anything is written, so an import never leaves invalid data; an
    existing file is replaced only with ``force``. ``dry_run``: every check,
    then the path it would write, with nothing written or created.
    """
    target = data_dir / unit.relative_path(region)
    text = render_yaml(unit)
    _verify(text, unit, target)
    if dry_run:
        return target
    if target.exists() and not force:
        raise refuse(target, "文件已存在，没有覆盖；确认要用导入结果替换它，请加 --force")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, text.encode("utf-8"), replace=force)
    except FileExistsError:
        raise refuse(target, "文件已存在，没有覆盖；确认要用导入结果替换它，请加 --force") from None
    except OSError as exc:
        raise refuse(target, f"无法写入：{cause_of(exc)}") from None
    return target


def _verify(text: str, unit: ImportedUnit, target: Path) -> None:
    """Load ``text`` as ``budget-site check`` would and compare it with the
    imported data, so a flaw of the writer can never reach the data folder."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / unit.relative_path()
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        loaded, problems = load_unit(path, unit.year)
    if loaded is None or replace(loaded, source=None) != build_unit(unit.data):
        details = "；".join(dict.fromkeys(p.message for p in problems[:3])) or "写出的内容与导入的内容不一致"
        raise refuse(target, f"导入结果没有通过数据检查，没有写入（这是导入程序的缺陷，请报告）：{details}")


def changes_from_existing(unit: ImportedUnit, target: Path) -> list[str] | None:
    """What importing ``unit`` over the file at ``target`` changes, in the document's
    words; None when there is no file there yet (a new unit)."""
    if not target.exists():
        return None
    old, problems = load_unit(target, unit.year)
    if old is None:
        reason = problems[0].message if problems else "无法读取"
        return [f"原有数据文件没有通过检查（{reason}），无法逐项比较，将整份替换"]
    return unit_changes(old, build_unit(unit.data))
