"""The page ``mkdocs serve`` shows while the data has errors: the same Chinese
messages as ``budget-site check``, each with file, line and field, instead of a
preview that waits without saying why. The page asks the server every second
and reloads when the data is fixed (or its errors change)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .pages import render
from .problems import Problem, format_path


def error_page(problems: list[Problem], data_dir: Path) -> str:
    """HTML listing ``problems``; file names relative to the data folder's parent, as
    ``check`` run from the project folder prints them."""
    base = data_dir.parent
    rows = [{
        "file": _relative(problem.file, base),
        "line": problem.line,
        "column": problem.column,
        "field": format_path(problem.path),
        "kind": "错误" if problem.severity == "error" else "警告",
        "message": problem.message,
        "text": str(problem),
    } for problem in problems]
    stamp = hashlib.sha256("\n".join(r["text"] for r in rows).encode("utf-8")).hexdigest()[:16]
    return render("preview_errors.html", problems=rows, stamp=stamp)


def _relative(path: Path, base: Path) -> str:
    try:
        return os.path.relpath(path, base) if path.is_absolute() else str(path)
    except ValueError:
        return str(path)
