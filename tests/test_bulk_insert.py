"""jiujiang_inspect.bulk.bulk_insert stores what bulk_create stores (defaults, auto_now columns, foreign
keys, lazy texts, texts COPY must escape) and sets each instance's primary key, on SQLite
(bulk_create itself) and on PostgreSQL (COPY, ids drawn from the sequence)."""
import pytest
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext_lazy

from jiujiang_inspect.bulk import bulk_insert
from plans.models import Enterprise, PoolMembership
from plans.tests.factories import uscc_for

pytestmark = pytest.mark.django_db


def test_bulk_insert_stores_what_bulk_create_stores(rita):
    # Texts with what COPY must escape (tab, newline, backslash), a null foreign key, booleans.
    made = [Enterprise(uscc=uscc_for(n), name=f"企业{n}\t甲\\乙\n丙", town="wanli", joins_joint=n % 2 == 0,
                       pool="joint", address="" if n else "地址\r") for n in range(5)]
    same = [Enterprise(uscc=uscc_for(n + 100), name=f"企业{n}\t甲\\乙\n丙", town="wanli", joins_joint=n % 2 == 0,
                       pool="joint", address="" if n else "地址\r") for n in range(5)]
    before = timezone.now()
    assert bulk_insert(Enterprise, made, batch_size=2) is made
    Enterprise.objects.bulk_create(same, batch_size=2)
    assert all(e.pk for e in made) and len({e.pk for e in made}) == 5
    for a, b in zip(made, same, strict=True):
        got, want = Enterprise.objects.get(pk=a.pk), Enterprise.objects.get(pk=b.pk)
        assert got.created_at >= before and got.updated_at >= before
        skip = {"id", "uscc"}
        assert {k: v for k, v in model_to_dict(got).items() if k not in skip} == \
               {k: v for k, v in model_to_dict(want).items() if k not in skip}
    bulk_insert(PoolMembership, [PoolMembership(enterprise_id=e.pk, pool="joint", decided_by=rita,
                                                reason=gettext_lazy("Excel导入登记入库")) for e in made])
    rows = PoolMembership.objects.filter(enterprise__in=made)
    assert rows.count() == 5 and {r.decided_by_id for r in rows} == {rita.pk}
    assert {r.reason for r in rows} == {"Excel导入登记入库"} and all(r.valid_to is None for r in rows)
