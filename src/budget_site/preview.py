"""The preview (``mkdocs serve``) for the operator, in Chinese.

While the data has errors the preview shows a page of the same Chinese
messages as ``budget-site check``, each with file, line and field, instead of
a preview that waits without saying why; the page asks the server every
second and reloads when the data is fixed (or its errors change). MkDocs'
own terminal messages of a preview (building, serving, watching, reloading,
a failed request) are said in Chinese too (``say_mkdocs_in_chinese``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
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


# MkDocs' messages during a preview (mkdocs 1.6: commands/serve.py, commands/build.py,
# livereload/__init__.py, which puts "[HH:MM:SS] " before its own), in Chinese.
_TIME = r"(?P<time>\[[\d:]+\] )?"
_MKDOCS_MESSAGES = tuple((re.compile(f"^{_TIME}{pattern}$", re.S), chinese) for pattern, chinese in (
    (r"Building documentation\.\.\.", "正在生成预览……"),
    (r"Building documentation to directory: (?P<a>.*)", "正在生成预览，写入 {a}"),
    (r"Cleaning site directory", "清空预览文件夹"),
    (r"The directory contains stale files\. Use --clean to remove them\.", "预览文件夹中有旧文件"),
    (r"Documentation built in (?P<a>[\d.]+) seconds", "预览已生成，用时 {a} 秒"),
    (r"Watching paths for changes: (?P<a>.*)", "监视这些文件和文件夹的改动：{a}"),
    (r"Serving on (?P<a>\S+)(?: and opening it in a browser)?", "预览地址：{a}（按 Ctrl+C 停止）"),
    (r"Browser connected: (?P<a>.*)", "浏览器已打开 {a}"),
    (r"Detected file changes", "发现文件改动，重新生成预览"),
    (r"Reloading browsers", "刷新浏览器中的页面"),
    (r"Shutting down\.\.\.", "预览已停止"),
    (r'"(?P<a>\S+) (?P<b>\S+) [^"]*" code (?P<c>\d+)', "浏览器请求 {b} 未成功（HTTP {c}）"),
))
_LEVELS = {logging.DEBUG: "调试", logging.INFO: "信息", logging.WARNING: "警告", logging.ERROR: "错误",
           logging.CRITICAL: "错误"}


def chinese_message(message: str) -> str:
    """One of MkDocs' preview messages in Chinese (the time livereload puts first kept);
    any other message as it is."""
    for pattern, chinese in _MKDOCS_MESSAGES:
        if match := pattern.match(message):
            return (match["time"] or "") + chinese.format(**match.groupdict())
    return message


class _ChineseLog(logging.Filter):
    """Rewrites each record a handler prints: its message and its level's name."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = chinese_message(record.getMessage()), ()
        record.levelname = _LEVELS.get(record.levelno, record.levelname)
        return True


def say_mkdocs_in_chinese(logger: str = "mkdocs") -> None:
    """MkDocs' terminal handlers (on the ``mkdocs`` logger, which every MkDocs module
    logs through) print their messages in Chinese from now on; once per handler."""
    for handler in logging.getLogger(logger).handlers:
        if not any(isinstance(f, _ChineseLog) for f in handler.filters):
            handler.addFilter(_ChineseLog())
