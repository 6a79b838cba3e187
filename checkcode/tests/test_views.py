"""Pages: public lookup and code page (phone-first, Chinese verdicts), staff lists, printables."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from checkcode.services import checkcode_issue, checkcode_revoke, result_record

from .factories import approved_inspection

pytestmark = pytest.mark.django_db


def test_lookup_redirects_to_the_code_page(client, alice, agency_a):
    code = checkcode_issue(inspection=approved_inspection(agency=agency_a, day=timezone.localdate()), issued_by=alice)
    res = client.get(reverse("checkcode:public_lookup"), {"code": code.code.replace("-", "").lower()})
    assert res.status_code == 302 and res.url == f"/c/{code.code}/"
    page = client.get(res.url)
    assert "真实有效" in page.content.decode()


def test_unknown_and_revoked_codes_say_so_plainly(client, alice, agency_a):
    assert "无此检查码" in client.get("/c/JJ-0000-0000-0000-0000-0/").content.decode()
    insp = approved_inspection(agency=agency_a)
    code = checkcode_issue(inspection=insp, issued_by=alice)
    checkcode_revoke(code=code, by=alice, reason="改期")
    assert "已撤销" in client.get(f"/c/{code.code}/").content.decode()


def test_evaluation_form_on_the_code_page(client, alice, agency_a):
    insp = approved_inspection(agency=agency_a)
    code = checkcode_issue(inspection=insp, issued_by=alice)
    result_record(inspection=insp, by=alice, outcome="no_issue")
    res = client.post(f"/c/{code.code}/", {"form": "evaluation", "ev-uscc": "91340207MA0000000X", "ev-rating": "5",
                                           "ev-code_shown": "yes", "ev-notified_in_advance": "yes"})
    assert res.status_code == 200 and "统一社会信用代码与被检查企业不一致" in res.content.decode()
    res = client.post(f"/c/{code.code}/", {"form": "evaluation", "ev-uscc": insp.enterprise.uscc, "ev-rating": "5",
                                           "ev-code_shown": "yes", "ev-notified_in_advance": "yes"})
    assert res.status_code == 302
    assert "本次检查已评议" in client.get(res.url).content.decode()


def test_staff_pages_render_and_code_list_queries_are_pinned(client, alice, agency_a):
    client.force_login(alice)
    insp = approved_inspection(agency=agency_a)
    code = checkcode_issue(inspection=insp, issued_by=alice)
    for url in [reverse("checkcode:code_show", args=[code.code]), reverse("checkcode:code_card", args=[code.code]),
                reverse("checkcode:document", args=[insp.pk, "notice"]),
                reverse("checkcode:document", args=[insp.pk, "record"]),
                reverse("checkcode:document", args=[insp.pk, "result"]),
                reverse("checkcode:rectification_list"), reverse("plans:inspection_detail", args=[insp.pk])]:
        assert client.get(url).status_code == 200, url
    client.get(reverse("checkcode:code_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("checkcode:code_list"))
    for _ in range(5):
        checkcode_issue(inspection=approved_inspection(agency=agency_a, day=insp.date + timedelta(days=1)),
                        issued_by=alice)
    with CaptureQueriesContext(connection) as many:
        res = client.get(reverse("checkcode:code_list"))
    assert res.content.decode().count("亮码</a>") == 6
    assert len(many) == len(few)


def test_issue_button_shows_refusal_message(client, alice, agency_a):
    client.force_login(alice)
    insp = approved_inspection(agency=agency_a, notified_at=None, notice_method="")
    res = client.post(reverse("checkcode:issue", args=[insp.pk]), follow=True)
    assert "检查前须记录预先告知" in res.content.decode()
