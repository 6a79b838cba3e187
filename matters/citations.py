"""Legal-basis citations as people write them: ``《中华人民共和国食品安全法》第一百一十条``.

One home for reading a citation cell (the catalogue import) and for the canonical title every basis
is stored and matched under (the legal-basis service):
- ``《title》article`` is split into title and article; several citations in one cell (separated by
  、，,；; or line breaks) are several bases;
- a title is compared and stored without 《》 and without whitespace (``中华人民共和国 食品安全法`` and
  ``《中华人民共和国食品安全法》`` are the same law);
- a 《 or 》 left over after that (an unmatched mark, text outside the marks) is refused rather than
  stored as part of a title, since such a basis would never be flagged when the real law changes.
"""
import re

CITATION = re.compile(r"《([^《》]*)》([^《》]*)")
SEPARATORS = "、，,；;。 \t\r\n\u3000"


class CitationError(ValueError):
    """`str(exc)` is a Chinese message naming the text that could not be read."""


def canonical_title(title) -> str:
    """The stored and compared form of a law's title: no whitespace, no enclosing 《》. Raises
    CitationError when a 《 or 》 remains inside."""
    text = "".join(str(title or "").split())
    if text.startswith("《") and text.endswith("》") and text.count("《") == 1 and text.count("》") == 1:
        text = text[1:-1]
    if "《" in text or "》" in text:
        raise CitationError(f"法律法规名称“{title}”中有多余的书名号，请只填写名称，或按“《名称》条款”填写。")
    return text


def canonical_article(article) -> str:
    return "".join(str(article or "").split()).strip(SEPARATORS)


def parse_citations(title_cell, article_cell="") -> list[tuple[str, str]]:
    """[(title, article), ...] of one cell pair. A cell without 书名号 is a plain title (with the article
    from `article_cell`); with them, every ``《title》article`` is one basis, its article defaulting to
    `article_cell` when the citation names none. Raises CitationError (see module doc)."""
    text = str(title_cell or "").strip()
    article_default = canonical_article(article_cell)
    if "《" not in text and "》" not in text:
        title = canonical_title(text)
        return [(title, article_default)] if title else []
    found = CITATION.findall(text)
    leftover = CITATION.sub("", text).strip(SEPARATORS)
    if not found or leftover or any(not canonical_title(t) for t, _a in found):
        raise CitationError(f"无法识别法律依据“{text}”：书名号应成对，格式如“《中华人民共和国食品安全法》第一百一十条”。")
    result = []
    for title, article in found:
        pair = (canonical_title(title), canonical_article(article) or article_default)
        if pair not in result:
            result.append(pair)
    return result
