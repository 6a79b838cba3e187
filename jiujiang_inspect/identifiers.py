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


def code_slug_field_class():
    """A DRF SlugRelatedField for codes (单位代码, 事项编码): the submitted code is normalised
    (normalize_code) and found whatever its case, so `{"agency": "ｓｃｊｇ"}` is agency SCJG; an unknown
    code is a 400 naming it in Chinese."""
    from django.core.exceptions import MultipleObjectsReturned, ObjectDoesNotExist
    from rest_framework import serializers

    class CodeSlugField(serializers.SlugRelatedField):
        default_error_messages = serializers.SlugRelatedField.default_error_messages | {
            "does_not_exist": "代码“{value}”不存在。", "invalid": "代码无效。"}

        def to_internal_value(self, data):
            if not isinstance(data, str | int):
                self.fail("invalid")
            code = normalize_code(str(data))
            try:
                return self.get_queryset().get(**{f"{self.slug_field}__iexact": code})
            except ObjectDoesNotExist:
                self.fail("does_not_exist", slug_name=self.slug_field, value=code)
            except MultipleObjectsReturned:
                return self.get_queryset().get(**{self.slug_field: code})

    return CodeSlugField


class CodeIndex(dict):
    """Objects by their code, found as typed (normalize_code, any case): the lookup imports use for 单位代码
    and the like, so a file's `scjg` is agency SCJG. Build it from objects with a `code` attribute."""

    def __init__(self, objects, attr: str = "code"):
        super().__init__((normalize_code(getattr(o, attr)).casefold(), o) for o in objects)

    @staticmethod
    def _key(code):
        return normalize_code(code or "").casefold()

    def get(self, code, default=None):
        return super().get(self._key(code), default)

    def __contains__(self, code):
        return super().__contains__(self._key(code))

    def __getitem__(self, code):
        return super().__getitem__(self._key(code))
