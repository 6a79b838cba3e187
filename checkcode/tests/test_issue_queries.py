"""Issuing a 检查码 reads and writes a fixed number of queries (issue 13): whatever the number of
agencies and inspectors, no per-inspector or per-agency query, the policy read once, the writes
reusing what the gates read. The enterprise lock stays (test_concurrency.py proves the cap on
PostgreSQL)."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checkcode.models import CheckCode
from checkcode.services import checkcode_issue
from jiujiang_inspect.models import AuditEntry
from plans.models import CapPolicy, FrequencyPolicy, Inspection, TriggeredFiling
from subjects.tests.factories import AgencyFactory

from .factories import approved_inspection

pytestmark = pytest.mark.django_db

# Inside the test's transaction the attempt's atomic block is a savepoint (2 statements); in a
# request it is BEGIN/COMMIT, which Django does not count. The code's own savepoint (a clash of
# random codes is retried) is 2 more.
#   lock enterprise, lock inspection (+ plan), participations, inspectors, matters, legal bases,
#   policy with the pool's cap, blocks, slots, no-finding streaks, [plan members and targets]
#   INSERT code, UPDATE inspection, UPDATE matters, INSERT both audit entries,
#   INSERT the outbox messages (webhook, city 检查码 system, advance-notice SMS; a filing's event too)
SPECIAL = 2 + 2 + 10 + 1 + 4 + 1
TRIGGERED = 2 + 2 + 10 + 4 + 3 + 1  # no plan; triggered counts instead of slots; filing read, INSERT, its audit
ISSUE_QUERIES = {"special": SPECIAL, "joint": SPECIAL, "joint of three": SPECIAL, "triggered": TRIGGERED}


def _user(user):
    return get_user_model().objects.select_related("agency", "inspector").get(pk=user.pk)


@pytest.mark.parametrize("shape", sorted(ISSUE_QUERIES))
def test_issuance_query_count_is_pinned(alice, agency_a, shape):
    FrequencyPolicy.current()
    CapPolicy.objects.update_or_create(pool="joint", defaults={"yearly_onsite_cap": 3})
    for model in (CheckCode, Inspection, TriggeredFiling):
        ContentType.objects.get_for_model(model)  # a running process has them cached
    extra = {"joint": [AgencyFactory()], "joint of three": [AgencyFactory(), AgencyFactory()]}.get(shape, [])
    kind = "triggered" if shape == "triggered" else "special"
    insp = Inspection.objects.get(pk=approved_inspection(agency=agency_a, extra_agencies=extra, kind=kind).pk)
    user = _user(alice)
    with CaptureQueriesContext(connection) as ctx:
        code = checkcode_issue(inspection=insp, issued_by=user)
    assert len(ctx.captured_queries) == ISSUE_QUERIES[shape], "\n".join(q["sql"][:160] for q in ctx.captured_queries)
    insp.refresh_from_db()
    assert insp.status == "code_issued" and code.inspection_id == insp.pk
    assert AuditEntry.objects.filter(action__in=["checkcode.issued", "inspection.code_issued"]).count() == 2


def test_issuance_queries_do_not_grow_with_history(alice, agency_a):
    """Past inspections of the enterprise by the same inspectors (results, slots) cost no query each."""
    from plans.tests.factories import EnterpriseFactory, make_inspection, team

    FrequencyPolicy.current()
    CapPolicy.objects.update_or_create(pool="key", defaults={"yearly_onsite_cap": 10})
    for model in (CheckCode, Inspection, TriggeredFiling):
        ContentType.objects.get_for_model(model)
    ent, people = EnterpriseFactory(pool="key"), team(agency_a, 3)
    for k in range(4):
        make_inspection(agency=agency_a, enterprise=ent, inspectors=people, day=None, status="closed",
                        outcome="no_issue" if k % 2 else "rectification")
    insp = Inspection.objects.get(pk=approved_inspection(agency=agency_a, enterprise=ent, inspectors=people).pk)
    user = _user(alice)
    with CaptureQueriesContext(connection) as ctx:
        checkcode_issue(inspection=insp, issued_by=user)
    assert len(ctx.captured_queries) == SPECIAL
