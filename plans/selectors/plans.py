"""Reads of annual plans: who may see which, the warnings shown before filing, the public list, and
agencies that have not filed by 31 March (举措 6)."""
from collections import Counter
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from jiujiang_inspect import roles

from ..models import AnnualPlan, CapPolicy, Inspection, PlanInspectorDraw, PlanTarget, Pool

S = AnnualPlan.Status
VISIBLE_TO_PLATFORM = (S.FILED, S.PUBLISHED)
FILING_DEADLINE = (3, 31)


def plan_base() -> QuerySet[AnnualPlan]:
    """Plans with everything a list shows, in a fixed number of queries."""
    return (AnnualPlan.objects.select_related("lead_agency", "industry", "joint_matter_list")
            .prefetch_related("member_agencies",
                              Prefetch("targets", queryset=PlanTarget.objects.select_related("enterprise")
                                       .order_by("id"))))


def plan_list_for_user(*, user) -> QuerySet[AnnualPlan]:
    """Reviewers see every plan; agency staff their agency's plans (lead or member) and published
    ones; the platform (智慧督) filed and published plans."""
    qs = plan_base()
    if roles.is_reviewer(user):
        return qs
    if roles.is_platform(user):
        return qs.filter(status__in=VISIBLE_TO_PLATFORM)
    if roles.is_staff_member(user) and getattr(user, "agency_id", None):
        mine = Q(lead_agency_id=user.agency_id) | Q(member_agencies__id=user.agency_id)
        ids = AnnualPlan.objects.filter(mine | Q(status=S.PUBLISHED)).values("id")
        return qs.filter(id__in=ids)
    return qs.none()


def plan_filing_queue() -> QuerySet[AnnualPlan]:
    return plan_base().filter(status=S.SUBMITTED).order_by("updated_at", "id")


def plan_inspector_draws(*, plan: AnnualPlan):
    return (PlanInspectorDraw.objects.filter(plan=plan).select_related("agency", "inspector", "inspector__certificate")
            .order_by("agency__code", "inspector__name"))


def public_plans(*, year: int) -> QuerySet[AnnualPlan]:
    """Published plans of the year, ordered by lead agency then industry (the public page)."""
    return (AnnualPlan.objects.filter(year=year, status=S.PUBLISHED)
            .select_related("lead_agency", "industry", "joint_matter_list").prefetch_related("member_agencies")
            .annotate(target_count=Count("targets")).order_by("lead_agency__code", "industry__code", "id"))


def plan_warnings(*, plan: AnnualPlan) -> list[dict]:
    """Warnings before filing (they do not block; the reviewer sees them):
    - `plan_exceeds_cap`: the enterprise's planned inspections this year (each plan targeting it is one
      visit: a joint visit counts once) plus slots already used would exceed its pool's yearly cap;
    - `plan_target_non_joint`: the target is in the 非联合检查对象库 (single-agency inspections only);
    - `plan_whitelist_planned_elsewhere`: a 白名单 enterprise already in another plan this year (无事不扰).
    A fixed number of queries whatever the number of targets."""
    targets = list(plan.targets.select_related("enterprise").order_by("id"))
    if not targets:
        return []
    ids = [t.enterprise_id for t in targets]
    caps = dict(CapPolicy.objects.values_list("pool", "yearly_onsite_cap"))
    other_plans = Counter(dict(
        PlanTarget.objects.filter(plan__year=plan.year, enterprise_id__in=ids).exclude(plan=plan)
        .values_list("enterprise_id").annotate(n=Count("plan_id", distinct=True)).values_list("enterprise_id", "n")))
    used = Counter(dict(
        Inspection.objects.filter(enterprise_id__in=ids, slot_year=plan.year, counts_toward_cap=True)
        .values_list("enterprise_id").annotate(n=Count("id")).values_list("enterprise_id", "n")))
    warnings = []
    for t in targets:
        e = t.enterprise
        cap = caps.get(e.pool, 0)
        planned = other_plans[e.pk] + 1
        if planned + used[e.pk] > cap:
            warnings.append({"code": "plan_exceeds_cap", "uscc": e.uscc, "name": e.name, "message": _(
                "%(name)s：本年度已计划 %(planned)d 次、已用 %(used)d 次，超过%(pool)s年度上限 %(cap)d 次。") % {
                "name": e.name, "planned": planned, "used": used[e.pk], "pool": e.get_pool_display(), "cap": cap}})
        if e.pool == Pool.NON_JOINT:
            warnings.append({"code": "plan_target_non_joint", "uscc": e.uscc, "name": e.name, "message": _(
                "%(name)s 在非联合检查对象库，只能由单一部门检查，不宜列入联合检查计划。") % {"name": e.name}})
        if e.pool == Pool.WHITELIST and other_plans[e.pk]:
            warnings.append({"code": "plan_whitelist_planned_elsewhere", "uscc": e.uscc, "name": e.name, "message": _(
                "%(name)s 为白名单企业，本年度已列入其他 %(n)d 个计划（无事不扰）。") % {"name": e.name,
                                                                           "n": other_plans[e.pk]}})
    short = (plan.draw_params or {}).get("agencies_short_of_inspectors") or []
    if short:
        warnings.append({"code": "plan_inspectors_short", "uscc": "", "name": "", "message": _(
            "以下单位可抽取的持证执法人员不足两人：%(list)s。") % {"list": "、".join(short)}})
    return warnings


def plans_agencies_not_filed(*, year: int, today: date) -> list[dict]:
    """"Plans not filed by 31 March" (举措 6): every active agency with published matters that is
    neither lead nor member of a filed or published plan of `year`. Each row: {"agency", "plans"
    (its unfiled plans of the year as lead), "overdue" (past 31 March)}, ordered by agency code. The
    one selector behind the dashboard, the reviewer's home, the plan list and the daily sweep.
    Three queries whatever the number of agencies."""
    from matters.models import InspectionMatter
    from subjects.models import Agency

    filed = Q(year=year, status__in=(S.FILED, S.PUBLISHED))
    covered = set(AnnualPlan.objects.filter(filed).values_list("lead_agency_id", flat=True)) | set(
        AnnualPlan.member_agencies.through.objects.filter(annualplan__in=AnnualPlan.objects.filter(filed))
        .values_list("agency_id", flat=True))
    agencies = (Agency.objects.filter(is_active=True, pk__in=InspectionMatter.objects.filter(
        status=InspectionMatter.Status.PUBLISHED).values("agency_id")).exclude(pk__in=covered).order_by("code"))
    unfiled: dict[int, list] = {}
    for p in AnnualPlan.objects.filter(year=year).exclude(status__in=(S.FILED, S.PUBLISHED)).order_by("id"):
        unfiled.setdefault(p.lead_agency_id, []).append(p)
    overdue = today > date(year, *FILING_DEADLINE)
    return [{"agency": a, "plans": unfiled.get(a.pk, []), "overdue": overdue} for a in agencies]
