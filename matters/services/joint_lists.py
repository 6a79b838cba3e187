"""综合查一次 重点行业联查事项清单 (举措 4): drafted by 区司法局 or the lead agency, matters of several
agencies, versioned and published in batches ("成熟一批、公布一批"). Publishing a version supersedes
the previous published one, which stays readable. Team size above `max_agencies` is a warning, not
an error (docs/domain.md: keep joint teams to 2–3 agencies)."""
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record
from jiujiang_inspect.exceptions import InvalidState, PermissionDeniedError

from ..exceptions import MatterNotPublished
from ..models import InspectionMatter, JointMatterList
from ..selectors import joint_list_agencies, joint_list_warnings
from .common import check_length, fail

JS = JointMatterList.Status
DEFAULT_MAX_AGENCIES = 3


def _require_composer(by, lead_agency) -> None:
    """区司法局 reviewers compose any list; an agency admin only lists their agency leads."""
    if roles.is_reviewer(by):
        return
    if roles.is_agency_admin(by) and lead_agency is not None and by.agency_id == lead_agency.pk:
        return
    raise PermissionDeniedError(_("只有区司法局或牵头单位管理员可以编制联查事项清单。"))


def _validate(*, title, lead_agency, members, matters) -> None:
    if not (title or "").strip():
        fail("title", _("请填写清单名称。"))
    check_length("title", title, 200, _("清单名称"))
    if lead_agency is None:
        fail("lead_agency", _("请指定牵头单位。"))
    unpublished = [m for m in matters if m.status != InspectionMatter.Status.PUBLISHED]
    if unpublished:
        fail("matters", _("只能选择已公布的检查事项：%(codes)s 未公布。") % {
            "codes": "、".join(m.code for m in unpublished)})
    allowed = {lead_agency.pk, *[a.pk for a in members]}
    outside = [m for m in matters if m.agency_id not in allowed]
    if outside:
        fail("matters", _("事项 %(codes)s 的实施主体不是牵头或参与单位，请先添加该单位。") % {
            "codes": "、".join(m.code for m in outside)})


def _members(lead_agency, members):
    return [a for a in dict.fromkeys(members or []) if lead_agency is None or a.pk != lead_agency.pk]


def _audit_state(jl: JointMatterList) -> dict:
    return {"title": jl.title, "version": jl.version, "industry": jl.industry.code,
            "lead_agency": jl.lead_agency.code, "member_agencies": sorted(a.code for a in jl.member_agencies.all()),
            "matters": sorted(m.code for m in jl.matters.all())}


@transaction.atomic
def joint_list_create(*, by, industry, title: str | None = None, lead_agency=None, member_agencies=None,
                      matters=None, max_agencies: int = DEFAULT_MAX_AGENCIES) -> tuple[JointMatterList, list[str]]:
    """Start a draft list for a 重点行业: version 1, or the next version copying the latest published one
    (fields given here replace the copied ones). One draft per industry at a time.
    Returns (list, warnings)."""
    if not industry.is_key:
        fail("industry", _("联查事项清单按重点行业编制，请先将该行业标为重点行业。"))
    # Serialise version numbering per industry.
    type(industry).objects.select_for_update().filter(pk=industry.pk).first()
    existing = JointMatterList.objects.filter(industry=industry)
    draft = existing.filter(status=JS.DRAFT).first()
    if draft:
        raise InvalidState(_("该行业已有草稿清单（第%(v)d版），请继续编辑该草稿。") % {"v": draft.version})
    previous = existing.filter(status=JS.PUBLISHED).order_by("-version").first()
    version = (existing.aggregate(v=Max("version"))["v"] or 0) + 1
    if previous is not None:
        title = title if title is not None else previous.title
        lead_agency = lead_agency or previous.lead_agency
        member_agencies = member_agencies if member_agencies is not None else list(previous.member_agencies.all())
        matters = matters if matters is not None else list(previous.matters.all())
    title = title if title is not None else f"{industry.key_label or industry.name}行业“综合查一次”联查事项清单"
    members, matters = _members(lead_agency, member_agencies), list(matters or [])
    _require_composer(by, lead_agency)
    _validate(title=title, lead_agency=lead_agency, members=members, matters=matters)
    jl = JointMatterList.objects.create(industry=industry, title=title.strip(), version=version,
                                        lead_agency=lead_agency, previous=previous, created_by=by)
    jl.member_agencies.set(members)
    jl.matters.set(matters)
    audit_record(actor=by, action="joint_list.created", target=jl, changes=_audit_state(jl),
                 agency_code=lead_agency.code)
    return jl, joint_list_warnings(jl, max_agencies=max_agencies)


def joint_list_new_version(*, joint_list: JointMatterList, by) -> tuple[JointMatterList, list[str]]:
    """A new draft version of a published list's industry, copying the latest published version."""
    return joint_list_create(by=by, industry=joint_list.industry)


@transaction.atomic
def joint_list_update(*, joint_list: JointMatterList, by, title: str | None = None, lead_agency=None,
                      member_agencies=None, matters=None, max_agencies: int = DEFAULT_MAX_AGENCIES
                      ) -> tuple[JointMatterList, list[str]]:
    """Edit a draft list (published versions are fixed: start a new version instead)."""
    jl = JointMatterList.objects.select_for_update().select_related("industry", "lead_agency").get(pk=joint_list.pk)
    _require_composer(by, jl.lead_agency)
    if lead_agency is not None:
        _require_composer(by, lead_agency)
    if jl.status != JS.DRAFT:
        raise InvalidState(_("已公布的清单不能修改，请新建版本。"))
    before = _audit_state(jl)
    lead = lead_agency or jl.lead_agency
    members = _members(lead, member_agencies if member_agencies is not None else jl.member_agencies.all())
    matters = list(matters) if matters is not None else list(jl.matters.select_related("agency"))
    title = title if title is not None else jl.title
    _validate(title=title, lead_agency=lead, members=members, matters=matters)
    jl.title, jl.lead_agency = title.strip(), lead
    jl.save()
    jl.member_agencies.set(members)
    jl.matters.set(matters)
    after = _audit_state(jl)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        audit_record(actor=by, action="joint_list.updated", target=jl, changes=changes, agency_code=lead.code)
    return jl, joint_list_warnings(jl, max_agencies=max_agencies)


@transaction.atomic
def joint_list_publish(*, joint_list: JointMatterList, by) -> JointMatterList:
    """Publish a draft: at least two agencies and one matter, every matter still published. The
    previous published version of the industry becomes superseded (and stays readable)."""
    jl = JointMatterList.objects.select_for_update().select_related("industry", "lead_agency").get(pk=joint_list.pk)
    _require_composer(by, jl.lead_agency)
    if jl.status != JS.DRAFT:
        raise InvalidState(_("只有草稿清单可以公布。"))
    matters = list(jl.matters.select_related("agency"))
    if not matters:
        fail("matters", _("清单中没有检查事项。"))
    if len(joint_list_agencies(jl)) < 2:
        fail("member_agencies", _("联查清单至少需要两个单位参与。"))
    stale = [m for m in matters if m.status != InspectionMatter.Status.PUBLISHED]
    if stale:
        raise MatterNotPublished(
            _("清单中的事项 %(codes)s 已不处于公布状态，请移除后再公布。") % {"codes": "、".join(m.code for m in stale)},
            detail={"matters": [{"code": m.code, "status": m.status} for m in stale]})
    superseded = list(JointMatterList.objects.select_for_update().filter(industry=jl.industry, status=JS.PUBLISHED))
    for old in superseded:
        old.status = JS.SUPERSEDED
        old.save(update_fields=["status", "updated_at"])
        audit_record(actor=by, action="joint_list.superseded", target=old, agency_code=old.lead_agency.code,
                     changes={"status": [JS.PUBLISHED, JS.SUPERSEDED], "by_version": jl.version})
    jl.status, jl.published_at = JS.PUBLISHED, timezone.now()
    jl.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(actor=by, action="joint_list.published", target=jl, agency_code=jl.lead_agency.code,
                 changes={"status": [JS.DRAFT, JS.PUBLISHED], "version": jl.version,
                          "superseded": [o.version for o in superseded]})
    return jl
