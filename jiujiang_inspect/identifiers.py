"""The one normaliser for identifiers typed, pasted or imported (统一社会信用代码, 身份证号, 行业代码,
单位代码, 执法证件号, 事项编码, 工单编号, 检查码).

People paste codes from web pages (zero-width spaces, BOMs, non-breaking spaces), type them with a
Chinese input method (full-width letters and digits: ９１３４…) or in lower case. Every entry point
(forms, API bodies, URL lookups, filters, imports, the public code lookup, 12345 tickets) passes the
raw text through `normalize_identifier` before any validator sees it:

1. Unicode NFKC (full-width ９１ＡＢ → 91AB, ideographic space → space);
2. format characters removed (category Cf: U+200B zero-width space, U+FEFF BOM, U+200E/F marks,
   U+00AD soft hyphen …);
3. upper case (unless the format is case-sensitive);
4. spaces removed; for `compact` formats (which contain no separator: 统一社会信用代码, 身份证号,
   行业代码) hyphens and dashes too; otherwise dashes are unified to ASCII "-".

Validators after this accept ASCII digits only (`[0-9]`, never `\\d`, which matches any Unicode digit).
"""
import unicodedata

DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DASH_TO_ASCII = str.maketrans({d: "-" for d in DASHES})


def normalize_identifier(value, *, compact: bool = True, upper: bool = True) -> str:
    """Canonical text of an identifier (see module doc). `value` may be anything (None → "")."""
    if value is None:
        return ""
    text = str(value)
    if text.isascii():  # the common case: NFKC and format characters cannot apply
        text = "".join(text.split())
    else:
        text = unicodedata.normalize("NFKC", text)
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf" and not ch.isspace())
        text = text.translate(_DASH_TO_ASCII)
    if compact:
        text = text.replace("-", "")
    return text.upper() if upper else text


def normalize_code(value, *, upper: bool = False) -> str:
    """Codes whose format may contain hyphens (事项编码, 执法证件号, 工单编号, 单位代码)."""
    return normalize_identifier(value, compact=False, upper=upper)


def is_ascii_digits(text: str) -> bool:
    return bool(text) and all("0" <= ch <= "9" for ch in text)


def identifier_slug_field(normalise, **kwargs):
    """A DRF SlugRelatedField that normalises the submitted identifier before the lookup, so
    `{"enterprise": "９１３４…"}` finds the same row as the canonical code."""
    from rest_framework import serializers

    class _Field(serializers.SlugRelatedField):
        def to_internal_value(self, data):
            return super().to_internal_value(normalise(data) if isinstance(data, str) else data)

    return _Field(**kwargs)
