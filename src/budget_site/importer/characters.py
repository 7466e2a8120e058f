"""What the importer may change in the text: only what a conversion provably broke.

Spaces between two Chinese characters (a wrapped table cell), every space in
codes and fixed header words, and look-alike code points some PDF fonts put
in the text layer instead of the ideograph a reader types.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib.resources import files

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CHINESE_PUNCTUATION = "\u3001-\u303f\uff01-\uff60\uffe0-\uffee"  # 、。（），：；“” and full-width forms
_CHINESE = f"[{HAN}{_CHINESE_PUNCTUATION}]"
SPACE_IN_CHINESE = re.compile(rf"(?<={_CHINESE})\s+(?={_CHINESE})")
_WHITESPACE = re.compile(r"\s+")
CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$")


def join_chinese(text: str) -> str:
    """Remove whitespace between two Chinese characters.

    The converter breaks words where the PDF wrapped a table cell
    ("经费支出准确 率"), and Chinese never puts a space there. A line break
    (paragraphs of one Word table cell) stays. A space next to
    a digit or a Latin letter ("8 小时", "大于 95%") may be the author's and is kept.
    """
    return "\n".join(SPACE_IN_CHINESE.sub("", part.strip()) for part in text.strip().split("\n"))


def squeeze(text: str) -> str:
    """Remove all whitespace: for codes, amounts, period labels and fixed
    header words, where no space can be part of the content."""
    return _WHITESPACE.sub("", text)


def label_key(text: str) -> str:
    """A header cell as a lookup key: no spaces, full-width colon and brackets."""
    return squeeze(text).replace(":", "：").replace("(", "（").replace(")", "）")


# Chinese (radical look-alikes and the supplementary planes too), full-width punctuation, dashes, ellipsis
_WIDE = f"{HAN}\u2e80-\u2fdf\U00020000-\U0003134f\u3000-\u303f\uff00-\uffef\u2014-\u2026"
WIDE = re.compile(f"[{_WIDE}]")
_WIDE_END = re.compile(f"[{_WIDE}]$")
_WIDE_START = re.compile(f"^[{_WIDE}]")


def join_wrapped(parts: list[str]) -> str:
    """Lines wrapped by the layout, joined: nothing between Chinese characters
    (Chinese wraps anywhere), a space between Latin words (they wrap at spaces)."""
    text = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if text and not (_WIDE_END.search(text) or _WIDE_START.search(part)):
            text += " "
        text += part
    return text


# Leading numbering of itemised goals, measures and project titles: "1." "1、" "（1）".
# Not followed by a digit, so "3.5万元……" keeps its number.
NUMBERING = re.compile(r"^(?:\d{1,3}\s*[.．、]|[（(]\s*\d{1,3}\s*[)）])\s*(?!\d)")
CHAPTER_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十]+\s*[)）])\s*")


def strip_numbering(title: str) -> str:
    """A title without its leading "1." (the site numbers lists itself)."""
    return NUMBERING.sub("", title, count=1)


# --------------------------------------------------------------------------- look-alike characters

_KANGXI = re.compile("[\u2f00-\u2fd5]")  # NFKC folds each to its ideograph


@cache
def _radical_supplement() -> dict[int, str]:
    """U+2E81..U+2EF3 -> ideograph, from the UCD's EquivalentUnifiedIdeograph.txt (NFKC keeps these)."""
    table: dict[int, str] = {}
    for line in files(__package__).joinpath("radicals.txt").read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        points, ideograph = (part.strip() for part in line.split(";"))
        first, _, last = points.partition("..")
        for point in range(int(first, 16), int(last or first, 16) + 1):
            table[point] = chr(int(ideograph, 16))
    return table


_RADICALS = re.compile("[\u2e81-\u2ef3\u2f00-\u2fd5]")

# The equivalent ideograph of these radicals is a traditional (or Japanese) form; the
# documents are in simplified Chinese, so the reader types the simplified one
# ("账⼾" is 账户 U+6237, not 戶 U+6236 as NFKC gives).
SIMPLIFIED = str.maketrans(
    "戶見貝車長門靑韋頁風飛馬鬥魚鳥鹵麥黃黽齊齒龍龜斉歯竜亀糹飠",
    "户见贝车长门青韦页风飞马斗鱼鸟卤麦黄黾齐齿龙龟齐齿龙龟纟饣",
)


def ideographs(text: str) -> tuple[str, dict[str, str]]:
    """``text`` with Kangxi radicals and CJK radical supplement forms replaced
    by the ideographs they stand for ("⽬" -> "目", "⻔" -> "门"), and the replacements made."""
    if not _RADICALS.search(text):
        return text, {}
    supplement = _radical_supplement()
    changed: dict[str, str] = {}

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        new = unicodedata.normalize("NFKC", char) if _KANGXI.match(char) else supplement.get(ord(char), char)
        new = new.translate(SIMPLIFIED)
        if new != char:
            changed[char] = new
        return new

    return _RADICALS.sub(replace, text), changed
