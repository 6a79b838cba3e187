"""GB/T 4754-2017 industry codes: 门类 one letter A–T, 大类 2 digits, 中类 3, 小类 4, each starting
with its parent's code; each 大类 belongs to a fixed 门类 (e.g. 62 餐饮业 → H)."""
import re

from django.utils.translation import gettext as _

# 大类 number ranges of each 门类 in GB/T 4754-2017.
DIVISION_RANGES = {
    "A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50), "F": (51, 52), "G": (53, 60),
    "H": (61, 62), "I": (63, 65), "J": (66, 69), "K": (70, 70), "L": (71, 72), "M": (73, 75), "N": (76, 79),
    "O": (80, 82), "P": (83, 83), "Q": (84, 85), "R": (86, 90), "S": (91, 96), "T": (97, 97),
}
LEVEL_BY_PATTERN = [
    (re.compile(r"^[A-T]$"), "section"),
    (re.compile(r"^[0-9]{2}$"), "division"),
    (re.compile(r"^[0-9]{3}$"), "group"),
    (re.compile(r"^[0-9]{4}$"), "class"),
]


def industry_level_for(code: str) -> str | None:
    """The level a code's shape implies, or None for a malformed code."""
    for pattern, level in LEVEL_BY_PATTERN:
        if pattern.match(code or ""):
            return level
    return None


def section_for_division(division: str) -> str | None:
    n = int(division)
    for letter, (lo, hi) in DIVISION_RANGES.items():
        if lo <= n <= hi:
            return letter
    return None


def industry_code_error(code: str, parent_code: str | None = None) -> str | None:
    """None when `code` is a well-formed GB/T 4754-2017 code under `parent_code`, else a message."""
    level = industry_level_for(code)
    if level is None:
        return _("行业代码应为门类字母（A–T）或2至4位数字。")
    if level == "section":
        return _("门类没有上级行业。") if parent_code else None
    if level == "division":
        expected = section_for_division(code)
        if expected is None:
            return _("大类代码 %(code)s 不在 01–97 范围内。") % {"code": code}
        if parent_code != expected:
            return _("大类 %(code)s 应属于门类 %(letter)s。") % {"code": code, "letter": expected}
        return None
    expected = code[:-1]
    if parent_code != expected:
        return _("行业代码 %(code)s 的上级应为 %(parent)s。") % {"code": code, "parent": expected}
    return None


def parent_code_for(code: str) -> str | None:
    level = industry_level_for(code)
    if level == "division":
        return section_for_division(code)
    if level in ("group", "class"):
        return code[:-1]
    return None
