"""What each 行政检查文书 prints, read from the inspection's data (docs/documents.md).

The fields follow the national 《行政检查文书基本格式文本（试行）》 (司法部, 2025): the legal basis, the
subject, the task source, the inspection frequency, the certificates shown, the number of assisting
staff fixed in advance and the enterprise's rights (申请回避, 陈述申辩, 救济). A joint inspection prints one
section per agency (its inspectors, matters and the bases they cite) and one list of bases for the whole
document, each basis once; every section is signed by that agency's own inspectors.
"""
import base64
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from plans.exceptions import RULE_NAMES
from plans.models import Inspection, Participation
from plans.selectors.counting import is_counted
from plans.selectors.quota import enterprise_quota

from .. import qr
from ..models import CheckCode, DocumentKind, InquiryRecord, SamplingRecord

Kind = DocumentKind.Kind

#: The enterprise's rights, printed on every document addressed to it (national text; wording of the
#: 芜湖 agencies' notices: 复议 to the people's government at the level above within 60 days,
#: 行政复议法 第20条; suit within 6 months, 行政诉讼法 第46条).
RIGHTS = [
    ("申请回避", "执法人员与你单位有直接利害关系或者有其他关系可能影响公正执法的，你单位有权申请回避。"),
    ("陈述申辩", "你单位对检查中认定的事实、提出的问题有权进行陈述和申辩，执法人员应当听取并记录。"),
    ("拒绝无码检查", "执法人员应当出示行政执法证件并亮检查码；不出示的，你单位有权拒绝接受检查。"),
    ("依法救济", "你单位对本次行政检查行为不服的，可以自知道该行为之日起六十日内依法申请行政复议，"
                 "或者自知道该行为之日起六个月内依法提起行政诉讼。"),
]
SUPERVISION_LINE = "对检查人员违规检查、随意检查或者不文明执法的，可以拨打12345政务服务便民热线或向芜湖市鸠江区司法局反映。"


@dataclass
class Section:
    """One agency's part of the document."""

    agency: object
    inspectors: list
    helpers: int
    matters: list = field(default_factory=list)  # [{"name", "code", "standards", "basis_refs": [n, ...]}]


def inspection_for_documents(pk: int) -> Inspection:
    """The inspection with everything a document reads, in a fixed number of queries."""
    parts = Participation.objects.select_related("agency__entrusting_agency").prefetch_related(
        "inspectors__certificate", "matters__legal_bases", "matters__check_standards")
    return (Inspection.objects.select_related("enterprise", "initiating_agency__entrusting_agency", "plan",
                                              "approved_by", "created_by")
            .prefetch_related(Prefetch("participations", queryset=parts)).get(pk=pk))


def _basis_text(basis) -> str:
    title = basis.title if basis.title.startswith("《") else f"《{basis.title}》"
    return f"{title}{basis.article}" if basis.article else title


def sections_and_bases(inspection: Inspection):
    """([Section per agency, lead first], [basis text, each once]). A matter refers to its bases by
    their 1-based position in the list, so a basis two agencies share prints once."""
    bases, index = [], {}
    sections = []
    for part in inspection.participations.all():
        people = list(part.inspectors.all())
        sec = Section(agency=part.agency, inspectors=[i for i in people if not i.is_helper],
                      helpers=sum(1 for i in people if i.is_helper))
        for matter in part.matters.all():
            refs = []
            for basis in matter.legal_bases.all():
                text = _basis_text(basis)
                if text not in index:
                    bases.append(text)
                    index[text] = len(bases)
                if index[text] not in refs:
                    refs.append(index[text])
            sec.matters.append({"name": matter.name, "code": matter.code, "refs": refs,
                                "standards": list(matter.check_standards.all())})
        sections.append(sec)
    return sections, bases


def task_source(inspection: Inspection) -> str:
    """任务来源 as the national 审批表 asks for it."""
    if inspection.kind == Inspection.Kind.TRIGGERED:
        ref = f"（{inspection.trigger_reference}）" if inspection.trigger_reference else ""
        return f"{inspection.get_trigger_source_display()}{ref}：{inspection.trigger_reason}".rstrip("：")
    if inspection.kind == Inspection.Kind.RECHECK:
        return "整改复查"
    source = f"{inspection.plan.year}年《{inspection.plan.title}》" if inspection.plan_id else ""
    if inspection.special_approval_ref:
        source = f"{source}（{inspection.special_approval_ref}）" if source else inspection.special_approval_ref
    return source or inspection.get_kind_display()


def live_code(inspection: Inspection):
    return (CheckCode.objects.filter(inspection=inspection).exclude(status=CheckCode.Status.REVOKED)
            .order_by("-issued_at").first())


def _result(inspection):
    return getattr(inspection, "result", None) if hasattr(inspection, "result") else None


def _rectification(result):
    return getattr(result, "rectification", None) if result is not None and hasattr(result, "rectification") else None


def kind_unavailable_reason(inspection: Inspection, kind: str) -> str:
    """"" when `kind` can be issued for the inspection now, else why not (shown to staff and as the
    409 `document_not_available` message). A kind is offered only once the data it prints exists."""
    if not is_counted(inspection):  # approved and not cancelled or merged: plans.selectors.counting
        return "检查任务尚未审批，不能出具文书。"
    result = _result(inspection)
    rect = _rectification(result)
    if kind == Kind.INQUIRY_RECORD and not InquiryRecord.objects.filter(inspection=inspection).exists():
        return "尚未录入询问笔录的问答内容。"
    if kind == Kind.SAMPLING_RECORD and not SamplingRecord.objects.filter(inspection=inspection).exists():
        return "未记录抽样取证或勘验。"
    if kind == Kind.RESULT_NOTICE and result is None:
        return "尚未录入检查结果。"
    if kind == Kind.RECTIFICATION_ORDER and rect is None:
        return "检查结果未要求整改。"
    if kind == Kind.RECHECK_OPINION and (rect is None or rect.verified_at is None):
        return "整改尚未复查。"
    if kind == Kind.SERVICE_RECEIPT and not inspection.documents.filter(to_enterprise=True).exists():
        return "尚无送达企业的文书。"
    return ""


def _onsite_evidence(result) -> dict:
    """What the 现场检查笔录 prints of the recorded result (issue 15): the 检查标准 checked one by one, the
    evidence files (name and the start of their SHA-256, so a copy can be matched to the record) and the
    enterprise representative's signature as drawn on the phone, embedded (a data: URI: the stored HTML
    and the PDF carry it themselves), or the 拒签 and its note."""
    files = list(result.evidence.order_by("id"))
    signature = next((f for f in files if f.kind == "signature"), None)
    data_uri = ""
    if signature is not None and not result.signature_refused:
        with signature.file.open("rb") as fh:
            data_uri = f"data:{signature.content_type};base64," + base64.b64encode(fh.read()).decode("ascii")
    return {"checklist": result.checklist or [], "signature_data_uri": data_uri,
            "evidence_files": [f for f in files if f.kind != "signature"]}


def document_context(inspection: Inspection, kind: str, *, number: str, title: str, issued_on) -> dict:
    """Everything the kind's template prints. `number` and `issued_on` are the issued document's."""
    sections, bases = sections_and_bases(inspection)
    code = live_code(inspection)
    result = _result(inspection)
    quota = enterprise_quota(enterprise=inspection.enterprise, year=inspection.date.year)
    ctx = {
        "inspection": inspection, "enterprise": inspection.enterprise, "kind": kind, "title": title,
        "number": number, "issued_on": issued_on, "sections": sections, "bases": bases,
        "joint": len(sections) > 1, "lead": inspection.initiating_agency, "task_source": task_source(inspection),
        "code": code, "verify_url": qr.verify_url(code.code) if code else "", "result": result,
        "rectification": _rectification(result), "rights": RIGHTS, "supervision_line": SUPERVISION_LINE,
        "quota": {k: quota[k] for k in ("year", "yearly_cap", "used", "remaining")},
        "helpers": sum(s.helpers for s in sections),
    }
    if kind == Kind.APPROVAL:
        ctx["gates"] = [str(name) for name in dict.fromkeys(RULE_NAMES.values())]
    if kind == Kind.NOTICE and code is not None:
        # A data: URI (allowed by the CSP's img-src) so the stored HTML and the PDF carry the QR themselves.
        ctx["qr_data_uri"] = "data:image/svg+xml;base64," + base64.b64encode(qr.qr_svg(code.code)).decode("ascii")
    if kind == Kind.INQUIRY_RECORD:
        ctx["inquiries"] = list(InquiryRecord.objects.filter(inspection=inspection).select_related("agency"))
    if kind in (Kind.SAMPLING_RECORD, Kind.ONSITE_RECORD):
        ctx["samplings"] = list(SamplingRecord.objects.filter(inspection=inspection).select_related("agency"))
    if kind == Kind.ONSITE_RECORD and result is not None:
        ctx.update(_onsite_evidence(result))
    if kind == Kind.SERVICE_RECEIPT:
        ctx["served"] = list(inspection.documents.filter(to_enterprise=True, superseded_by__isnull=True)
                             .order_by("issued_at", "id"))
    ctx["now"] = timezone.localtime()
    return ctx
