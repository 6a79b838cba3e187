"""HTML forms of the 检查码 pages. They shape input; the services decide."""
from django import forms
from django.utils.translation import gettext_lazy as _

from jiujiang_inspect.uploads import ACCEPT
from matters.models import NegativeListItem
from plans.forms import DateTimeInput
from plans.models import Inspection
from subjects.forms import BootstrapMixin, DateInput, MultipleFileField, MultipleFileInput

from .models import DocumentKind, SamplingRecord


class LookupForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label=_("检查码"), max_length=40,
                           help_text=_("输入检查人员出示的检查码，如 JJ-XXXX-XXXX-XXXX-XXXX-X，大小写和短横线均可省略。"))


class EvaluationForm(BootstrapMixin, forms.Form):
    uscc = forms.CharField(label=_("本企业统一社会信用代码"), max_length=64,
                           help_text=_("用于确认您是被检查企业，评议内容不会向检查单位显示企业身份。"))
    rating = forms.TypedChoiceField(label=_("总体评价"), coerce=int, widget=forms.RadioSelect,
                                    choices=[(5, "5 非常满意"), (4, "4 满意"), (3, "3 一般"), (2, "2 不满意"),
                                             (1, "1 非常不满意")])
    code_shown = forms.TypedChoiceField(label=_("检查人员是否出示了检查码？"), coerce=lambda v: v == "yes",
                                        choices=[("yes", "是"), ("no", "否")], widget=forms.RadioSelect)
    notified_in_advance = forms.TypedChoiceField(label=_("检查前是否收到告知？"), coerce=lambda v: v == "yes",
                                                 choices=[("yes", "是"), ("no", "否")], widget=forms.RadioSelect)
    negative_items = forms.ModelMultipleChoiceField(label=_("是否遇到以下行为（可多选）"), required=False,
                                                    queryset=NegativeListItem.objects.filter(is_active=True),
                                                    widget=forms.CheckboxSelectMultiple)
    comment = forms.CharField(label=_("意见建议"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("rating", "code_shown", "notified_in_advance", "negative_items"):
            self.fields[name].widget.attrs["class"] = "me-1"


class RectificationResponseForm(BootstrapMixin, forms.Form):
    uscc = forms.CharField(label=_("本企业统一社会信用代码"), max_length=64)
    response = forms.CharField(label=_("整改情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("整改照片或材料（可多选，可直接拍照）"), required=False,
                              widget=MultipleFileInput(attrs={"accept": ACCEPT}),
                              help_text=_("最多10个，每个不超过10MB。"))


def without_uscc(form):
    """The enterprise proved itself on this phone (我的检查): its USCC is not asked again (issue 15)."""
    form.fields.pop("uscc", None)
    return form


class ResultForm(BootstrapMixin, forms.Form):
    """录入检查结果 on a phone (issue 15): outcome, findings, 整改 items and deadline, the signature drawn
    on screen (a PNG data URL from static/js/signature.js) or a 拒签 note. The checklist's verdicts
    (`verdict-<standard id>`, `note-<standard id>`) and the files (`photos`, `documents`) are read by
    `checklist()` and the view; the service decides what is complete."""

    outcome = forms.ChoiceField(label=_("检查结果"), choices=Inspection.Outcome.choices)
    findings = forms.CharField(label=_("检查发现的问题"), required=False, max_length=5000,
                               help_text=_("责令整改时必填：写明发现了什么问题。"),
                               widget=forms.Textarea(attrs={"rows": 3}))
    items = forms.CharField(label=_("整改事项（每行一项）"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("整改期限"), required=False, widget=DateInput)
    signer_name = forms.CharField(label=_("企业签字人姓名"), required=False, max_length=50)
    signature = forms.CharField(label=_("企业签字"), required=False, widget=forms.HiddenInput, max_length=20 * 1024 * 1024)
    signature_refused = forms.BooleanField(label=_("企业拒绝签字"), required=False)
    signature_refused_note = forms.CharField(label=_("拒签情况"), required=False, max_length=2000,
                                             help_text=_("写明拒签人、拒签理由和在场见证人。"),
                                             widget=forms.Textarea(attrs={"rows": 2}))

    def rectification(self):
        d = self.cleaned_data
        if d["outcome"] != Inspection.Outcome.RECTIFICATION:
            return None
        return {"items": [line.strip() for line in (d.get("items") or "").splitlines() if line.strip()],
                "deadline": d.get("deadline")}

    def checklist(self, template) -> list[dict] | None:
        """The verdicts posted for the standards of `template` (None when the matters have none)."""
        if not template:
            return None
        return [{"standard": t["standard"], "verdict": self.data.get(f"verdict-{t['standard']}", ""),
                 "note": self.data.get(f"note-{t['standard']}", "")} for t in template]


class VerifyForm(BootstrapMixin, forms.Form):
    passed = forms.TypedChoiceField(label=_("复查结论"), coerce=lambda v: v == "yes",
                                    choices=[("yes", "整改到位，办结"), ("no", "未整改到位，重新限期")])
    note = forms.CharField(label=_("复查意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    new_deadline = forms.DateField(label=_("新的整改期限（未通过时）"), required=False, widget=DateInput)


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DocumentCorrectForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="更正原因", max_length=2000, widget=forms.TextInput(attrs={"placeholder": "更正原因"}))


class DocumentKindForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = DocumentKind
        fields = ["title", "word", "to_enterprise"]


class InquiryForm(BootstrapMixin, forms.Form):
    """询问笔录: who, where, when, and the questions and answers as "问：…" / "答：…" lines."""

    interviewee = forms.CharField(label="被询问人", max_length=50)
    position = forms.CharField(label="职务或与企业关系", max_length=100, required=False)
    place = forms.CharField(label="询问地点", max_length=200)
    started_at = forms.DateTimeField(label="询问开始", widget=DateTimeInput())
    ended_at = forms.DateTimeField(label="询问结束", required=False, widget=DateTimeInput())
    qa = forms.CharField(label="问答", max_length=20000, widget=forms.Textarea(attrs={"rows": 6}),
                         help_text="每个问题一行以“问：”开头，回答以“答：”开头。")


class SamplingForm(BootstrapMixin, forms.Form):
    """抽样取证 / 勘验: place, time, items one a line "名称，规格，数量", and what was found."""

    kind = forms.ChoiceField(label="类别", choices=SamplingRecord.Kind.choices)
    place = forms.CharField(label="地点", max_length=200)
    at = forms.DateTimeField(label="时间", widget=DateTimeInput())
    items = forms.CharField(label="物品清单", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="每行一件：名称，规格，数量。")
    description = forms.CharField(label="情况描述", required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class EnterpriseUsccForm(BootstrapMixin, forms.Form):
    uscc = forms.CharField(label=_("本企业统一社会信用代码"), max_length=64,
                           help_text=_("验证码将以短信发送至本企业登记的联系电话。"),
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))


class VerificationCodeForm(BootstrapMixin, forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    code = forms.CharField(label=_("短信验证码"), max_length=12,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


class MisconductReportForm(BootstrapMixin, forms.Form):
    agency = forms.ModelChoiceField(label=_("涉及单位"), required=False, empty_label=_("不清楚"),
                                    queryset=None)
    occurred_on = forms.DateField(label=_("发生日期"), widget=DateInput)
    code_shown = forms.TypedChoiceField(label=_("检查人员是否出示了检查码？"), coerce=lambda v: v == "yes",
                                        choices=[("no", "否，未出示检查码"), ("yes", "是")], widget=forms.RadioSelect)
    code_text = forms.CharField(label=_("检查码（如有）"), required=False, max_length=40)
    description = forms.CharField(label=_("情况说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("何时、几人、自称哪个单位、做了什么。区司法局会核实处理。"))

    def __init__(self, *args, **kwargs):
        from subjects.models import Agency

        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(is_active=True).order_by("code")
        self.fields["code_shown"].widget.attrs["class"] = "me-1"
