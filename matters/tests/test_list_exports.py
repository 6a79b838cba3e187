"""法定依据 list (docs/ui.md list convention): filter bar with 全部, Excel export of exactly the filtered rows."""
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from matters.models import JointMatterList, LegalBasis

from .factories import JointListFactory, LegalBasisFactory, MatterFactory

pytestmark = pytest.mark.django_db


def _rows(res):
    assert res.status_code == 200
    assert res["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(BytesIO(res.content)).active.iter_rows(values_only=True))


def test_legal_basis_export_follows_the_filters(client, alice):
    food = LegalBasisFactory(title="中华人民共和国食品安全法", article="第八十七条")
    MatterFactory(legal_bases=[food])
    LegalBasisFactory(title="安徽省安全生产条例", level=LegalBasis.Level.LOCAL_REGULATION,
                      status=LegalBasis.Status.REPEALED)
    url = reverse("matters:legal_basis_list")
    client.force_login(alice)
    rows = _rows(client.get(url, {"export": "xlsx"}))
    assert rows[0][:3] == ("名称", "条款", "效力层级")
    assert {r[0] for r in rows[1:]} == {"中华人民共和国食品安全法", "安徽省安全生产条例"}
    rows = _rows(client.get(url, {"export": "xlsx", "q": "食品"}))
    assert [(r[0], r[1], r[6]) for r in rows[1:]] == [("中华人民共和国食品安全法", "第八十七条", 1)]
    page = client.get(url, {"q": "安全生产"}).content.decode()
    assert "安徽省安全生产条例" in page and "食品安全法" not in page and "导出 Excel" in page
    assert "---------" not in page
    page = client.get(url, {"status": "repealed"}).content.decode()
    assert "安徽省安全生产条例" in page and "食品安全法" not in page


def test_legal_basis_export_queries_do_not_grow(client, alice):
    client.force_login(alice)
    url = reverse("matters:legal_basis_list")
    MatterFactory(legal_bases=[LegalBasisFactory()])
    client.get(url, {"export": "xlsx"})
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"export": "xlsx"})
    for _ in range(4):
        MatterFactory(legal_bases=[LegalBasisFactory()])
    with CaptureQueriesContext(connection) as many:
        assert len(_rows(client.get(url, {"export": "xlsx"}))) == 6
    assert len(many) == len(few)


def test_joint_list_export_is_scoped_and_follows_the_filters(client, alice):
    """GIVEN a draft and a published joint list WHEN staff export THEN both (staff see drafts),
    a status filter narrows it, and an anonymous visitor gets no file."""
    JointListFactory(title="餐饮行业联查事项清单", version=1, status=JointMatterList.Status.PUBLISHED)
    JointListFactory(title="餐饮行业联查事项清单（修订）", version=2)
    url = reverse("matters:joint_list_list")
    assert client.get(url, {"export": "xlsx"}).status_code in (302, 403)
    client.force_login(alice)
    rows = _rows(client.get(url, {"export": "xlsx"}))
    assert rows[0][:3] == ("清单名称", "版本", "行业")
    assert {r[0] for r in rows[1:]} == {"餐饮行业联查事项清单", "餐饮行业联查事项清单（修订）"}
    rows = _rows(client.get(url, {"export": "xlsx", "status": "published"}))
    assert [r[0] for r in rows[1:]] == ["餐饮行业联查事项清单"]
    page = client.get(url, {"status": "draft"}).content.decode()
    assert "（修订）" in page and "导出 Excel" in page and "---------" not in page
