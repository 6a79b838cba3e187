"""Platform tokens (智慧督 and other clients): reviewers create, see once, and revoke them."""
from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from jiujiang_inspect.exceptions import ApplicationError
from jiujiang_inspect.models import ApiToken
from jiujiang_inspect.tokens import api_token_revoke
from jiujiang_inspect.web import apply_errors, reviewer_required

from . import services
from .forms import BootstrapMixin


class PlatformTokenForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="客户端名称", max_length=60, help_text="例如：智慧督")
    scopes = forms.MultipleChoiceField(label="权限范围", choices=ApiToken.Scope.choices,
                                       widget=forms.CheckboxSelectMultiple, initial=["read"])
    days = forms.IntegerField(label="有效天数", min_value=1, max_value=730, initial=365)


@reviewer_required
def token_list(request):
    form = PlatformTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.platform_client_create(
                name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"], by=request.user,
                days=form.cleaned_data["days"])
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            form = PlatformTokenForm()
    tokens = ApiToken.objects.filter(user__role="platform").select_related("user", "created_by")
    return render(request, "subjects/token_list.html", {"form": form, "tokens": tokens, "secret": secret})


@reviewer_required
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user__role="platform")
    if request.method == "POST" and token.revoked_at is None:
        api_token_revoke(token=token, by=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, f"已撤销令牌“{token.name}”。")
    return redirect("subjects:token_list")
