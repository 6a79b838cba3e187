"""身份证号 (GB 11643-1999) and 统一社会信用代码 (GB 32100-2015) checks."""
import re
from datetime import date

from jiujiang_inspect.identifiers import normalize_identifier

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"
ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def id_number_error(value: str) -> str | None:
    """Return a Chinese message if `value` is not a valid 18-digit 身份证号, else None."""
    value = normalize_identifier(value)
    if not ID_RE.match(value):
        return "身份证号应为18位，前17位为数字，最后一位为数字或X。"
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号中的出生日期无效。"
    total = sum(int(d) * w for d, w in zip(value[:17], ID_WEIGHTS, strict=True))
    if ID_CHECK[total % 11] != value[17]:
        return "身份证号校验位不正确，请核对。"
    return None


def id_number_with_check(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + ID_CHECK[total % 11]


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * (3 ** i % 31) for i, c in enumerate(first17))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_normalise(value) -> str:
    """The canonical 统一社会信用代码 of typed or pasted text (jiujiang_inspect.identifiers)."""
    return normalize_identifier(value)


def id_number_normalise(value) -> str:
    """The canonical 身份证号 of typed or pasted text (jiujiang_inspect.identifiers)."""
    return normalize_identifier(value)


def uscc_shape_ok(value: str) -> bool:
    return bool(USCC_RE.match(value or ""))


def uscc_checksum_ok(value: str) -> bool:
    return uscc_shape_ok(value) and uscc_check_char(value[:17]) == value[17]
