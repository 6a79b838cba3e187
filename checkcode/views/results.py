"""录入检查结果 on a phone and the result as recorded (issue 15 "Recording a result"): the checklist of the
matters' 检查标准, photos taken with the phone's camera, documents, the representative's signature drawn
on screen or a 拒签 note; the evidence files served only to those who may see the inspection."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from jiujiang_inspect import roles
from jiujiang_inspect.exceptions import ApplicationError
from jiujiang_inspect.uploads import ACCEPT, stored_file_response, upload_from_data_url
from jiujiang_inspect.web import apply_errors, staff_required
from plans.models import Inspection
from plans.selectors.inspections import inspection_list_for_user
from plans.services.inspections import user_may_act_for

from .. import selectors
from ..forms import ResultForm
from ..services.results import result_evidence_add, result_record


def _may_record(user, insp) -> bool:
    """The button's rule (the service decides): staff of a participating agency, not a reviewer, while
    the inspection waits for its result (code issued, or approved when not on site)."""
    if roles.is_reviewer(user) or not user_may_act_for(user, insp):
        return False
    return insp.status == Inspection.Status.CODE_ISSUED or (
        insp.status == Inspection.Status.APPROVED and insp.mode != Inspection.Mode.ONSITE)


def _groups(items):
    """Checklist items grouped by matter, in order: [(matter label, [items])]."""
    groups = []
    for it in items:
        label = f"{it['matter_code']} {it['matter_name']}"
        if not groups or groups[-1][0] != label:
            groups.append((label, []))
        groups[-1][1].append(it)
    return groups


@staff_required
@require_http_methods(["GET", "POST"])
def result(request, pk):
    """GET: the recorded result, or the form to record it; POST: record it (`result_record`)."""
    insp = get_object_or_404(inspection_list_for_user(user=request.user), pk=pk)
    recorded = selectors.result_get_for_user(user=request.user, inspection_pk=pk)
    if recorded is not None:
        may_add = not roles.is_reviewer(request.user) and user_may_act_for(request.user, insp)
        if request.method == "POST" and request.POST.get("action") == "evidence" and may_add:
            try:
                added = result_evidence_add(inspection=insp, by=request.user,
                                            photos=request.FILES.getlist("photos"),
                                            documents=request.FILES.getlist("documents"))
            except ApplicationError as exc:
                messages.error(request, exc.message if not exc.detail else "；".join(
                    str(m) for msgs in exc.detail.values() for m in (msgs if isinstance(msgs, list) else [msgs])))
            else:
                messages.success(request, f"已补充 {len(added)} 个证据文件。")
            return redirect("checkcode:result", pk=pk)
        if request.method == "POST":
            messages.error(request, "该检查已录入结果。")
        evidence = list(recorded.evidence.all())
        return render(request, "checkcode/result.html", {
            "inspection": insp, "result": recorded, "groups": _groups(recorded.checklist),
            "files": [e for e in evidence if e.kind != e.Kind.SIGNATURE],
            "signature": next((e for e in evidence if e.kind == e.Kind.SIGNATURE), None),
            "may_add_evidence": may_add, "accept": ACCEPT,
            "rectification": getattr(recorded, "rectification", None) if hasattr(recorded, "rectification") else None})
    if not _may_record(request.user, insp):
        raise Http404("该检查尚未录入结果。")
    template = selectors.result_checklist_template(inspection=insp)
    form = ResultForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                signature = upload_from_data_url(d["signature"], name="企业签字.png", field="signature")
                result_record(inspection=insp, by=request.user, outcome=d["outcome"], findings=d["findings"],
                              rectification=form.rectification(), checklist=form.checklist(template),
                              photos=request.FILES.getlist("photos"), documents=request.FILES.getlist("documents"),
                              signature=signature, signer_name=d["signer_name"],
                              signature_refused=d["signature_refused"],
                              signature_refused_note=d["signature_refused_note"], require_signature=True)
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "检查结果已录入。")
                return redirect("checkcode:result", pk=pk)
        if request.FILES:
            form.add_error(None, "为安全起见，已选择的照片和文件需要重新选择。")
        status = 400
    posted = {t["standard"]: (request.POST.get(f"verdict-{t['standard']}", ""),
                              request.POST.get(f"note-{t['standard']}", "")) for t in template}
    items = [{**t, "verdict": posted[t["standard"]][0], "note": posted[t["standard"]][1]} for t in template]
    return render(request, "checkcode/result.html", {
        "inspection": insp, "form": form, "groups": _groups(items), "accept": ACCEPT,
        "verdicts": [("pass", "符合"), ("fail", "不符合"), ("na", "不适用")]}, status=status)


@staff_required
def evidence_file(request, pk):
    """One evidence file, to those who may see its inspection (never through /media/)."""
    evidence = get_object_or_404(selectors.evidence_list_for_user(user=request.user), pk=pk)
    return stored_file_response(evidence)
