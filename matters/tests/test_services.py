"""Lifecycle rules of the matter catalogue, through the services (docs/style.md: rule tests call services)."""
from datetime import date, datetime

import pytest
from django.utils import timezone

from jiujiang_inspect.exceptions import ApplicationError
from jiujiang_inspect.models import Alert, AuditEntry
from matters import selectors, services
from matters.exceptions import LegalBasisNotInForce, MatterNotPublished
from matters.models import InspectionMatter, JointMatterList, LegalBasis
from matters.tests.factories import LegalBasisFactory, MatterFactory, PublishedMatterFactory, key_industry

pytestmark = pytest.mark.django_db
S = InspectionMatter.Status

STANDARDS = [{"item": "是否取得食品经营许可证", "criterion": "许可证在有效期内且亮证经营"},
             {"item": "从业人员健康证明", "criterion": "从事接触直接入口食品工作的人员持有效健康证明"}]
PROBLEMS = [{"problem": "健康证过期", "guidance": "组织从业人员每年体检并更新健康证明"}]


def audits(action, matter=None):
    qs = AuditEntry.objects.filter(action=action)
    return qs.filter(target_id=str(matter.pk)) if matter is not None else qs


def make(anna, agency, basis=None, code="SCJG-001", **kw):
    basis = basis or LegalBasisFactory()
    return services.matter_create(by=anna, agency=agency, code=code, name="食品经营许可情况检查",
                                  legal_bases=[basis], object_scope="辖区内食品经营者", check_standards=STANDARDS,
                                  common_problems=PROBLEMS, **kw)


def test_create_matter_with_standards_and_problems_is_audited(anna, agency_a):
    matter = make(anna, agency_a, industries=["6210"])
    assert matter.status == S.DRAFT and matter.version == 1
    assert [s.item for s in matter.check_standards.all()] == ["是否取得食品经营许可证", "从业人员健康证明"]
    assert matter.common_problems.get().guidance.startswith("组织")
    assert [i.code for i in matter.industries.all()] == ["6210"]
    entry = audits("matter.created", matter).get()
    assert entry.agency_code == "SCJG" and entry.changes["check_standards"][0][0] == "是否取得食品经营许可证"


@pytest.mark.parametrize("field,kwargs", [
    ("code", {"code": "bad code/"}),
    ("name", {"name": "名" * 201}),
    ("legal_bases", {"legal_bases": []}),
    ("check_standards", {"check_standards": [{"item": "", "criterion": "x"}]}),
    ("industries", {"industries": ["9999"]}),
])
def test_create_refuses_malformed_input_with_field_errors(anna, agency_a, field, kwargs):
    args = {"by": anna, "agency": agency_a, "code": "OK-1", "name": "事项", "legal_bases": [LegalBasisFactory()]}
    with pytest.raises(ApplicationError) as e:
        services.matter_create(**{**args, **kwargs})
    assert e.value.status_code == 400 and field in e.value.detail
    assert not InspectionMatter.objects.exists()


def test_duplicate_code_and_other_agencies_catalogue_are_refused(anna, bert, alice, agency_a):
    make(anna, agency_a)
    with pytest.raises(ApplicationError) as e:
        make(anna, agency_a)
    assert "code" in e.value.detail
    for user in (bert, alice):
        with pytest.raises(ApplicationError) as e:
            make(user, agency_a, code="X-2")
        assert e.value.code == "permission_denied"


def test_full_lifecycle_submit_file_publish_each_audited(anna, rita, agency_a):
    """GIVEN a draft WHEN submitted, filed and published THEN each step is audited and the matter is usable."""
    matter = make(anna, agency_a)
    assert [e.code for e in selectors.matter_usable_errors(matter)] == ["matter_not_published"]
    matter = services.matter_submit(matter=matter, by=anna)
    assert matter.status == S.SUBMITTED and matter.submitted_at
    matter = services.matter_file(matter=matter, by=rita)
    assert matter.status == S.FILED and matter.filed_by == rita
    assert matter.filed_snapshot["version"] == 1 and matter.filed_snapshot["check_standards"][1][0] == "从业人员健康证明"
    matter = services.matter_publish(matter=matter, by=anna)
    assert matter.status == S.PUBLISHED and matter.published_at
    assert selectors.matter_usable_errors(matter) == []
    for action in ("matter.submitted", "matter.filed", "matter.published"):
        assert audits(action, matter).count() == 1


def test_only_reviewers_file_and_reject(anna, rita, agency_a):
    matter = services.matter_submit(matter=make(anna, agency_a), by=anna)
    with pytest.raises(ApplicationError) as e:
        services.matter_file(matter=matter, by=anna)
    assert e.value.code == "permission_denied"
    with pytest.raises(ApplicationError) as e:
        services.matter_reject(matter=matter, by=rita, reason="  ")
    assert "reason" in e.value.detail
    matter = services.matter_reject(matter=matter, by=rita, reason="检查标准不具体")
    assert matter.status == S.REJECTED and matter.status_reason == "检查标准不具体"
    assert audits("matter.rejected", matter).get().reason == "检查标准不具体"
    # The agency corrects and resubmits.
    matter = services.matter_update(matter=matter, by=anna, check_standards=[{"item": "许可证", "criterion": "有效"}])
    assert matter.status == S.DRAFT and matter.version == 1 and matter.status_reason == ""
    assert services.matter_submit(matter=matter, by=anna).status == S.SUBMITTED


def test_transitions_from_wrong_state_are_invalid_state(anna, rita, agency_a):
    matter = make(anna, agency_a)
    for call in (lambda: services.matter_file(matter=matter, by=rita),
                 lambda: services.matter_publish(matter=matter, by=anna),
                 lambda: services.matter_reject(matter=matter, by=rita, reason="x")):
        with pytest.raises(ApplicationError) as e:
            call()
        assert e.value.code == "invalid_state"
    submitted = services.matter_submit(matter=matter, by=anna)
    with pytest.raises(ApplicationError) as e:
        services.matter_update(matter=submitted, by=anna, name="改名")
    assert e.value.code == "invalid_state"


def test_submit_needs_a_standard_and_bases_in_force(anna, agency_a):
    repealed = LegalBasisFactory(status=LegalBasis.Status.REPEALED)
    matter = services.matter_create(by=anna, agency=agency_a, code="A1", name="事项", legal_bases=[repealed],
                                    check_standards=STANDARDS)
    with pytest.raises(LegalBasisNotInForce) as e:
        services.matter_submit(matter=matter, by=anna)
    assert e.value.code == "legal_basis_not_in_force" and e.value.detail["matters"] == ["A1"]
    bare = services.matter_create(by=anna, agency=agency_a, code="A2", name="事项", legal_bases=[LegalBasisFactory()])
    with pytest.raises(ApplicationError) as e:
        services.matter_submit(matter=bare, by=anna)
    assert "check_standards" in e.value.detail


def test_edit_after_filing_returns_to_draft_as_next_version_and_keeps_snapshot(anna, rita, agency_a):
    """GIVEN a published matter WHEN the agency edits it THEN it is a v2 draft, the v1 filing is kept
    and the review diff shows what changed."""
    matter = make(anna, agency_a)
    for step in (lambda m: services.matter_submit(matter=m, by=anna), lambda m: services.matter_file(matter=m, by=rita),
                 lambda m: services.matter_publish(matter=m, by=anna)):
        matter = step(matter)
    unchanged = services.matter_update(matter=matter, by=anna, name=matter.name, check_standards=STANDARDS)
    assert unchanged.status == S.PUBLISHED and not audits("matter.updated", matter).exists()
    matter = services.matter_update(matter=matter, by=anna, name="食品经营许可及亮证情况检查",
                                    check_standards=STANDARDS[:1] + [{"item": "索证索票", "criterion": "票证齐全"}])
    assert matter.status == S.DRAFT and matter.version == 2 and matter.filed_snapshot["version"] == 1
    entry = audits("matter.updated", matter).get()
    assert entry.changes["version"] == [1, 2] and entry.changes["status"] == ["published", "draft"]
    # A second edit of the same draft stays version 2.
    matter = services.matter_update(matter=matter, by=anna, object_scope="全区餐饮服务经营者")
    assert matter.version == 2
    matter = services.matter_submit(matter=matter, by=anna)
    diff = selectors.matter_diff(matter)
    assert not diff["first_filing"] and diff["filed_version"] == 1
    rows = {r["label"]: r for r in diff["rows"]}
    assert rows["事项名称"]["changed"] and not rows["常见问题"]["changed"]
    ops = {(line["op"], line["text"]) for line in rows["检查标准"]["lines"]}
    assert ("added", "索证索票｜票证齐全") in ops and ("removed", "从业人员健康证明｜从事接触直接入口食品工作的人员持有效健康证明") in ops
    matter = services.matter_file(matter=matter, by=rita)
    assert matter.filed_snapshot["version"] == 2 and matter.filed_snapshot["name"] == "食品经营许可及亮证情况检查"


def test_cancel_needs_reason_and_is_final(anna, agency_a):
    matter = make(anna, agency_a)
    with pytest.raises(ApplicationError):
        services.matter_cancel(matter=matter, by=anna, reason="")
    matter = services.matter_cancel(matter=matter, by=anna, reason="法定依据已取消，事项合并")
    assert matter.status == S.CANCELLED and audits("matter.cancelled", matter).exists()
    with pytest.raises(ApplicationError) as e:
        services.matter_update(matter=matter, by=anna, name="复活")
    assert e.value.code == "invalid_state"


def test_catalogue_submit_is_all_or_nothing(anna, agency_a):
    good = make(anna, agency_a, code="C1")
    bad = services.matter_create(by=anna, agency=agency_a, code="C2", name="缺标准", legal_bases=[LegalBasisFactory()])
    with pytest.raises(ApplicationError) as e:
        services.catalogue_submit(agency=agency_a, by=anna)
    assert e.value.code == "catalogue_not_ready" and list(e.value.detail["matters"]) == ["C2"]
    good.refresh_from_db()
    assert good.status == S.DRAFT
    services.matter_update(matter=bad, by=anna, check_standards=STANDARDS)
    submitted = services.catalogue_submit(agency=agency_a, by=anna)
    assert {m.code for m in submitted} == {"C1", "C2"}
    assert set(InspectionMatter.objects.values_list("status", flat=True)) == {S.SUBMITTED}
    assert audits("matter.catalogue_submitted").get().changes["matters"] == ["C1", "C2"]


def test_repealing_a_basis_flags_every_matter_at_once_and_alerts_each_agency(rita, agency_a, agency_b):
    """GIVEN matters of two agencies on one basis WHEN the basis is repealed THEN each is 需调整,
    audited, unusable (legal_basis_not_in_force), and each agency gets one alert."""
    basis = LegalBasisFactory(title="中华人民共和国安全生产法", article="第六十五条")
    a1 = PublishedMatterFactory(agency=agency_a, legal_bases=[basis])
    a2 = MatterFactory(agency=agency_a, legal_bases=[basis])
    b1 = PublishedMatterFactory(agency=agency_b, legal_bases=[basis])
    cancelled = MatterFactory(agency=agency_b, legal_bases=[basis], status=S.CANCELLED)
    other = PublishedMatterFactory(agency=agency_b)
    services.legal_basis_update(basis=basis, by=rita, status=LegalBasis.Status.REPEALED, reason="新法施行")
    statuses = dict(InspectionMatter.objects.values_list("code", "status"))
    assert {statuses[m.code] for m in (a1, a2, b1)} == {S.NEEDS_ADJUSTMENT}
    assert statuses[cancelled.code] == S.CANCELLED and statuses[other.code] == S.PUBLISHED
    assert audits("matter.needs_adjustment").count() == 3
    alerts = Alert.objects.filter(kind="matter.needs_adjustment")
    assert sorted(a.agency.code for a in alerts) == ["SCJG", "YJGL"]
    assert "2项" in alerts.get(agency=agency_a).title
    a1.refresh_from_db()
    assert [e.code for e in selectors.matter_usable_errors(a1)] == ["legal_basis_not_in_force"]
    # Saving the basis again without a status change does nothing more.
    services.legal_basis_update(basis=basis, by=rita, status=LegalBasis.Status.REPEALED)
    assert Alert.objects.filter(kind="matter.needs_adjustment").count() == 2


def test_adjusting_a_flagged_matter_means_new_version_and_refiling(anna, rita, agency_a):
    old = LegalBasisFactory(title="中华人民共和国食品安全法", article="第一百一十条")
    matter = PublishedMatterFactory(agency=agency_a, legal_bases=[old])
    matter.filed_snapshot = {"version": 1}
    matter.save()
    services.legal_basis_update(basis=old, by=rita, status=LegalBasis.Status.AMENDED)
    new = services.legal_basis_create(by=rita, title="中华人民共和国食品安全法", article="第一百一十条（2021年修正）",
                                      level=LegalBasis.Level.LAW)
    matter = services.matter_update(matter=matter, by=anna, legal_bases=[new])
    assert matter.status == S.DRAFT and matter.version == 2
    assert services.matter_submit(matter=matter, by=anna).status == S.SUBMITTED


def test_flagged_matter_can_be_refiled_unchanged_once_its_basis_is_back_in_force(anna, rita, agency_a):
    basis = LegalBasisFactory()
    matter = PublishedMatterFactory(agency=agency_a, legal_bases=[basis])
    services.legal_basis_update(basis=basis, by=rita, status=LegalBasis.Status.AMENDED)
    matter.refresh_from_db()
    with pytest.raises(LegalBasisNotInForce):
        services.matter_submit(matter=matter, by=anna)
    services.legal_basis_update(basis=basis, by=rita, status=LegalBasis.Status.IN_FORCE,
                                article_text="修正后的条文")
    matter = services.matter_submit(matter=matter, by=anna)
    assert matter.status == S.SUBMITTED and matter.version == 1


def test_legal_basis_rules(rita, anna, alice):
    basis = services.legal_basis_create(by=anna, title="《中华人民共和国消防法》", article="第五十三条",
                                        level=LegalBasis.Level.LAW)
    assert basis.title == "中华人民共和国消防法" and audits("legal_basis.created").exists()
    with pytest.raises(ApplicationError) as e:
        services.legal_basis_create(by=rita, title="中华人民共和国消防法", article="第五十三条", level="law")
    assert "article" in e.value.detail
    with pytest.raises(ApplicationError) as e:
        services.legal_basis_update(basis=basis, by=anna, status="repealed")
    assert e.value.code == "permission_denied"
    with pytest.raises(ApplicationError) as e:
        services.legal_basis_create(by=alice, title="某法", level="law")
    assert e.value.code == "permission_denied"


def test_usable_errors_respect_effective_date_and_batch_in_one_error_each(agency_a):
    future = LegalBasisFactory(effective_date=date(2030, 1, 1))
    m1 = PublishedMatterFactory(agency=agency_a, legal_bases=[future])
    m2 = MatterFactory(agency=agency_a)
    assert selectors.matter_usable_errors(m1, on_date=date(2029, 12, 31))[0].code == "legal_basis_not_in_force"
    assert selectors.matter_usable_errors(m1, on_date=date(2030, 1, 1)) == []
    errors = selectors.matters_usable_errors([m1, m2], on_date=date(2029, 6, 1))
    assert [type(e) for e in errors] == [LegalBasisNotInForce, MatterNotPublished]  # root cause first
    assert errors[1].detail["matters"] == [{"code": m2.code, "name": m2.name, "status": "draft"}]
    assert errors[0].detail == {"matters": [m1.code], "legal_bases": [
        {"id": future.pk, "title": str(future), "status": "in_force"}]}


def test_unused_matters_selector_and_mark_used(agency_a):
    today = date(2026, 6, 1)
    old = PublishedMatterFactory(agency=agency_a, published_at=timezone.make_aware(datetime(2023, 5, 1)))
    used_long_ago = PublishedMatterFactory(agency=agency_a, last_used_on=date(2023, 9, 1))
    recent = PublishedMatterFactory(agency=agency_a, last_used_on=date(2025, 12, 1))
    codes = set(selectors.matter_list_unused(today=today).values_list("code", flat=True))
    assert codes == {old.code, used_long_ago.code}
    assert set(selectors.matter_list_unused(years=3, today=today).values_list("code", flat=True)) == {old.code}
    services.matter_mark_used(matters=[old, recent], on_date=date(2026, 5, 1))
    services.matter_mark_used(matters=[old], on_date=date(2026, 1, 1))  # never moves backwards
    old.refresh_from_db()
    assert old.last_used_on == date(2026, 5, 1)
    assert recent.code not in set(selectors.matter_list_unused(today=today).values_list("code", flat=True))


def test_mark_used_needs_no_statement_when_the_matters_read_are_already_as_late(agency_a, django_assert_num_queries):
    matter = PublishedMatterFactory(agency=agency_a, last_used_on=date(2026, 5, 1))
    with django_assert_num_queries(0):
        services.matter_mark_used(matters=[matter], on_date=date(2026, 5, 1))
    with django_assert_num_queries(1):
        services.matter_mark_used(matters=[matter], on_date=date(2026, 5, 2))
    matter.refresh_from_db()
    assert matter.last_used_on == date(2026, 5, 2)


# --- joint matter lists -----------------------------------------------------------------------------------

def test_joint_list_takes_only_published_matters_of_its_agencies_and_warns_above_three(rita, agency_a, agency_b):
    from subjects.tests.factories import AgencyFactory

    c, d = AgencyFactory(code="XFJY"), AgencyFactory(code="STHJ")
    ma, mb = PublishedMatterFactory(agency=agency_a), PublishedMatterFactory(agency=agency_b)
    draft = MatterFactory(agency=agency_a)
    with pytest.raises(ApplicationError) as e:
        services.joint_list_create(by=rita, industry=key_industry("62"), lead_agency=agency_a,
                                   member_agencies=[agency_b], matters=[ma, draft])
    assert "matters" in e.value.detail and draft.code in e.value.message
    with pytest.raises(ApplicationError) as e:
        services.joint_list_create(by=rita, industry=key_industry("62"), lead_agency=agency_a, matters=[ma, mb])
    assert "实施主体" in e.value.message
    jl, warnings = services.joint_list_create(by=rita, industry=key_industry("62"), lead_agency=agency_a,
                                              member_agencies=[agency_b], matters=[ma, mb])
    assert jl.version == 1 and jl.status == JointMatterList.Status.DRAFT and warnings == []
    jl, warnings = services.joint_list_update(joint_list=jl, by=rita, member_agencies=[agency_b, c, d])
    assert len(warnings) == 1 and "4 家" in warnings[0]
    assert AuditEntry.objects.filter(action="joint_list.updated", target_id=str(jl.pk)).exists()


def test_joint_list_publish_supersedes_previous_and_new_version_copies_it(rita, anna, agency_a, agency_b):
    """GIVEN a published v1 WHEN v2 (a copy) is edited and published THEN v1 is superseded but readable."""
    ma, mb = PublishedMatterFactory(agency=agency_a), PublishedMatterFactory(agency=agency_b)
    industry = key_industry("62")
    v1, _ = services.joint_list_create(by=anna, industry=industry, lead_agency=agency_a, member_agencies=[agency_b],
                                       matters=[ma, mb])
    v1 = services.joint_list_publish(joint_list=v1, by=anna)
    assert v1.status == JointMatterList.Status.PUBLISHED and v1.published_at
    with pytest.raises(ApplicationError) as e:
        services.joint_list_update(joint_list=v1, by=rita, title="改")
    assert e.value.code == "invalid_state"
    v2, _ = services.joint_list_new_version(joint_list=v1, by=rita)
    assert v2.version == 2 and v2.previous == v1 and set(v2.matters.all()) == {ma, mb}
    assert v2.title == v1.title and list(v2.member_agencies.all()) == [agency_b]
    with pytest.raises(ApplicationError) as e:
        services.joint_list_new_version(joint_list=v1, by=rita)
    assert e.value.code == "invalid_state"
    mc = PublishedMatterFactory(agency=agency_b)
    services.joint_list_update(joint_list=v2, by=rita, matters=[ma, mb, mc])
    services.joint_list_publish(joint_list=v2, by=rita)
    v1.refresh_from_db()
    assert v1.status == JointMatterList.Status.SUPERSEDED and v1.matters.count() == 2
    assert list(selectors.joint_list_published(industry=industry)) == [v2]
    assert AuditEntry.objects.filter(action="joint_list.superseded", target_id=str(v1.pk)).exists()


def test_joint_list_publish_needs_two_agencies_and_published_matters(rita, agency_a, agency_b):
    ma = PublishedMatterFactory(agency=agency_a)
    jl, warnings = services.joint_list_create(by=rita, industry=key_industry("47"), lead_agency=agency_a,
                                              matters=[ma])
    assert any("两个单位" in w for w in warnings)
    with pytest.raises(ApplicationError) as e:
        services.joint_list_publish(joint_list=jl, by=rita)
    assert "member_agencies" in e.value.detail
    mb = PublishedMatterFactory(agency=agency_b)
    services.joint_list_update(joint_list=jl, by=rita, member_agencies=[agency_b], matters=[ma, mb])
    InspectionMatter.objects.filter(pk=mb.pk).update(status=S.NEEDS_ADJUSTMENT)
    with pytest.raises(MatterNotPublished):
        services.joint_list_publish(joint_list=jl, by=rita)


def test_joint_list_composers_are_reviewers_and_the_lead_agency(bert, anna, agency_a, agency_b):
    with pytest.raises(ApplicationError) as e:
        services.joint_list_create(by=bert, industry=key_industry("62"), lead_agency=agency_a)
    assert e.value.code == "permission_denied"
    with pytest.raises(ApplicationError) as e:
        services.joint_list_create(by=anna, industry=key_industry("H"), lead_agency=agency_a)
    assert "industry" in e.value.detail
