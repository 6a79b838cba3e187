import pytest


@pytest.fixture
def fake_pdf(monkeypatch):
    """Numbering, storage and pages, not WeasyPrint (about a second a PDF): a stand-in PDF per body."""
    monkeypatch.setattr("checkcode.services.documents.pdf_bytes",
                        lambda *, body, title, number: b"%PDF-1.7 " + number.encode() + body[:40].encode())
