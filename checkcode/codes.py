"""The 检查码 string: ≥80 random bits in Crockford base32, grouped for reading aloud, with a check
character (Luhn mod 32) that catches any single mistyped character and most swapped pairs.

Format: ``JJ-XXXX-XXXX-XXXX-XXXX-C`` (16 random symbols = 80 bits from `secrets`, then the check).
"""
import secrets

from jiujiang_inspect.identifiers import normalize_identifier

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
PREFIX = "JJ"
BODY_LEN = 16
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def check_char(body: str) -> str:
    """Luhn mod N (N = 32) over the body."""
    n = len(ALPHABET)
    total, factor = 0, 2
    for ch in reversed(body):
        addend = factor * _INDEX[ch]
        addend = addend // n + addend % n
        total += addend
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


def format_code(body: str) -> str:
    groups = "-".join(body[i:i + 4] for i in range(0, len(body), 4))
    return f"{PREFIX}-{groups}-{check_char(body)}"


def generate() -> str:
    value = secrets.randbits(5 * BODY_LEN)
    body = "".join(ALPHABET[(value >> (5 * i)) & 31] for i in range(BODY_LEN))
    return format_code(body)


def normalize(raw: str) -> str | None:
    """Canonical form of a typed or scanned code, or None if it cannot be one (wrong length or check).
    Accepts lower case, spaces, missing dashes and the usual look-alikes (O→0, I/L→1)."""
    text = "".join(ch for ch in normalize_identifier(raw) if ch.isalnum())
    if text.startswith(PREFIX):
        text = text[len(PREFIX):]
    text = text.translate(_ALIASES)
    if len(text) != BODY_LEN + 1 or any(ch not in _INDEX for ch in text):
        return None
    body, check = text[:BODY_LEN], text[BODY_LEN]
    return format_code(body) if check_char(body) == check else None
