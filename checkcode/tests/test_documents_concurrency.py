"""Document numbers under concurrent generation (issue 16, docs/documents.md "Numbers"): threads on
PostgreSQL (real row locks), each on its own connection. No gaps, no duplicates; the same document
asked for at once is issued once."""
import time

import pytest

from checkcode.models import DocumentCounter, IssuedDocument
from checkcode.services import document_issue
from jiujiang_inspect.testing import require_postgres
from plans.tests.factories import inspector_user_of
from subjects.tests.factories import AgencyFactory

from .factories import documented_inspection
from .test_concurrency import _fire

N = 12


@pytest.fixture
def slow_fake_pdf(monkeypatch):
    """A stand-in PDF that takes a little while, so the threads overlap inside the transaction."""
    def render(*, body, title, number):
        time.sleep(0.05)
        return b"%PDF-1.7 " + number.encode()

    monkeypatch.setattr("checkcode.services.documents.pdf_bytes", render)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_issues_number_without_gaps_or_duplicates(slow_fake_pdf):
    require_postgres()
    agency = AgencyFactory(doc_abbreviation="鸠测")
    user = inspector_user_of(agency)
    inspections = [documented_inspection(agency=agency, complete=False) for _ in range(N)]
    results = _fire([lambda i=i: document_issue(inspection=i, kind="notice", by=user) for i in inspections])
    assert all(isinstance(r, tuple) and r[1] for r in results), results
    serials = sorted(IssuedDocument.objects.filter(agency=agency, kind="notice").values_list("serial", flat=True))
    assert serials == list(range(1, N + 1))
    assert DocumentCounter.objects.get(agency=agency, kind="notice").last == N


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_same_document_asked_for_at_once_is_issued_once(slow_fake_pdf):
    require_postgres()
    agency = AgencyFactory()
    user = inspector_user_of(agency)
    insp = documented_inspection(agency=agency, complete=False)
    results = _fire([lambda: document_issue(inspection=insp, kind="approval", by=user) for _ in range(8)])
    assert sorted(r[1] for r in results) == [False] * 7 + [True], results
    assert {r[0].pk for r in results} == {IssuedDocument.objects.get(inspection=insp).pk}
    assert DocumentCounter.objects.get(agency=agency, kind="approval").last == 1
