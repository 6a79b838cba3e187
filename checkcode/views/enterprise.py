"""The enterprise's own pages, no account (issue 15): prove the firm on this phone once (USCC + SMS code),
then "我的检查" — this year's inspections with codes, results and rectifications, the remaining yearly
quota, and 企业反映 (a crew without a code included)."""
from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jiujiang_inspect.clientip import client_ip
from jiujiang_inspect.exceptions import ApplicationError
from jiujiang_inspect.web import apply_errors
from plans.selectors.quota import enterprise_quota
from subjects.models import mask_phone

from ..enterprise_access import forget, recognise, recognised_enterprise
from ..forms import EnterpriseUsccForm, MisconductReportForm, VerificationCodeForm
from ..selectors import enterprise_own_inspections
from ..services.enterprise_access import (
    CODE_MINUTES,
    enterprise_verification_check,
    enterprise_verification_pending,
    enterprise_verification_send,
    misconduct_report_submit,
    recognition_days,
)

TOKEN_SALT = "checkcode.enterprise_verification_token"


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("checkcode:public_enterprise_mine")


PENDING_COOKIE = "jj_enterprise_pending"


def _pending(request):
    """The code this phone was sent and can still type (kept across reloads: the owner switches to the SMS
    app and back), as (verification, masked phone) or (None, "")."""
    try:
        pk = signing.loads(request.COOKIES.get(PENDING_COOKIE, ""), salt=TOKEN_SALT, max_age=CODE_MINUTES * 60)
    except signing.BadSignature:
        return None, ""
    verification = enterprise_verification_pending(int(pk)) if str(pk).isdigit() else None
    return (verification, mask_phone(verification.phone)) if verification else (None, "")


def _code_form(verification):
    return VerificationCodeForm(initial={"token": signing.dumps(verification.pk, salt=TOKEN_SALT)})


@never_cache
def enterprise_entry(request):
    """Step 1: the USCC → an SMS code; step 2: the code → this phone is recognised. A code already sent
    and still valid is asked for again after a reload; `?again=1` asks for a new one."""
    if recognised_enterprise(request) and request.method == "GET":
        return redirect(_next(request))
    uscc_form, code_form, sent_to, note = EnterpriseUsccForm(), None, "", ""
    pending, pending_to = _pending(request)
    if request.method == "GET" and pending and not request.GET.get("again"):
        code_form, sent_to = _code_form(pending), pending_to
    if request.method == "POST" and request.POST.get("step") == "code":
        code_form = VerificationCodeForm(request.POST)
        if code_form.is_valid():
            try:
                pk = signing.loads(code_form.cleaned_data["token"], salt=TOKEN_SALT, max_age=CODE_MINUTES * 60)
                verification = enterprise_verification_check(verification_id=int(pk),
                                                              code=code_form.cleaned_data["code"])
            except signing.BadSignature:
                code_form.add_error(None, "验证码已失效，请重新获取。")
            except ApplicationError as exc:
                apply_errors(code_form, exc)
            else:
                messages.success(request, f"验证成功。本手机将在 {recognition_days()} 天内识别为“{verification.enterprise.name}”。")
                response = recognise(redirect(_next(request)), verification)
                response.delete_cookie(PENDING_COOKIE)
                return response
        sent_to = pending_to or request.POST.get("sent_to", "")
    elif request.method == "POST":
        uscc_form = EnterpriseUsccForm(request.POST)
        if uscc_form.is_valid():
            try:
                verification = enterprise_verification_send(uscc=uscc_form.cleaned_data["uscc"], ip=client_ip(request))
            except ApplicationError as exc:
                if exc.code == "verification_too_soon" and pending:
                    code_form, sent_to, note = _code_form(pending), pending_to, exc.message
                else:
                    apply_errors(uscc_form, exc)
            else:
                sent_to = mask_phone(verification.phone)
                code_form = _code_form(verification)
                response = render(request, "checkcode/enterprise_entry.html", {
                    "uscc_form": uscc_form, "code_form": code_form, "sent_to": sent_to, "next": _next(request),
                    "minutes": CODE_MINUTES, "days": recognition_days()})
                response.set_cookie(PENDING_COOKIE, signing.dumps(verification.pk, salt=TOKEN_SALT),
                                    max_age=CODE_MINUTES * 60, httponly=True, samesite="Lax",
                                    secure=request.is_secure())
                return response
    return render(request, "checkcode/enterprise_entry.html", {
        "uscc_form": uscc_form, "code_form": code_form, "sent_to": sent_to, "next": _next(request),
        "minutes": CODE_MINUTES, "days": recognition_days(), "note": note})


@never_cache
def enterprise_mine(request):
    """我的检查: everything about the firm's inspections this year, and 企业反映."""
    firm = recognised_enterprise(request)
    if firm is None:
        return redirect(reverse("checkcode:public_enterprise_entry") + "?next=" + reverse("checkcode:public_enterprise_mine"))
    year = timezone.localdate().year
    form = MisconductReportForm(request.POST or None, initial={"occurred_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            misconduct_report_submit(enterprise=firm, **form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已提交区司法局，我们会核实处理。")
            return redirect(reverse("checkcode:public_enterprise_mine") + "#report")
    return render(request, "checkcode/enterprise_mine.html", {
        "firm": firm, "year": year, "inspections": enterprise_own_inspections(enterprise=firm, year=year),
        "quota": enterprise_quota(enterprise=firm, year=year), "form": form})


@require_POST
def enterprise_forget(request):
    """退出: this phone no longer recognises the firm."""
    messages.info(request, "已退出，本手机不再识别本企业。")
    return forget(redirect("checkcode:public_enterprise_entry"))
