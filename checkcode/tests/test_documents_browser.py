"""行政检查文书 pages in Chromium at 375 px (docs/ui.md, docs/documents.md): the inspection page loads its
documents panel by htmx, the documents page, the print view and the enterprise's view fit a phone, and
none of them breaks the Content-Security-Policy (the page fixture fails on any CSP report)."""
import pytest
from django.urls import reverse

from checkcode.models import CheckCode
from checkcode.services import document_issue
from jiujiang_inspect.browser_testing import axe_violations, login
from subjects.tests.factories import AgencyFactory

from .factories import documented_inspection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(pg, path):
    response = pg.goto(pg.base_url + path)
    assert response.status == 200, path
    width = pg.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"{path} is {width} px wide"
    assert axe_violations(pg) == [], path


def test_documents_pages_fit_a_phone_and_hold_the_csp(phone_page, alice, agency_a, fake_pdf):
    insp = documented_inspection(agency=agency_a, extra_agencies=[AgencyFactory(), AgencyFactory()],
                                 inspectors=[alice.inspector])
    notice, _ = document_issue(inspection=insp, kind="notice", by=alice)
    login(phone_page, "alice")
    phone_page.goto(phone_page.base_url + reverse("plans:inspection_detail", args=[insp.pk]))
    phone_page.locator("#documents-panel").wait_for()
    assert notice.number in phone_page.locator("#documents-panel").inner_text()
    for path in (reverse("checkcode:documents", args=[insp.pk]), reverse("checkcode:document_view", args=[notice.pk]),
                 reverse("checkcode:document", args=[insp.pk, "onsite_record"])):
        fits(phone_page, path)
    code = CheckCode.objects.get(inspection=insp).code
    fits(phone_page, reverse("checkcode:public_document", args=[code, notice.pk]))
