"""Reads of inspections, joint-match candidates, triggered filings and gate refusals, scoped by role:
agency staff see what their agency takes part in; reviewers (and the platform, read-only) see all."""
from datetime import timedelta

from django.db import connections
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from jiujiang_inspect import roles

from ..models import FrequencyPolicy, GateRefusal, Inspection, Participation, Pool, TriggeredFiling


def _sees_all(user) -> bool:
    return roles.is_reviewer(user) or roles.is_platform(user)


def inspections_detailed(qs=None) -> QuerySet[Inspection]:
    """Inspections with everything a list shows, in a fixed number of queries (no scoping)."""
    parts = Participation.objects.select_related("agency").prefetch_related("inspectors", "matters")
    qs = Inspection.objects.all() if qs is None else qs
    return (qs.select_related("enterprise", "initiating_agency", "plan")
            .prefetch_related(Prefetch("participations", queryset=parts), "check_codes"))


def inspection_list_for_user(*, user, detailed: bool = True) -> QuerySet[Inspection]:
    """The inspections `user` sees; `detailed` with everything a list shows prefetched
    (`inspections_detailed`), else bare rows (for `.values()` and `inspection_rows`)."""
    qs = inspections_detailed() if detailed else Inspection.objects.all()
    if _sees_all(user):
        return qs
    if roles.is_staff_member(user) and getattr(user, "agency_id", None):
        # The initiating agency keeps seeing its inspection after it was merged into another (decision g).
        # EXISTS rather than a join + DISTINCT (a DISTINCT over every column of the page, issue 13).
        return qs.filter(Exists(Participation.objects.filter(inspection=OuterRef("pk"), agency_id=user.agency_id))
                         | Q(initiating_agency_id=user.agency_id))
    return qs.none()


#: A list row's own columns (what InspectionSerializer shows), read with `.values()`: no model instances.
ROW_FIELDS = ("id", "kind", "mode", "date", "plan_id", "trigger_source", "trigger_reference", "trigger_reason",
              "notified_at", "notice_method", "notice_content", "notice_exempt_reason", "onsite_justification",
              "special_approval_ref", "rechecks_id", "status", "return_comment", "outcome", "is_emergency",
              "slot_year", "counts_toward_cap", "merged_into_id", "created_at", "updated_at",
              "enterprise__uscc", "enterprise__name", "initiating_agency__code")
LIVE_CODE_STATUSES = ("issued", "shown", "completed", "closed")


def _related_rows(ids):
    """Live 检查码, participations, their inspectors and matters of the inspections `ids`, in ONE
    statement: a UNION ALL of four SELECTs of the same eight columns (kind, parent id, id, text, two
    sort texts, flag, time), sorted by the texts in the database (its collation, as the detailed list's
    orderings) and by the id. Plain SQL: the ORM spent more time building this statement than the
    database running it (issue 13). The codes come first so their time column types the union."""
    codes = Inspection._meta.get_field("check_codes").related_model  # a higher app's model, by the relation
    part_field = Participation._meta
    agency = part_field.get_field("agency").related_model._meta.db_table
    inspector_model = part_field.get_field("inspectors").related_model
    matter_model = part_field.get_field("matters").related_model
    t = {"code": codes._meta.db_table, "part": part_field.db_table, "agency": agency,
         "pi": Participation.inspectors.through._meta.db_table, "inspector": inspector_model._meta.db_table,
         "pm": Participation.matters.through._meta.db_table, "matter": matter_model._meta.db_table}
    connection = connections[Participation.objects.db]  # the read router's choice (replica lists)
    if connection.vendor == "postgresql":  # one array parameter: less SQL to send and parse than 50 marks
        ids_in, id_params = "= ANY(%s)", [list(ids)]
    else:
        ids_in, id_params = f"IN ({', '.join(['%s'] * len(ids))})", list(ids)
    sql = f"""
        SELECT 4, c.inspection_id, c.id, c.code, '', '', 0, c.issued_at FROM {t["code"]} c
         WHERE c.inspection_id {ids_in} AND c.status IN ({", ".join(["%s"] * len(LIVE_CODE_STATUSES))})
        UNION ALL
        SELECT 1, p.inspection_id, p.id, a.code, '', '', CASE WHEN p.is_lead THEN 1 ELSE 0 END, NULL
          FROM {t["part"]} p JOIN {t["agency"]} a ON a.id = p.agency_id WHERE p.inspection_id {ids_in}
        UNION ALL
        SELECT 2, pi.participation_id, pi.inspector_id, '', ia.code, i.name, 0, NULL
          FROM {t["pi"]} pi JOIN {t["part"]} p ON p.id = pi.participation_id
          JOIN {t["inspector"]} i ON i.id = pi.inspector_id JOIN {t["agency"]} ia ON ia.id = i.agency_id
         WHERE p.inspection_id {ids_in}
        UNION ALL
        SELECT 3, pm.participation_id, 0, m.code, ma.code, '', 0, NULL
          FROM {t["pm"]} pm JOIN {t["part"]} p ON p.id = pm.participation_id
          JOIN {t["matter"]} m ON m.id = pm.inspectionmatter_id JOIN {t["agency"]} ma ON ma.id = m.agency_id
         WHERE p.inspection_id {ids_in}
        ORDER BY 5, 6, 4, 3"""
    with connection.cursor() as cur:
        cur.execute(sql, [*id_params, *LIVE_CODE_STATUSES, *id_params, *id_params, *id_params])
        return cur.fetchall()


def inspection_rows(rows: list[dict]) -> list[dict]:
    """Complete a page of list rows (dicts of ROW_FIELDS, `qs.values(*ROW_FIELDS)`) with what `inspections_detailed` prefetches, as plain values: "participations"
    ([{"agency", "is_lead", "inspectors", "matters"}] in the detailed list's order: lead first, then by
    id; inspectors by agency code, name, id; matters by agency code, code), "is_joint" and "check_code"
    (the newest live code, or None). One query whatever the number of rows, and no model instances
    (the API list's cost per row, issue 13)."""
    from .counting import JOINT_MIN_AGENCIES

    by_id = {r["id"]: r for r in rows}
    for r in rows:
        r["participations"], r["check_code"] = [], None
    if not rows:
        return rows
    found = {1: [], 2: [], 3: [], 4: []}
    for row in _related_rows(list(by_id)):
        found[row[0]].append(row)
    parts = {}
    # Participations: lead first, then by id (ints: sorted here); the texts came sorted by the database.
    for _k, insp, pk, code, _s1, _s2, lead, _at in sorted(found[1], key=lambda r: (r[1], -r[6], r[2])):
        parts[pk] = {"agency": code, "is_lead": bool(lead), "inspectors": [], "matters": []}
        by_id[insp]["participations"].append(parts[pk])
    for _k, part, inspector, *_rest in found[2]:
        parts[part]["inspectors"].append(inspector)
    for _k, part, _z, matter, *_rest in found[3]:
        parts[part]["matters"].append(matter)
    for _k, insp, _pk, code, _s1, _s2, _f, _at in sorted(found[4], key=lambda r: (r[7], r[2]), reverse=True):
        if by_id[insp]["check_code"] is None:
            by_id[insp]["check_code"] = code
    for r in rows:
        r["is_joint"] = len({p["agency"] for p in r["participations"]}) >= JOINT_MIN_AGENCIES
    return rows


def inspection_for_action(*, user, pk) -> Inspection:
    """The inspection `pk` if `user` sees it (the scope of `inspection_list_for_user`), as a bare row in
    one query: for actions whose service locks and re-reads it anyway (issuing a 检查码). Raises
    Inspection.DoesNotExist."""
    qs = Inspection.objects.filter(pk=pk)
    if _sees_all(user):
        return qs.get()
    if roles.is_staff_member(user) and getattr(user, "agency_id", None):
        takes_part = Exists(Participation.objects.filter(inspection=OuterRef("pk"), agency_id=user.agency_id))
        return qs.filter(Q(takes_part) | Q(initiating_agency_id=user.agency_id)).get()
    raise Inspection.DoesNotExist


def inspections_returned_for_user(*, user, limit: int = 20) -> list[Inspection]:
    """退回修改 waiting for `user` (issue 11, decision k): returned inspections of the user's agency that the
    user drafted or takes part in, newest first, each with `last_refusal` (the latest GateRefusal or None).
    Three queries whatever the number of rows."""
    if not getattr(user, "agency_id", None):
        return []
    mine = Q(created_by=user)
    inspector = getattr(user, "inspector", None)
    if inspector is not None:
        mine |= Q(participations__inspectors=inspector)
    refusals = Prefetch("refusals", queryset=GateRefusal.objects.order_by("-at", "-id"), to_attr="refusals_newest")
    rows = list(Inspection.objects.filter(mine, initiating_agency_id=user.agency_id, status=Inspection.Status.RETURNED)
                .distinct().select_related("enterprise").prefetch_related(refusals).order_by("-updated_at", "-id")[:limit])
    for row in rows:
        row.last_refusal = row.refusals_newest[0] if row.refusals_newest else None
    return rows


def inspection_get_for_user(*, user, pk) -> Inspection:
    return inspection_list_for_user(user=user).get(pk=pk)


def joint_match_candidates(*, inspection: Inspection) -> QuerySet[Inspection]:
    """Other agencies' pending (draft/approved) inspections of the same enterprise within the policy's
    window (default 30 days) around this one's date: the matches the rules offer for 综合查一次
    (docs/domain.md "Joint matching with consent"). None while this inspection is not pending, and
    never for an enterprise in the non-joint pool or not joining joint inspections (decision g)."""
    enterprise = inspection.enterprise
    if (inspection.status not in (Inspection.Status.DRAFT, Inspection.Status.APPROVED)
            or enterprise.pool == Pool.NON_JOINT or not enterprise.joins_joint):
        return Inspection.objects.none()
    days = FrequencyPolicy.current().joint_match_window_days
    own_agencies = list(inspection.participations.values_list("agency_id", flat=True))
    return (Inspection.objects.filter(enterprise_id=inspection.enterprise_id,
                                      status__in=(Inspection.Status.DRAFT, Inspection.Status.APPROVED),
                                      date__gte=inspection.date - timedelta(days=days),
                                      date__lte=inspection.date + timedelta(days=days))
            .exclude(pk=inspection.pk).exclude(participations__agency_id__in=own_agencies)
            .select_related("initiating_agency", "enterprise").order_by("date", "id"))


def triggered_filing_list_for_user(*, user) -> QuerySet[TriggeredFiling]:
    qs = TriggeredFiling.objects.select_related("agency", "enterprise", "inspection")
    if _sees_all(user):
        return qs
    if roles.is_staff_member(user) and getattr(user, "agency_id", None):
        return qs.filter(agency_id=user.agency_id)
    return qs.none()


def gate_refusal_list_for_user(*, user) -> QuerySet[GateRefusal]:
    """Reviewers see every refusal; an agency sees refusals of its own attempts."""
    qs = GateRefusal.objects.select_related("inspection__enterprise", "agency", "user")
    if roles.is_reviewer(user):
        return qs
    if roles.is_staff_member(user) and getattr(user, "agency_id", None):
        return qs.filter(agency_id=user.agency_id)
    return qs.none()
