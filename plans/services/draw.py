"""双随机 draw for an annual plan (举措 6; 国务院《关于推广随机抽查规范事中事后监管的通知》):
random enterprises from the 联合检查对象库 and random eligible inspectors per agency.

Reproducible: the sampling frame is read in a stable order (by 统一社会信用代码) and sampled with
`random.Random(seed)`; the seed, the parameters, the frame size and a SHA-256 digest of the frame
are recorded on the plan and in the audit trail, so anyone can replay the draw and check it.
"""
import hashlib
import math
import random
import secrets
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect.audit import audit_record
from subjects.selectors import inspectors_eligible

from ..exceptions import InvalidState, ValidationFailed
from ..models import AnnualPlan, Enterprise, PlanInspectorDraw, PlanTarget, Pool
from .annual_plans import _lock, _require_editor, _targets_add, reopen_for_change

CREDIT_CLASSES = ("A", "B", "C", "D")
INSPECTORS_PER_AGENCY = 2  # the two-officer rule (行政处罚法 第42条) per agency


def industry_ids_under(industry) -> list[int]:
    """The industry and its descendants (门类 → 大类 → 中类 → 小类)."""
    from matters.models import Industry

    ids, frontier = {industry.pk}, [industry.pk]
    for _level in range(3):
        frontier = list(Industry.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        if not frontier:
            break
        ids.update(frontier)
    return sorted(ids)


def draw_frame(*, plan: AnnualPlan) -> list[tuple[int, str, str]]:
    """(id, uscc, credit_class) of the enterprises the draw may pick, ordered by uscc: active members
    of the 联合检查对象库 willing to join, in the plan's industry when it has one."""
    qs = Enterprise.objects.filter(pool=Pool.JOINT, is_active=True, joins_joint=True)
    if plan.industry_id:
        qs = qs.filter(industry_id__in=industry_ids_under(plan.industry))
    return list(qs.order_by("uscc").values_list("id", "uscc", "credit_class"))


def frame_digest(frame) -> str:
    return hashlib.sha256("\n".join(row[1] for row in frame).encode()).hexdigest()


def sample_size(population: int, *, count: int | None = None, percent: float | None = None) -> int:
    if (count is None) == (percent is None):
        raise ValidationFailed(detail={"count": [_("请填写抽取数量或抽取比例（二选一）。")]})
    if count is not None:
        if int(count) < 1:
            raise ValidationFailed(detail={"count": [_("抽取数量至少为 1。")]})
        return min(int(count), population)
    if not 0 < float(percent) <= 100:
        raise ValidationFailed(detail={"percent": [_("抽取比例应大于 0 且不超过 100。")]})
    return min(population, math.ceil(population * float(percent) / 100))


def allocate_proportional(sizes: dict[str, int], n: int) -> dict[str, int]:
    """Proportional allocation over strata with the largest-remainder rule (ties by stratum key), so
    the parts always add up to n and no stratum gets more than it has."""
    total = sum(sizes.values())
    if total == 0 or n == 0:
        return {k: 0 for k in sizes}
    quotas = {k: n * s / total for k, s in sizes.items()}
    alloc = {k: min(sizes[k], math.floor(q)) for k, q in quotas.items()}
    rest = n - sum(alloc.values())
    order = sorted(sizes, key=lambda k: (-(quotas[k] - math.floor(quotas[k])), k))
    while rest > 0:
        progressed = False
        for k in order:
            if rest and alloc[k] < sizes[k]:
                alloc[k] += 1
                rest -= 1
                progressed = True
        if not progressed:
            break
    return alloc


def draw_sample(frame, *, rng: random.Random, n: int, stratify_by_credit: bool = False):
    """Pick n rows of `frame` (already in stable order) uniformly without replacement. Stratified: each
    credit class gets its proportional share, drawn in the fixed order A, B, C, D."""
    if not stratify_by_credit:
        return rng.sample(frame, n)
    strata = {c: [row for row in frame if row[2] == c] for c in CREDIT_CLASSES}
    alloc = allocate_proportional({c: len(rows) for c, rows in strata.items()}, n)
    picked = []
    for c in CREDIT_CLASSES:
        picked.extend(rng.sample(strata[c], alloc[c]))
    return picked


def _draw_date(plan) -> date:
    today = timezone.localdate()
    return max(today, date(plan.year, 1, 1))


@transaction.atomic
def plan_draw(*, plan: AnnualPlan, by, seed=None, count: int | None = None, percent: float | None = None,
              stratify_by_credit: bool = False, inspectors_per_agency: int = INSPECTORS_PER_AGENCY) -> AnnualPlan:
    """Draw target enterprises and inspectors for the plan. A new draw replaces the previous drawn
    targets and inspectors (hand-picked targets stay). Drawn targets are spread over the plan's months
    in draw order. Without a seed one is generated; either way it is recorded."""
    _require_editor(by, plan)
    plan = _lock(plan)
    if plan.status == AnnualPlan.Status.SUBMITTED:
        raise InvalidState(_("计划已报送备案，不能重新抽取；请等待备案结果或撤回后修改。"))
    seed = str(seed).strip() if seed not in (None, "") else secrets.token_hex(8)
    if len(seed) > 64:
        raise ValidationFailed(detail={"seed": [_("随机种子不能超过64个字符。")]})
    frame = draw_frame(plan=plan)
    if not frame:
        raise ValidationFailed(_("联合检查对象库中没有可抽取的企业。"), detail={"enterprises": [_("抽取范围为空")]})
    n = sample_size(len(frame), count=count, percent=percent)
    rng = random.Random(seed)
    picked = draw_sample(frame, rng=rng, n=n, stratify_by_credit=stratify_by_credit)
    reopen_for_change(plan, by=by, reason=_("重新随机抽取"))

    PlanTarget.objects.filter(plan=plan, drawn=True).delete()
    by_id = Enterprise.objects.in_bulk([row[0] for row in picked])
    _targets_add(plan, [by_id[row[0]] for row in picked], drawn=True, months=plan.months or None)

    on_date = _draw_date(plan)
    PlanInspectorDraw.objects.filter(plan=plan).delete()
    agencies = sorted([plan.lead_agency, *plan.member_agencies.all()], key=lambda a: a.code)
    inspectors, short = {}, []
    for agency in agencies:
        pool = list(inspectors_eligible(agency=agency, on_date=on_date).order_by("id").values_list("id", flat=True))
        chosen = rng.sample(pool, min(inspectors_per_agency, len(pool)))
        if len(chosen) < inspectors_per_agency:
            short.append(agency.code)
        PlanInspectorDraw.objects.bulk_create(
            [PlanInspectorDraw(plan=plan, agency=agency, inspector_id=i) for i in chosen])
        inspectors[agency.code] = chosen

    plan.seed = seed
    plan.draw_params = {
        "count": count, "percent": percent, "stratify_by_credit": stratify_by_credit, "n": n,
        "pool": Pool.JOINT, "industry": plan.industry.code if plan.industry_id else None,
        "frame_size": len(frame), "frame_digest": frame_digest(frame),
        "strata": {c: sum(1 for r in picked if r[2] == c) for c in CREDIT_CLASSES} if stratify_by_credit else None,
        "inspectors_per_agency": inspectors_per_agency, "inspectors_on_date": on_date.isoformat(),
        "inspectors": inspectors, "agencies_short_of_inspectors": short,
        "drawn_at": timezone.now().isoformat(), "drawn_by": by.get_username() if getattr(by, "pk", None) else "",
    }
    plan.save(update_fields=["seed", "draw_params", "updated_at"])
    audit_record(actor=by, action="plan.drawn", target=plan, changes={
        "seed": seed, "params": {k: v for k, v in plan.draw_params.items() if k not in ("drawn_at", "drawn_by")},
        "enterprises": [row[1] for row in picked][:1000]})
    return plan
