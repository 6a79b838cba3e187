"""The one identifier normaliser (jiujiang_inspect.identifiers) and the validators behind it."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkcode import codes
from jiujiang_inspect.identifiers import normalize_code, normalize_identifier
from subjects.validators import (
    USCC_ALPHABET,
    id_number_error,
    id_number_with_check,
    uscc_check_char,
    uscc_checksum_ok,
    uscc_normalise,
    uscc_shape_ok,
)

FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
NOISE = ["\u200b", "\ufeff", "\u200e", "\u00ad", " ", "\u3000", "\u00a0", "-", "\uff0d", "\u2014"]


@st.composite
def usccs(draw):
    body = draw(st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8))
    first17 = "91340207" + "MA" + body[:7]
    return first17 + uscc_check_char(first17)


@st.composite
def disguised(draw, canonical):
    """The canonical code typed badly: full-width or lower-case characters, noise pasted in between."""
    out = []
    for ch in canonical:
        if draw(st.booleans()):
            ch = ch.translate(FULL_WIDTH)
        if draw(st.booleans()):
            ch = ch.lower()
        out.append(ch)
        if draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from(NOISE)))
    return draw(st.sampled_from(["", "\ufeff", " "])) + "".join(out) + draw(st.sampled_from(["", "\u200b", "\n"]))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_any_disguise_of_a_valid_uscc_normalises_to_it(data):
    canonical = data.draw(usccs())
    typed = data.draw(disguised(canonical))
    assert uscc_normalise(typed) == canonical and uscc_checksum_ok(uscc_normalise(typed))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.text(max_size=30))
def test_the_validators_never_crash_and_accept_ascii_only(text):
    # Variant not in the issue: any Unicode text, e.g. Arabic-Indic or Devanagari digits, which NFKC
    # leaves alone and `\d` would have matched.
    value = uscc_normalise(text)
    if uscc_shape_ok(value):
        assert all(c in USCC_ALPHABET for c in value)
    assert uscc_checksum_ok(value) in (True, False)
    error = id_number_error(text)
    assert error is None or error.startswith("身份证号")


def test_non_ascii_digits_are_a_shape_error_not_a_crash():
    arabic = "\u0669\u0661" + "340207MA2NXY12QB"  # ٩١ are Unicode digits that NFKC does not fold
    assert not uscc_shape_ok(uscc_normalise(arabic))
    assert id_number_error("\u0663" + "40207198805124538") == "身份证号应为18位，前17位为数字，最后一位为数字或X。"


def test_full_width_and_pasted_id_numbers_pass_the_checksum():
    idn = id_number_with_check("34020719880512453")
    assert id_number_error(idn.translate(FULL_WIDTH)) is None
    assert id_number_error("\ufeff" + idn[:6] + " " + idn[6:].lower() + "\u200b") is None


def test_codes_with_hyphens_keep_them_and_their_case():
    assert normalize_code("  ＳＣＪＧ－ＪＣ－００１\u200b ") == "SCJG-JC-001"
    assert normalize_code("scjg—jc—1") == "scjg-jc-1"
    assert normalize_identifier("6210") == "6210" and normalize_identifier(None) == ""


def test_check_code_lookup_accepts_full_width_and_pasted_codes():
    code = codes.generate()
    typed = "\ufeff" + code.translate(FULL_WIDTH).lower() + "\u200b"
    assert codes.normalize(typed) == code

