"""Every Kangxi radical and CJK radical supplement code point comes out as the
character a reader of simplified Chinese types (issue 23, item 3)."""

from __future__ import annotations

import unicodedata

from budget_site.importer.characters import ideographs

# Components with no character of their own in GB2312 and no simplified form:
# they stay as their equivalent ideograph (or as they are, for ⺀ which has none).
NO_SIMPLIFIED_FORM = set("⺀乛乚𠘨㔾尣𡯂彑旡歺氺爫𤴔𥫗罓罒㓁𦉫𦍌𦍋耂𦥑覀𧢲𧾷镸𨸏𩙿𩠐亅匸夊癶禸艸襾辵釆")


def _radicals() -> list[str]:
    points = [*range(0x2E80, 0x2EF4), *range(0x2F00, 0x2FD6)]
    return [chr(p) for p in points if unicodedata.name(chr(p), "")]


def test_every_radical_becomes_a_simplified_character() -> None:
    wrong = []
    for radical in _radicals():
        new, _ = ideographs(radical)
        try:
            new.encode("gb2312")
        except UnicodeEncodeError:
            if new not in NO_SIMPLIFIED_FORM:
                wrong.append(f"U+{ord(radical):04X} {radical} -> {new}")
    assert not wrong, wrong
    assert len(_radicals()) == 115 + 214


def test_kangxi_door_radical_in_account_is_simplified() -> None:
    assert ideographs("账⼾") == ("账户", {"⼾": "户"})
    assert ideographs("⾨⾴⿃") == ("门页鸟", {"⾨": "门", "⾴": "页", "⿃": "鸟"})
