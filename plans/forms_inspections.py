"""HTML form for drafting an inspection by the user's own agency (joint inspections are formed by
merging with other agencies' drafts). Shapes input only; the services decide."""
from django import forms
from django.utils.translation import gettext_lazy as _

from matters.models import InspectionMatter
from subjects.forms import BootstrapMixin, DateInput
from subjects.models import Inspector

from .models import AnnualPlan, Enterprise, Inspection


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class InspectionForm(BootstrapMixin, forms.Form):
    enterprise = forms.CharField(label=_("检查对象（统一社会信用代码）"), max_length=18)
    kind = forms.ChoiceField(label=_("检查类型"), choices=Inspection.Kind.choices)
    mode = forms.ChoiceField(label=_("检查方式"), choices=Inspection.Mode.choices)
    date = forms.DateField(label=_("计划检查日期"), widget=DateInput)
    plan = forms.ModelChoiceField(label=_("年度计划（计划检查）"), required=False, queryset=AnnualPlan.objects.none())
    trigger_source = forms.ChoiceField(label=_("触发来源（触发式检查）"), required=False,
                                       choices=[("", "—")] + list(Inspection.TriggerSource.choices))
    trigger_reference = forms.CharField(label=_("来源编号（如12345工单号）"), required=False, max_length=100)
    trigger_reason = forms.CharField(label=_("触发原因"), required=False, max_length=2000,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    special_approval_ref = forms.CharField(label=_("专项检查审批文号"), required=False, max_length=100)
    inspectors = forms.ModelMultipleChoiceField(label=_("本单位执法人员（至少两名持证人员）"),
                                                queryset=Inspector.objects.none(), widget=forms.CheckboxSelectMultiple)
    matters = forms.ModelMultipleChoiceField(label=_("检查事项"), queryset=InspectionMatter.objects.none(),
                                             widget=forms.CheckboxSelectMultiple)
    notified_at = forms.DateTimeField(label=_("预先告知时间"), required=False, widget=DateTimeInput)
    notice_method = forms.CharField(label=_("告知方式"), required=False, max_length=100,
                                    help_text=_("如：电话、短信、书面通知"))
    notice_content = forms.CharField(label=_("告知内容"), required=False, max_length=2000,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    notice_exempt_reason = forms.CharField(label=_("免予告知理由"), required=False, max_length=2000,
                                           help_text=_("依法不予公开或上级要求不能事先通知的，说明理由"),
                                           widget=forms.Textarea(attrs={"rows": 2}))
    onsite_justification = forms.CharField(label=_("现场检查必要性说明"), required=False, max_length=5000,
                                           help_text=_("所有事项均可非现场检查时必填"),
                                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agency is not None:
            self.fields["inspectors"].queryset = Inspector.objects.filter(agency=agency, is_active=True).select_related(
                "certificate").order_by("name")
            self.fields["matters"].queryset = InspectionMatter.objects.filter(
                agency=agency, status=InspectionMatter.Status.PUBLISHED).order_by("code")
            self.fields["plan"].queryset = AnnualPlan.objects.filter(
                status__in=[AnnualPlan.Status.FILED, AnnualPlan.Status.PUBLISHED]).order_by("-year", "id")
        for name in ("inspectors", "matters"):
            self.fields[name].widget.attrs["class"] = "me-1"
        self.fields["inspectors"].label_from_instance = lambda i: f"{i.name}" + (
            "（辅助人员）" if i.is_helper else f"（{getattr(getattr(i, 'certificate', None), 'number', '无证')}）")

    def clean_enterprise(self):
        value = self.cleaned_data["enterprise"].strip().upper()
        ent = Enterprise.objects.filter(uscc=value).first()
        if ent is None:
            raise forms.ValidationError(_("未找到该统一社会信用代码对应的检查对象。"))
        return ent

    def service_kwargs(self, agency):
        d = self.cleaned_data
        trigger = None
        if d["kind"] == Inspection.Kind.TRIGGERED:
            trigger = {"source": d["trigger_source"], "reference": d["trigger_reference"], "reason": d["trigger_reason"]}
        return dict(
            enterprise=d["enterprise"], kind=d["kind"], mode=d["mode"], date=d["date"], plan=d.get("plan"),
            trigger=trigger, special_approval_ref=d["special_approval_ref"],
            participations=[{"agency": agency, "inspectors": list(d["inspectors"]), "matters": list(d["matters"])}],
            advance_notice={"notified_at": d.get("notified_at"), "method": d["notice_method"],
                            "content": d["notice_content"]},
            notice_exempt_reason=d["notice_exempt_reason"], onsite_justification=d["onsite_justification"])
