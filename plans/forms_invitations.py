"""HTML forms of 邀约 pages. They shape input; plans.services.invitations decides."""
from django import forms
from django.utils.translation import gettext_lazy as _

from subjects.forms import BootstrapMixin, DateInput

from .models import Enterprise, Invitation


class InvitationForm(BootstrapMixin, forms.Form):
    enterprise = forms.CharField(label=_("企业（统一社会信用代码）"), max_length=18)
    activity = forms.ChoiceField(label=_("活动类型"), choices=Invitation.Activity.choices)
    date = forms.DateField(label=_("日期"), widget=DateInput)
    purpose = forms.CharField(label=_("事由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("如：食品安全政策宣讲、产业发展调研、安全生产培训"))
    invited_by_enterprise = forms.BooleanField(label=_("企业主动邀约"), required=False,
                                               help_text=_("企业主动提出的，登记后即视为企业已同意"))

    def clean_enterprise(self):
        value = self.cleaned_data["enterprise"].strip().upper()
        ent = Enterprise.objects.filter(uscc=value).first()
        if ent is None:
            raise forms.ValidationError(_("未找到该统一社会信用代码对应的企业。"))
        return ent


class InvitationReasonForm(forms.Form):
    reason = forms.CharField(required=False, max_length=2000)


class PublicInvitationForm(BootstrapMixin, forms.Form):
    uscc = forms.CharField(label=_("本企业统一社会信用代码"), max_length=18,
                           help_text=_("用于确认您是受邀企业。"))
    answer = forms.ChoiceField(label=_("答复"), widget=forms.RadioSelect,
                               choices=[("accept", _("同意")), ("decline", _("不同意"))])
    reason = forms.CharField(label=_("说明（可选）"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].widget.attrs["class"] = "me-1"
