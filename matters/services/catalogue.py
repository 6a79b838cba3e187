"""Bulk write of a whole catalogue from an import (举措 2): one transaction, a fixed number of queries
per kind of row rather than per matter, the same rules as `matter_create` / `matter_update`
(new matters are drafts; a real change to a filed or published matter makes it a new draft
version), and no writes or audit entries at all for matters whose content is unchanged, so
re-importing the same file changes nothing."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect.audit import audit_record
from jiujiang_inspect.exceptions import ValidationFailed

from ..models import CheckStandard, CommonProblem, Industry, InspectionMatter, LegalBasis
from ..selectors import matter_with_details
from .common import require_catalogue_manager
from .matters import next_version_on_edit

S = InspectionMatter.Status
SCALARS = ("name", "object_scope", "method", "offsite_capable")


def _current(matter: InspectionMatter) -> dict:
    return {
        "name": matter.name, "object_scope": matter.object_scope, "method": matter.method,
        "offsite_capable": matter.offsite_capable,
        "bases": sorted((b.title, b.article) for b in matter.legal_bases.all()),
        "industries": sorted(i.code for i in matter.industries.all()),
        "check_standards": [[s.item, s.criterion] for s in matter.check_standards.all()],
        "common_problems": [[p.problem, p.guidance] for p in matter.common_problems.all()],
    }


def _proposed(item: dict) -> dict:
    return {"name": item["name"], "object_scope": item["object_scope"], "method": item["method"],
            "offsite_capable": item["offsite_capable"],
            "bases": sorted({(b["title"], b["article"]) for b in item["bases"]}),
            "industries": sorted(set(item["industries"])),
            "check_standards": item["check_standards"], "common_problems": item["common_problems"]}


@transaction.atomic
def catalogue_import_apply(*, by, items: list[dict], progress=None) -> dict:
    """Create or update the matters described by `items` (validated rows of an import: code, agency,
    name, object_scope, method, offsite_capable, industries [codes], bases [{title, article, level,
    effective_date}], check_standards and common_problems [[a, b]], row). All or nothing: a matter that
    may not change (submitted, cancelled, another agency's code) fails the whole import."""
    for agency in {i["agency"] for i in items}:
        require_catalogue_manager(by, agency)
    existing = {m.code: m for m in matter_with_details(
        InspectionMatter.objects.select_for_update(of=("self",)).filter(code__in=[i["code"] for i in items]))}
    errors, new_items, changed = [], [], []
    for item in items:
        proposed = _proposed(item)
        matter = existing.get(item["code"])
        if matter is None:
            new_items.append((item, proposed))
            continue
        if matter.agency_id != item["agency"].pk:
            errors.append({"row": item["row"], "field": "事项编码",
                           "message": _("该编码已被%(a)s使用。") % {"a": matter.agency.name}})
            continue
        before = _current(matter)
        if before == proposed:
            continue
        if matter.status in (S.SUBMITTED, S.CANCELLED):
            errors.append({"row": item["row"], "field": "事项编码", "message": _("事项%(s)s，不能通过导入修改。") % {
                "s": matter.get_status_display()}})
            continue
        changed.append((item, proposed, matter, before))
    if errors:
        raise ValidationFailed(_("共 %(n)d 处错误，未导入任何数据。") % {"n": len(errors)}, detail={"rows": errors})
    if not new_items and not changed:
        return {"created": 0, "updated": 0, "unchanged": len(items), "rows": len(items)}

    bases = _bases_for([it for it, _p in new_items] + [c[0] for c in changed], by=by)
    industry_ids = dict(Industry.objects.values_list("code", "pk"))
    now = timezone.now()

    created = InspectionMatter.objects.bulk_create([
        InspectionMatter(code=item["code"], agency=item["agency"], status=S.DRAFT,
                         **{k: proposed[k] for k in SCALARS}) for item, proposed in new_items])
    _apply_transitions(changed, now)
    InspectionMatter.objects.bulk_update([c[2] for c in changed], fields=[*SCALARS, "status", "version",
                                                                           "status_reason", "updated_at"])
    # Relations: rewrite only what differs (new matters get everything).
    targets = [(m, proposed, None) for m, (_i, proposed) in zip(created, new_items, strict=True)]
    targets += [(m, proposed, before) for _i, proposed, m, before in changed]
    _rewrite(targets, "bases", InspectionMatter.legal_bases.through, "legalbasis_id",
             lambda p: [bases[k].pk for k in p["bases"]])
    _rewrite(targets, "industries", InspectionMatter.industries.through, "industry_id",
             lambda p: [industry_ids[c] for c in p["industries"]])
    changed_ids = {c[2].pk for c in changed}
    for key, model, fields in (("check_standards", CheckStandard, ("item", "criterion")),
                               ("common_problems", CommonProblem, ("problem", "guidance"))):
        todo = [(m, p) for m, p, before in targets if before is None or before[key] != p[key]]
        model.objects.filter(matter_id__in=[m.pk for m, _p in todo if m.pk in changed_ids]).delete()
        model.objects.bulk_create([model(matter=m, order=n, **dict(zip(fields, pair, strict=True)))
                                   for m, p in todo for n, pair in enumerate(p[key], start=1)], batch_size=1000)

    for i, (m, proposed, before) in enumerate(targets, start=1):
        if before is None:
            audit_record(actor=by, action="matter.created", target=m, agency_code=m.agency.code, reason="Excel导入",
                         changes={"name": m.name, "bases": [f"《{t}》{a}" for t, a in proposed["bases"]],
                                  "check_standards": len(proposed["check_standards"]),
                                  "common_problems": len(proposed["common_problems"])})
        else:
            diff = {k: [before[k], proposed[k]] for k in proposed if before[k] != proposed[k]}
            diff.update(m._import_transition)
            audit_record(actor=by, action="matter.updated", target=m, agency_code=m.agency.code, reason="Excel导入",
                         changes=diff)
        if progress and i % 100 == 0:
            progress(i, len(targets))
    summary = {"created": len(created), "updated": len(changed),
               "unchanged": len(items) - len(created) - len(changed), "rows": len(items)}
    audit_record(actor=by, action="matter.imported", changes=summary)
    return summary


def _apply_transitions(changed, now) -> None:
    """Apply scalar fields and the edit transition (draft, version+1 when the current version is on
    file) to each changed matter; remembers the transition for its audit entry."""
    for _item, proposed, matter, _before in changed:
        old_status, old_version = matter.status, matter.version
        for key in SCALARS:
            setattr(matter, key, proposed[key])
        matter.status, matter.version = next_version_on_edit(matter)
        matter.status_reason, matter.updated_at = "", now
        matter._import_transition = {}
        if old_status != matter.status:
            matter._import_transition["status"] = [old_status, matter.status]
        if old_version != matter.version:
            matter._import_transition["version"] = [old_version, matter.version]


def _rewrite(targets, key, through, column, ids_of):
    todo = [(m, p, before) for m, p, before in targets if before is None or before[key] != p[key]]
    stale = [m.pk for m, _p, before in todo if before is not None]
    if stale:
        through.objects.filter(inspectionmatter_id__in=stale).delete()
    through.objects.bulk_create([through(inspectionmatter_id=m.pk, **{column: pk})
                                 for m, p, _b in todo for pk in ids_of(p)], batch_size=1000)


def _bases_for(items, *, by) -> dict:
    """{(title, article): LegalBasis}, creating (and auditing) the bases the file names for the first time."""
    wanted = {}
    for item in items:
        for b in item["bases"]:
            wanted.setdefault((b["title"], b["article"]), b)
    # Titles are matched as the citation rules compare them (matters.citations: no 《》, no whitespace).
    found = {}
    for b in LegalBasis.objects.only("id", "title", "article"):
        key = ("".join(b.title.split()).strip("《》"), "".join(b.article.split()))
        if key in wanted:
            found.setdefault(key, b)
    missing = [LegalBasis(title=t, article=a, level=wanted[(t, a)]["level"],
                          effective_date=wanted[(t, a)].get("effective_date"))
               for (t, a) in wanted if (t, a) not in found]
    if missing:
        LegalBasis.objects.bulk_create(missing)
        for b in LegalBasis.objects.filter(title__in={b.title for b in missing}):
            if (b.title, b.article) not in found:
                found[(b.title, b.article)] = b
                audit_record(actor=by, action="legal_basis.created", target=b, reason="Excel导入",
                             changes={"title": b.title, "article": b.article, "level": b.level})
    return found
