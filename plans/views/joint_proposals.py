"""综合查一次 merge proposals (decision g): propose from an inspection's offered matches, the list of
proposals the agency made or must answer, and accept / decline / withdraw. The actions answer htmx
requests with the proposal's row (swapped in place) and plain posts with a redirect."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from jiujiang_inspect.exceptions import ApplicationError
from jiujiang_inspect.web import staff_required

from ..models import JointProposal
from ..selectors.inspections import inspection_list_for_user, joint_match_candidates
from ..selectors.joint_proposals import joint_proposal_list_for_user
from ..services import joint_proposals as services
from .inspections import _refused

ACTIONS = {"accept": (services.joint_proposal_accept, "已同意，两项检查已合并为一次联合检查（综合查一次）。"),
           "decline": (services.joint_proposal_decline, "已拒绝该合并申请，两项检查保持不变。"),
           "withdraw": (services.joint_proposal_withdraw, "已撤回合并申请。")}


@staff_required
@require_POST
def inspection_merge(request, pk):
    """Propose merging this inspection with an offered match: `direction` "into" (this one into the
    other) or "from" (the other into this one). Takes effect when the other agency's admin accepts."""
    mine = get_object_or_404(inspection_list_for_user(user=request.user), pk=pk)
    other = get_object_or_404(joint_match_candidates(inspection=mine), pk=request.POST.get("other"))
    try:
        proposal = services.joint_proposal_create(by=request.user, inspection=mine, other=other,
                                                  direction=request.POST.get("direction", ""),
                                                  note=request.POST.get("note", ""))
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"已向{proposal.consenting_agency.name}发出合并申请，对方单位管理员同意后生效。")
    return redirect("plans:inspection_detail", pk=pk)


@staff_required
def joint_proposal_list(request):
    qs = joint_proposal_list_for_user(user=request.user).order_by("-created_at", "-id")
    status = request.GET.get("status", "")
    if status in JointProposal.Status.values:
        qs = qs.filter(status=status)
    return render(request, "plans/joint_proposal_list.html", {
        "page": Paginator(qs, 50).get_page(request.GET.get("page")), "status": status,
        "statuses": JointProposal.Status.choices})


@staff_required
@require_POST
def joint_proposal_action(request, pk, action):
    proposal = get_object_or_404(joint_proposal_list_for_user(user=request.user), pk=pk)
    if action not in ACTIONS:
        return redirect("plans:joint_proposal_list")
    service, done = ACTIONS[action]
    try:
        service(proposal=proposal, by=request.user, reason=request.POST.get("reason", ""))
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, done)
    if request.headers.get("HX-Request"):
        proposal = joint_proposal_list_for_user(user=request.user).get(pk=pk)
        return render(request, "plans/_joint_proposal_row.html", {"p": proposal, "inline_messages": True})
    nxt = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(nxt)
    return redirect("plans:joint_proposal_list")
