"""检查事项 lifecycle (举措 2, 3): create, edit, submit (single or whole catalogue), file and reject
(区司法局), publish, cancel. Each transition locks the matter row, checks the state, writes, and
records one audit entry. Editing a filed or published matter returns it to draft as a new version;
what was filed stays in `filed_snapshot` so the reviewer sees a readable diff."""
import re

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record
from jiujiang_inspect.identifiers import normalize_code

from ..exceptions import CatalogueNotReady, InvalidState, LegalBasisNotInForce, ValidationFailed
from ..models import CheckStandard, CommonProblem, Industry, InspectionMatter, LegalBasis
from ..selectors import matter_content, matter_with_details, matters_usable_errors
from .common import check_length, fail, require_catalogue_manager

S = InspectionMatter.Status
MATTER_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
EDITABLE = ("name", "object_scope", "method", "offsite_capable", "legal_bases", "industries", "check_standards",
            "common_problems")
# Keys of matter_content() that describe the matter itself (not its identity or version).
CONTENT_KEYS = ("name", "object_scope", "method", "offsite_capable", "legal_basis_ids", "industries",
                "check_standards", "common_problems")
MAX_ITEMS = 200


# --- input cleaning (shared with the Excel import) ----------------------------------------------------------

def clean_code(code) -> str:
    code = normalize_code(code)
    if not code:
        fail("code", _("请填写事项编码。"))
    check_length("code", code, 40, _("事项编码"))
    if not MATTER_CODE_RE.match(code):
        fail("code", _("事项编码只能包含字母、数字、点、下划线和连字符，且以字母或数字开头。"))
    return code


def clean_pairs(rows, *, field: str, keys: tuple, labels: tuple) -> list[list[str]]:
    """[{"item", "criterion"}] or [(item, criterion)] → [[item, criterion]] with lengths checked."""
    out = []
    for n, row in enumerate(rows or [], start=1):
        if isinstance(row, dict):
            first, second = row.get(keys[0], ""), row.get(keys[1], "")
        else:
            first, second = (list(row) + ["", ""])[:2]
        first, second = str(first or "").strip(), str(second or "").strip()
        if not first:
            fail(field, _("第%(n)d项的%(label)s不能为空。") % {"n": n, "label": labels[0]})
        check_length(field, first, 500, f"第{n}项的{labels[0]}")
        check_length(field, second, 2000, f"第{n}项的{labels[1]}")
        out.append([first, second])
    if len(out) > MAX_ITEMS:
        fail(field, _("最多%(n)d项。") % {"n": MAX_ITEMS})
    return out


def clean_fields(fields: dict) -> dict:
    """Validate and normalise editable fields; returns proposed content keyed like matter_content()."""
    out = {}
    if "name" in fields:
        name = str(fields["name"] or "").strip()
        if not name:
            fail("name", _("请填写事项名称。"))
        check_length("name", name, 200, _("事项名称"))
        out["name"] = name
    if "object_scope" in fields:
        check_length("object_scope", fields["object_scope"], 2000, _("检查对象范围"))
        out["object_scope"] = str(fields["object_scope"] or "").strip()
    if "method" in fields:
        check_length("method", fields["method"], 200, _("检查方式"))
        out["method"] = str(fields["method"] or "").strip()
    if "offsite_capable" in fields:
        out["offsite_capable"] = bool(fields["offsite_capable"])
    if "legal_bases" in fields:
        bases = list(fields["legal_bases"] or [])
        if not bases:
            fail("legal_bases", _("每个检查事项至少要有一项法定依据。"))
        out["legal_basis_ids"] = sorted({b.pk if isinstance(b, LegalBasis) else int(b) for b in bases})
    if "industries" in fields:
        out["industries"] = sorted({i.code if isinstance(i, Industry) else str(i) for i in fields["industries"] or []})
    if "check_standards" in fields:
        out["check_standards"] = clean_pairs(fields["check_standards"], field="check_standards",
                                             keys=("item", "criterion"), labels=("检查内容", "合格标准"))
    if "common_problems" in fields:
        out["common_problems"] = clean_pairs(fields["common_problems"], field="common_problems",
                                             keys=("problem", "guidance"), labels=("常见问题", "整改指引"))
    return out


# --- writing ------------------------------------------------------------------------------------------------

def _lock(matter: InspectionMatter) -> InspectionMatter:
    return matter_with_details(InspectionMatter.objects.select_for_update(of=("self",))).get(pk=matter.pk)


def _refetch(matter: InspectionMatter) -> InspectionMatter:
    return matter_with_details(InspectionMatter.objects.all()).get(pk=matter.pk)


def _write(matter: InspectionMatter, proposed: dict, before: dict | None) -> None:
    """Write the proposed content; relations only where they differ from `before`."""
    for key in ("name", "object_scope", "method", "offsite_capable"):
        if key in proposed:
            setattr(matter, key, proposed[key])
    matter.save()

    def changed(key):
        return key in proposed and (before is None or before.get(key) != proposed[key])

    if changed("legal_basis_ids"):
        matter.legal_bases.set(proposed["legal_basis_ids"])
    if changed("industries"):
        matter.industries.set(Industry.objects.filter(code__in=proposed["industries"]))
    if changed("check_standards"):
        CheckStandard.objects.filter(matter=matter).delete()
        CheckStandard.objects.bulk_create([CheckStandard(matter=matter, order=i, item=a, criterion=b)
                                           for i, (a, b) in enumerate(proposed["check_standards"], start=1)])
    if changed("common_problems"):
        CommonProblem.objects.filter(matter=matter).delete()
        CommonProblem.objects.bulk_create([CommonProblem(matter=matter, order=i, problem=a, guidance=b)
                                           for i, (a, b) in enumerate(proposed["common_problems"], start=1)])


def _check_references(proposed: dict) -> None:
    if "legal_basis_ids" in proposed:
        found = set(LegalBasis.objects.filter(pk__in=proposed["legal_basis_ids"]).values_list("pk", flat=True))
        missing = [str(i) for i in proposed["legal_basis_ids"] if i not in found]
        if missing:
            fail("legal_bases", _("法定依据不存在：%(ids)s") % {"ids": "、".join(missing)})
    if "industries" in proposed:
        found = set(Industry.objects.filter(code__in=proposed["industries"]).values_list("code", flat=True))
        missing = [c for c in proposed["industries"] if c not in found]
        if missing:
            fail("industries", _("行业代码不存在：%(codes)s") % {"codes": "、".join(missing)})


def next_version_on_edit(matter: InspectionMatter) -> tuple[str, int]:
    """(status, version) after a substantive edit: back to draft; a new version number when the
    current version is the one on file (so edits of a filed/published matter start version+1)."""
    version = matter.version
    if matter.filed_snapshot and matter.filed_snapshot.get("version") == matter.version:
        version += 1
    return S.DRAFT, version


@transaction.atomic
def matter_create(*, by, agency, code: str, name: str, legal_bases, object_scope: str = "", method: str = "",
                  offsite_capable: bool = False, industries=(), check_standards=(), common_problems=()
                  ) -> InspectionMatter:
    """Register a 检查事项 as a draft of `agency`'s catalogue, with its 检查标准 and 常见问题 (举措 2, 3)."""
    require_catalogue_manager(by, agency)
    code = clean_code(code)
    proposed = clean_fields({"name": name, "object_scope": object_scope, "method": method,
                             "offsite_capable": offsite_capable, "legal_bases": legal_bases,
                             "industries": industries, "check_standards": check_standards,
                             "common_problems": common_problems})
    _check_references(proposed)
    if InspectionMatter.objects.filter(code__iexact=code).exists():  # found as typed, so unique as typed
        fail("code", _("事项编码已存在。"))
    matter = InspectionMatter(code=code, agency=agency, status=S.DRAFT)
    _write(matter, proposed, None)
    matter = _refetch(matter)
    content = matter_content(matter)
    audit_record(actor=by, action="matter.created", target=matter, agency_code=agency.code,
                 changes={k: content[k] for k in ("name", "legal_bases", "check_standards", "common_problems")})
    return matter


@transaction.atomic
def matter_update(*, matter: InspectionMatter, by, reason: str = "", **fields) -> InspectionMatter:
    """Edit a matter. Nothing changes (and nothing is audited) when the content is the same. A real
    change to a filed, published or 需调整 matter returns it to draft as version+1; the filed
    content stays in `filed_snapshot` for the reviewer's diff. Refused while submitted or cancelled."""
    unknown = [k for k in fields if k not in EDITABLE]
    if unknown:
        fail(unknown[0], _("该字段不能修改。"))
    matter = _lock(matter)
    require_catalogue_manager(by, matter.agency)
    if matter.status == S.SUBMITTED:
        raise InvalidState(_("事项已报送区司法局备案，审核完成前不能修改。"))
    if matter.status == S.CANCELLED:
        raise InvalidState(_("已取消的事项不能修改。"))
    proposed = clean_fields(fields)
    _check_references(proposed)
    before = matter_content(matter)
    changed = {k: v for k, v in proposed.items() if before.get(k) != v}
    if not changed:
        return matter
    old_status, old_version = matter.status, matter.version
    matter.status, matter.version = next_version_on_edit(matter)
    matter.status_reason = ""
    _write(matter, changed, before)
    matter = _refetch(matter)
    after = matter_content(matter)
    changes = {k: [before[k], after[k]] for k in ("name", "object_scope", "method", "offsite_capable",
                                                  "legal_bases", "industries", "check_standards", "common_problems")
               if before[k] != after[k]}
    if old_status != matter.status:
        changes["status"] = [old_status, matter.status]
    if old_version != matter.version:
        changes["version"] = [old_version, matter.version]
    audit_record(actor=by, action="matter.updated", target=matter, changes=changes, reason=reason,
                 agency_code=matter.agency.code)
    return matter


def _readiness_errors(matter: InspectionMatter) -> list:
    """What stops a matter from being filed: no basis or a basis not in force, no 检查标准."""
    errors = [e for e in matters_usable_errors([matter]) if isinstance(e, LegalBasisNotInForce)]
    if not matter.check_standards.all():
        errors.append(ValidationFailed(_("至少填写一项检查标准（检查内容和合格标准）。"),
                                       detail={"check_standards": [_("至少填写一项检查标准。")]}))
    return errors


def _set_status(matter, by, *, to: str, action: str, reason: str = "", extra_fields=(), changes=None):
    old = matter.status
    matter.status = to
    matter.save(update_fields=["status", "status_reason", *extra_fields, "updated_at"])
    audit_record(actor=by, action=action, target=matter, reason=reason, agency_code=matter.agency.code,
                 changes={"status": [old, to], "version": matter.version, **(changes or {})})
    return matter


@transaction.atomic
def matter_submit(*, matter: InspectionMatter, by) -> InspectionMatter:
    """Submit one draft, rejected or 需调整 matter to 区司法局 for 备案 (举措 2). Every basis must be in
    force (`legal_basis_not_in_force`) and at least one 检查标准 given. A 需调整 matter whose basis is
    in force again (e.g. the amended text was recorded on the same basis) is re-filed as it is."""
    matter = _lock(matter)
    require_catalogue_manager(by, matter.agency)
    if matter.status not in (S.DRAFT, S.REJECTED, S.NEEDS_ADJUSTMENT):
        raise InvalidState(_("只有草稿、被退回或需调整的事项可以报送备案（当前：%(s)s）。") % {
            "s": matter.get_status_display()})
    errors = _readiness_errors(matter)
    if errors:
        raise errors[0]
    matter.submitted_at = timezone.now()
    matter.status_reason = ""
    return _set_status(matter, by, to=S.SUBMITTED, action="matter.submitted", extra_fields=["submitted_at"])


@transaction.atomic
def catalogue_submit(*, agency, by) -> list[InspectionMatter]:
    """Submit an agency's whole catalogue (every draft or rejected matter) for 备案 at once.
    All-or-nothing: if any matter is not ready, nothing is submitted (`catalogue_not_ready`)."""
    require_catalogue_manager(by, agency)
    ids = list(InspectionMatter.objects.select_for_update().filter(
        agency=agency, status__in=[S.DRAFT, S.REJECTED]).order_by("code").values_list("pk", flat=True))
    if not ids:
        raise InvalidState(_("本单位没有待报送的草稿或被退回事项。"))
    matters = list(matter_with_details(InspectionMatter.objects.filter(pk__in=ids)).order_by("code"))
    problems = {m.code: [e.message for e in _readiness_errors(m)] for m in matters}
    problems = {k: v for k, v in problems.items() if v}
    if problems:
        raise CatalogueNotReady(
            _("%(n)d 项事项未通过校验，未报送任何事项：%(codes)s") % {"n": len(problems), "codes": "、".join(problems)},
            detail={"matters": problems})
    now = timezone.now()
    for m in matters:
        m.submitted_at, m.status_reason = now, ""
        _set_status(m, by, to=S.SUBMITTED, action="matter.submitted", extra_fields=["submitted_at"],
                    changes={"catalogue": True})
    audit_record(actor=by, action="matter.catalogue_submitted", target=agency, agency_code=agency.code,
                 changes={"matters": [m.code for m in matters]})
    return matters


@transaction.atomic
def matter_file(*, matter: InspectionMatter, by, note: str = "") -> InspectionMatter:
    """区司法局 files (备案) a submitted matter. What was filed is kept in `filed_snapshot`."""
    roles.require(by, roles.REVIEWER)
    matter = _lock(matter)
    if matter.status != S.SUBMITTED:
        raise InvalidState(_("只有待备案的事项可以备案（当前：%(s)s）。") % {"s": matter.get_status_display()})
    errors = _readiness_errors(matter)
    if errors:
        raise errors[0]
    matter.filed_snapshot = matter_content(matter)
    matter.filed_at, matter.filed_by = timezone.now(), by
    return _set_status(matter, by, to=S.FILED, action="matter.filed", reason=note,
                       extra_fields=["filed_snapshot", "filed_at", "filed_by"])


@transaction.atomic
def matter_reject(*, matter: InspectionMatter, by, reason: str) -> InspectionMatter:
    """区司法局 returns a submitted matter with a reason; the agency edits and submits again."""
    roles.require(by, roles.REVIEWER)
    reason = (reason or "").strip()
    if not reason:
        fail("reason", _("退回必须说明原因。"))
    check_length("reason", reason, 2000, _("退回原因"))
    matter = _lock(matter)
    if matter.status != S.SUBMITTED:
        raise InvalidState(_("只有待备案的事项可以退回（当前：%(s)s）。") % {"s": matter.get_status_display()})
    matter.status_reason = reason
    return _set_status(matter, by, to=S.REJECTED, action="matter.rejected", reason=reason)


@transaction.atomic
def matter_publish(*, matter: InspectionMatter, by) -> InspectionMatter:
    """Publish a filed matter: from now on it may be inspected and appears in the public catalogue."""
    matter = _lock(matter)
    require_catalogue_manager(by, matter.agency)
    if matter.status != S.FILED:
        raise InvalidState(_("只有已备案的事项可以公布（当前：%(s)s）。") % {"s": matter.get_status_display()})
    errors = [e for e in matters_usable_errors([matter]) if isinstance(e, LegalBasisNotInForce)]
    if errors:
        raise errors[0]
    matter.published_at = timezone.now()
    return _set_status(matter, by, to=S.PUBLISHED, action="matter.published", extra_fields=["published_at"])


@transaction.atomic
def matter_cancel(*, matter: InspectionMatter, by, reason: str) -> InspectionMatter:
    """取消 a matter (no legal basis any more, no effect, or merged); it leaves the catalogue for good."""
    reason = (reason or "").strip()
    if not reason:
        fail("reason", _("取消事项必须说明原因。"))
    check_length("reason", reason, 2000, _("取消原因"))
    matter = _lock(matter)
    require_catalogue_manager(by, matter.agency)
    if matter.status == S.CANCELLED:
        raise InvalidState(_("该事项已取消。"))
    matter.status_reason = reason
    return _set_status(matter, by, to=S.CANCELLED, action="matter.cancelled", reason=reason)


def matter_mark_used(*, matters, on_date) -> int:
    """Record that `matters` were used in an inspection on `on_date` (for the unused-matters list).
    Call from the service that approves or records an inspection. Only moves dates forward, so instances
    read already at or past `on_date` need no statement (issuing a 检查码 under the enterprise lock)."""
    if matters and all(isinstance(m, InspectionMatter) and m.last_used_on is not None and m.last_used_on >= on_date
                       for m in matters):
        return 0
    ids = [m.pk if isinstance(m, InspectionMatter) else int(m) for m in matters]
    return InspectionMatter.objects.filter(pk__in=ids).filter(
        Q(last_used_on__isnull=True) | Q(last_used_on__lt=on_date)).update(last_used_on=on_date,
                                                                          updated_at=timezone.now())
