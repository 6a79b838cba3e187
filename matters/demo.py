"""Demo catalogue for 鸠江区 (seed_demo): real legal bases with the articles granting inspection
powers, 5–6 matters with 检查标准 and 常见问题 for every inspecting agency (most published, some draft
or waiting for 备案, one edited after publication so the review queue shows a diff, a few on a
repealed or amended basis so they show 需调整), the 综合查一次 joint lists of the key industries and
the public documents. Everything goes through the services (so it is audited); idempotent."""
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from subjects.models import Agency, User

from . import services
from .demo_data import (
    AGENCY_DOMAINS,
    BASES,
    CHANGED_BASES,
    DOCUMENTS,
    DOMAINS,
    JOINT_LISTS,
    SECTOR_SAFETY_AGENCIES,
    TOWNS,
)
from .models import Industry, InspectionMatter, JointMatterList, LegalBasis, PublicDocument

S = InspectionMatter.Status
DRAFT = {"SCJG-CP-01", "STHJ-HJ-04", "RSJ-LD-05", "WSJK-ZY-05", "TJJ-TJ-05", "ZJJ-JZ-03", "JTYS-HY-05"}
SUBMITTED = {"SCJG-GG-01", "YJGL-FC-01", "ZJJ-JZ-05", "WJZD-ZY-04", "JD-SHS-ZH-05"}
EDITED_AFTER_PUBLISHING = "YJGL-YK-01"
NEVER_USED_SINCE_2022 = {"TJJ-TJ-04", "MZJ-HY-04", "RFB-HY-04"}


def _catalogue_plan():
    plan = {code: [t for d in domains for t in DOMAINS[d]] for code, domains in AGENCY_DOMAINS.items()}
    plan.update({code: DOMAINS["sector_safety"] for code in SECTOR_SAFETY_AGENCIES})
    plan.update({code: DOMAINS["town"] for code in TOWNS})
    return plan


def _actor(agency, reviewer):
    admin = User.objects.filter(role="agency_admin", agency=agency, is_active=True).first()
    return admin or reviewer


@transaction.atomic
def seed(*, stdout=None, today=None):
    reviewer = User.objects.filter(role="reviewer", agency__code="SFJ").order_by("pk").first() or \
        User.objects.filter(is_superuser=True).first()
    if reviewer is None:
        return None
    agencies = {a.code: a for a in Agency.objects.all()}

    bases = {}
    for key, (title, level, article, effective, status, text) in BASES.items():
        basis = LegalBasis.objects.filter(title=title, article=article).first()
        if basis is None:
            basis = services.legal_basis_create(by=reviewer, title=title, level=level, article=article,
                                                article_text=text, effective_date=effective, status=status)
        bases[key] = basis

    created = 0
    for agency_code, templates in _catalogue_plan().items():
        agency = agencies.get(agency_code)
        if agency is None:
            continue
        actor = _actor(agency, reviewer)
        for suffix, name, scope, method, offsite, basis_keys, industries, standards, problems in templates:
            code = f"{agency_code}-{suffix}"
            if InspectionMatter.objects.filter(code=code).exists():
                continue
            matter = services.matter_create(
                by=actor, agency=agency, code=code, name=name, object_scope=scope, method=method,
                offsite_capable=offsite, legal_bases=[bases[k] for k in basis_keys], industries=industries,
                check_standards=standards, common_problems=problems)
            created += 1
            if code in DRAFT:
                continue
            matter = services.matter_submit(matter=matter, by=actor)
            if code in SUBMITTED:
                continue
            matter = services.matter_file(matter=matter, by=reviewer)
            services.matter_publish(matter=matter, by=actor)

    _joint_lists(agencies, reviewer)
    _edit_after_publishing(reviewer)
    for key, status, reason in CHANGED_BASES:
        basis = LegalBasis.objects.get(pk=bases[key].pk)
        if basis.status == LegalBasis.Status.IN_FORCE:
            services.legal_basis_update(basis=basis, by=reviewer, status=status, reason=reason)
    _usage(today or timezone.localdate())
    for kind, title, issuer, issued_on, body in DOCUMENTS:
        PublicDocument.objects.get_or_create(title=title, defaults={"kind": kind, "issuer": issuer,
                                                                    "issued_on": issued_on, "body": body})
    if stdout:
        counts = {s: InspectionMatter.objects.filter(status=s).count() for s in S.values}
        stdout.write(f"  法定依据 {LegalBasis.objects.count()} 条，检查事项 {InspectionMatter.objects.count()} 项"
                     f"（本次新增 {created}；已公布 {counts['published']}，待备案 {counts['submitted']}，"
                     f"草稿 {counts['draft']}，需调整 {counts['needs_adjustment']}），"
                     f"联查清单 {JointMatterList.objects.count()} 份，公开文件 {PublicDocument.objects.count()} 份")
    return created


def _joint_lists(agencies, reviewer):
    for industry_code, lead, members, codes, publish in JOINT_LISTS:
        industry = Industry.objects.get(code=industry_code)
        if JointMatterList.objects.filter(industry=industry).exists():
            continue
        matters = list(InspectionMatter.objects.filter(code__in=codes, status=S.PUBLISHED))
        if not matters:
            continue
        jl, _w = services.joint_list_create(by=reviewer, industry=industry, lead_agency=agencies[lead],
                                            member_agencies=[agencies[m] for m in members], matters=matters)
        if publish:
            services.joint_list_publish(joint_list=jl, by=reviewer)
    # 餐饮 shows versioning: v2 adds the 人员密集场所 matter of 消防 once it is published.
    food = JointMatterList.objects.filter(industry__code="62").order_by("-version").first()
    extra = InspectionMatter.objects.filter(code="XFJY-XF-01", status=S.PUBLISHED).first()
    if food and food.version == 1 and food.status == JointMatterList.Status.PUBLISHED and extra:
        v2, _w = services.joint_list_new_version(joint_list=food, by=reviewer)
        services.joint_list_update(joint_list=v2, by=reviewer, matters=[*v2.matters.all(), extra])
        services.joint_list_publish(joint_list=v2, by=reviewer)


def _edit_after_publishing(reviewer):
    """One published matter revised by its agency and submitted again: the review queue shows a diff."""
    matter = InspectionMatter.objects.filter(code=EDITED_AFTER_PUBLISHING, status=S.PUBLISHED, version=1).first()
    if matter is None:
        return
    actor = _actor(matter.agency, reviewer)
    standards = [[s.item, s.criterion] for s in matter.check_standards.all()]
    standards[1] = ["作业审批与通风检测", "作业前审批，“先通风、再检测、后作业”，检测数据记录并保存"]
    standards.append(["作业现场监护", "作业时安排专人在外监护，配备应急救援装备"])
    matter = services.matter_update(matter=matter, by=actor, check_standards=standards,
                                    reason="按《工贸企业有限空间作业安全规定》细化检查标准")
    services.matter_submit(matter=matter, by=actor)


def _usage(today):
    """Recent use for most published matters; a few never used since 2022 (for the clean-up list)."""
    published = InspectionMatter.objects.filter(status=S.PUBLISHED, last_used_on__isnull=True)
    published.exclude(code__in=NEVER_USED_SINCE_2022).update(last_used_on=today - timedelta(days=30))
    InspectionMatter.objects.filter(code__in=NEVER_USED_SINCE_2022, status=S.PUBLISHED).update(
        published_at=timezone.make_aware(datetime(2022, 3, 1)))
