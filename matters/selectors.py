"""Reads of the matter catalogue, scoped to what a user may see, and the gate helpers later apps use.

For the inspection gates (docs/domain.md 检查码 workflow 2, "matter published and basis in force"):

- `matter_usable_errors(matter, on_date=None)` → list of errors for one matter, in gate order:
  `MatterNotPublished` (code `matter_not_published`) then `LegalBasisNotInForce`
  (code `legal_basis_not_in_force`). Empty list = usable.
- `matters_usable_errors(matters, on_date=None)` → the same for many matters at once (two queries),
  at most one error of each kind, `detail` listing every offending matter.

Both only read; the service that approves an inspection raises what they return.
"""
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from jiujiang_inspect import roles

from .exceptions import LegalBasisNotInForce, MatterNotPublished
from .models import CheckStandard, CommonProblem, Industry, InspectionMatter, JointMatterList, LegalBasis

# --- legal bases and industries ---------------------------------------------------------------------------


def legal_basis_list() -> QuerySet[LegalBasis]:
    return LegalBasis.objects.all()


def legal_basis_in_force_on(basis: LegalBasis, on_date: date | None = None) -> bool:
    """In force = status in force and, when an effective date is known, already effective."""
    if basis.status != LegalBasis.Status.IN_FORCE:
        return False
    return not (on_date and basis.effective_date and basis.effective_date > on_date)


def industry_list() -> QuerySet[Industry]:
    return Industry.objects.select_related("parent")


def industry_key_list() -> QuerySet[Industry]:
    return Industry.objects.filter(is_key=True).order_by("code")


# --- matters -----------------------------------------------------------------------------------------------


def matter_with_details(qs: QuerySet[InspectionMatter]) -> QuerySet[InspectionMatter]:
    """Everything a list row shows, in a fixed number of queries whatever the row count."""
    return qs.select_related("agency").prefetch_related(
        Prefetch("legal_bases", queryset=LegalBasis.objects.order_by("id")),
        Prefetch("industries", queryset=Industry.objects.order_by("code")),
        Prefetch("check_standards", queryset=CheckStandard.objects.order_by("order", "id")),
        Prefetch("common_problems", queryset=CommonProblem.objects.order_by("order", "id")),
    )


def matter_list_for_user(*, user) -> QuerySet[InspectionMatter]:
    """Reviewers see every matter; agency staff their own agency's (any status) and every published
    matter; the platform (read scope) and anyone else only published ones."""
    qs = InspectionMatter.objects.select_related("agency")
    published = Q(status=InspectionMatter.Status.PUBLISHED)
    if roles.is_reviewer(user):
        return qs
    if roles.is_staff_member(user) and getattr(user, "agency_id", None):
        return qs.filter(published | Q(agency_id=user.agency_id))
    return qs.filter(published)


def industry_lineage(industry: Industry | None) -> list[int]:
    """Ids of `industry` and its parents up to the 门类 (GB/T 4754: 6210 → 621 → 62 → H); [] for None.
    One query."""
    if industry is None:
        return []
    row = Industry.objects.select_related("parent__parent__parent").get(pk=industry.pk)
    ids = []
    while row is not None:
        ids.append(row.pk)
        row = row.parent
    return ids


def matters_for_enterprise(*, agency, industry: Industry | None, keep=()) -> QuerySet[InspectionMatter]:
    """The matters an agency may pick for an inspection of an enterprise of `industry` (issue 15, the
    new-inspection form): its published matters whose 适用行业 include the industry, a parent of it or a
    finer class of it, and those that name no industry (they apply to every enterprise); all of them
    when the industry is unknown. `in_joint_list` marks the matters of a published 联查事项清单 of the
    industry (or a parent), which come first. `keep` (ids) stay in even when outside the industry (what
    a draft already lists). Two queries when evaluated (the lineage, the list)."""
    qs = InspectionMatter.objects.filter(agency=agency, status=InspectionMatter.Status.PUBLISHED)
    lineage = industry_lineage(industry)
    through = InspectionMatter.industries.through.objects.filter(inspectionmatter_id=OuterRef("pk"))
    joint = JointMatterList.matters.through.objects.filter(
        inspectionmatter_id=OuterRef("pk"), jointmatterlist__status=JointMatterList.Status.PUBLISHED,
        jointmatterlist__industry_id__in=lineage)
    qs = qs.annotate(in_joint_list=Exists(joint))
    if lineage:
        fits = Q(industry_id__in=lineage)
        if industry.code.isdigit():
            fits |= Q(industry__code__startswith=industry.code)
        qs = qs.filter(~Exists(through) | Exists(through.filter(fits)) | Q(pk__in=list(keep)))
    return qs.order_by("-in_joint_list", "code")


def matter_list_published() -> QuerySet[InspectionMatter]:
    """The public catalogue (举措 3, 15): published matters only."""
    return InspectionMatter.objects.filter(status=InspectionMatter.Status.PUBLISHED).select_related("agency")


def matter_review_queue() -> QuerySet[InspectionMatter]:
    """Matters waiting for 备案 by 区司法局, oldest submission first."""
    return matter_with_details(InspectionMatter.objects.filter(status=InspectionMatter.Status.SUBMITTED)
                               ).order_by("submitted_at", "id")


def matter_list_unused(*, years: int = 2, today: date | None = None, agency=None) -> QuerySet[InspectionMatter]:
    """Published matters not used for `years` years (清理长期未使用的事项, docs/domain.md InspectionMatter).

    `years` is the 司法局's setting, kept by the caller (plans' frequency policy sits above this app);
    a matter never used counts from its publication (or creation) date."""
    today = today or timezone.localdate()
    try:
        cutoff = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - years, day=28)
    qs = InspectionMatter.objects.filter(status=InspectionMatter.Status.PUBLISHED).select_related("agency")
    never_used_old = Q(last_used_on__isnull=True) & (
        Q(published_at__date__lt=cutoff) | Q(published_at__isnull=True, created_at__date__lt=cutoff))
    qs = qs.filter(Q(last_used_on__lt=cutoff) | never_used_old)
    return qs.filter(agency=agency) if agency is not None else qs


def matter_status_counts(*, agency=None) -> dict:
    """{status: count} of a catalogue (for home pages and the list header)."""
    from django.db.models import Count

    qs = InspectionMatter.objects.all()
    if agency is not None:
        qs = qs.filter(agency=agency)
    return {row["status"]: row["n"] for row in qs.values("status").annotate(n=Count("id"))}


# --- the gate ---------------------------------------------------------------------------------------------


def _basis_label(b: LegalBasis) -> str:
    return f"《{b.title}》{b.article}"


def matter_usable_errors(matter: InspectionMatter, *, on_date: date | None = None) -> list:
    """Why `matter` may not be used for an inspection on `on_date`, in gate order (empty = usable).

    Uses `matter.legal_bases` as prefetched when it is. Reads only."""
    return matters_usable_errors([matter], on_date=on_date)


def matters_usable_errors(matters, *, on_date: date | None = None) -> list:
    """Gate check for several matters: at most one `MatterNotPublished` and one
    `LegalBasisNotInForce`, each listing every offending matter in `detail`.

    Root cause first (issue 11, decision i; docs/api.md "The gate order"): `legal_basis_not_in_force`
    comes first, and a matter flagged 需调整 because a basis was amended or repealed (or is not yet in
    force) is reported only there, never also as `matter_not_published`, so a 409 caused by the basis
    carries the basis's code. A matter not published for its own reason (draft, submitted, rejected ...)
    is `matter_not_published`."""
    matters = list({m.pk: m for m in matters}.values())
    errors = []
    bad_matters, bad_bases = [], {}
    for m, bases in _bases_of(matters).items():
        wrong = [b for b in bases if not legal_basis_in_force_on(b, on_date)]
        if wrong or not bases:
            bad_matters.append(m)
            for b in wrong:
                bad_bases[b.pk] = {"id": b.pk, "title": str(b), "status": b.status}
    caused_by_basis = {m.pk for m in bad_matters if m.status == InspectionMatter.Status.NEEDS_ADJUSTMENT}
    not_published = [m for m in matters
                     if m.status != InspectionMatter.Status.PUBLISHED and m.pk not in caused_by_basis]
    if bad_matters:
        codes = [m.code for m in bad_matters]
        labels = "、".join(b["title"] for b in bad_bases.values()) or "无法定依据"
        errors.append(LegalBasisNotInForce(
            f"检查事项 {'、'.join(codes)} 的法定依据不在有效期内（{labels}），需调整后重新备案。",
            detail={"matters": codes, "legal_bases": list(bad_bases.values())}))
    if not_published:
        names = "、".join(f"{m.code} {m.name}（{m.get_status_display()}）" for m in not_published)
        errors.append(MatterNotPublished(
            f"检查事项未公布或需调整后重新备案，不能用于检查：{names}。",
            detail={"matters": [{"code": m.code, "name": m.name, "status": m.status} for m in not_published]}))
    return errors


def _bases_of(matters) -> dict:
    """{matter: [bases]} using prefetched bases where present, else one query for the rest."""
    out, missing = {}, []
    for m in matters:
        cache = getattr(m, "_prefetched_objects_cache", {})
        if "legal_bases" in cache:
            out[m] = list(cache["legal_bases"])
        else:
            missing.append(m)
    if missing:
        through = InspectionMatter.legal_bases.through.objects.filter(
            inspectionmatter_id__in=[m.pk for m in missing]).select_related("legalbasis")
        by_matter = {}
        for row in through:
            by_matter.setdefault(row.inspectionmatter_id, []).append(row.legalbasis)
        for m in missing:
            out[m] = by_matter.get(m.pk, [])
    return out


# --- content snapshot and diff (备案对比) ------------------------------------------------------------------

CONTENT_LABELS = [
    ("name", "事项名称"), ("object_scope", "检查对象范围"), ("method", "检查方式"), ("offsite_capable", "可非现场检查"),
    ("legal_bases", "法定依据"), ("industries", "适用行业"), ("check_standards", "检查标准"),
    ("common_problems", "常见问题"),
]


def matter_content(matter: InspectionMatter) -> dict:
    """What is filed with 司法局: the fields a reviewer compares, as plain JSON (used for
    `filed_snapshot`, the review diff and import idempotency). Uses prefetched relations when present."""
    return {
        "code": matter.code,
        "agency": matter.agency.code,
        "version": matter.version,
        "name": matter.name,
        "object_scope": matter.object_scope,
        "method": matter.method,
        "offsite_capable": matter.offsite_capable,
        "legal_basis_ids": sorted(b.pk for b in matter.legal_bases.all()),
        "legal_bases": [_basis_label(b) for b in sorted(matter.legal_bases.all(), key=lambda b: b.pk)],
        "industries": sorted(i.code for i in matter.industries.all()),
        "check_standards": [[s.item, s.criterion] for s in
                            sorted(matter.check_standards.all(), key=lambda s: (s.order, s.pk))],
        "common_problems": [[p.problem, p.guidance] for p in
                            sorted(matter.common_problems.all(), key=lambda p: (p.order, p.pk))],
    }


def _as_lines(key, value):
    if key in ("check_standards", "common_problems"):
        return [f"{a}｜{b}" if b else a for a, b in value]
    if key in ("legal_bases", "industries"):
        return list(value)
    if key == "offsite_capable":
        return ["是" if value else "否"]
    return [value] if value else []


def matter_diff(matter: InspectionMatter) -> dict:
    """A readable comparison of the matter as submitted with what was last filed (`filed_snapshot`).

    Returns {"first_filing": bool, "filed_version": int|None, "rows": [{"label", "changed",
    "lines": [{"op": "same"|"added"|"removed", "text"}]}]}; list fields are compared line by line."""
    now = matter_content(matter)
    before = matter.filed_snapshot or {}
    rows = []
    for key, label in CONTENT_LABELS:
        new_lines = _as_lines(key, now.get(key))
        old_lines = _as_lines(key, before.get(key)) if before else []
        if not before:
            lines = [{"op": "same", "text": t} for t in new_lines]
            rows.append({"label": label, "changed": False, "lines": lines})
            continue
        old_set, new_set = set(old_lines), set(new_lines)
        lines = [{"op": "removed", "text": t} for t in old_lines if t not in new_set]
        lines += [{"op": "same" if t in old_set else "added", "text": t} for t in new_lines]
        rows.append({"label": label, "changed": old_lines != new_lines, "lines": lines})
    return {"first_filing": not before, "filed_version": before.get("version"), "rows": rows,
            "changed_count": sum(1 for r in rows if r["changed"])}


# --- joint matter lists ------------------------------------------------------------------------------------


def joint_list_list_for_user(*, user) -> QuerySet[JointMatterList]:
    """Staff see every version (drafts included); the platform and the public only published and
    superseded ones."""
    qs = JointMatterList.objects.select_related("industry", "lead_agency").prefetch_related(
        "member_agencies", Prefetch("matters", queryset=InspectionMatter.objects.select_related("agency")))
    if roles.is_staff_member(user):
        return qs
    return qs.exclude(status=JointMatterList.Status.DRAFT)


def joint_list_published(*, industry=None) -> QuerySet[JointMatterList]:
    qs = JointMatterList.objects.filter(status=JointMatterList.Status.PUBLISHED).select_related(
        "industry", "lead_agency")
    return qs.filter(industry=industry) if industry is not None else qs


def joint_list_agencies(joint_list: JointMatterList) -> list:
    """Lead agency first, then the distinct members."""
    agencies = [joint_list.lead_agency]
    for a in joint_list.member_agencies.all():
        if a.pk != joint_list.lead_agency_id:
            agencies.append(a)
    return agencies


def joint_list_warnings(joint_list: JointMatterList, *, max_agencies: int = 3) -> list[str]:
    """Advice that does not block saving: team size above `max_agencies` (docs/domain.md: keep joint teams
    to 2–3 agencies), a single-agency list, matters that are no longer published."""
    warnings = []
    n = len(joint_list_agencies(joint_list))
    if n > max_agencies:
        warnings.append(f"参与单位共 {n} 家，超过建议的 {max_agencies} 家（联合检查原则上由2–3家单位组成），请确认确有必要。")
    if n < 2:
        warnings.append("联查清单应至少有两个单位参与，公布前请添加参与单位。")
    stale = [m.code for m in joint_list.matters.all() if m.status != InspectionMatter.Status.PUBLISHED]
    if stale:
        warnings.append(f"以下事项已不处于公布状态，公布前需移除或待其重新公布：{'、'.join(stale)}。")
    return warnings


# --- what the UI offers (reads only; the services enforce) --------------------------------------------------


def matter_allowed_actions(*, user, matter: InspectionMatter) -> set[str]:
    """The buttons to show on a matter page. Only a hint: each service checks again."""
    S = InspectionMatter.Status
    actions = set()
    manager = roles.is_reviewer(user) or (roles.is_agency_admin(user) and user.agency_id == matter.agency_id)
    if manager:
        if matter.status not in (S.SUBMITTED, S.CANCELLED):
            actions.add("edit")
        if matter.status in (S.DRAFT, S.REJECTED, S.NEEDS_ADJUSTMENT):
            actions.add("submit")
        if matter.status == S.FILED:
            actions.add("publish")
        if matter.status != S.CANCELLED:
            actions.add("cancel")
    if roles.is_reviewer(user) and matter.status == S.SUBMITTED:
        actions.update({"file", "reject"})
    return actions


def joint_list_allowed_actions(*, user, joint_list: JointMatterList) -> set[str]:
    composer = roles.is_reviewer(user) or (roles.is_agency_admin(user)
                                           and user.agency_id == joint_list.lead_agency_id)
    if not composer:
        return set()
    if joint_list.status == JointMatterList.Status.DRAFT:
        return {"edit", "publish"}
    if joint_list.status == JointMatterList.Status.PUBLISHED and not JointMatterList.objects.filter(
            industry_id=joint_list.industry_id, status=JointMatterList.Status.DRAFT).exists():
        return {"new_version"}
    return set()
