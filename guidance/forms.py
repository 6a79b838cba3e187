"""HTML forms of the guidance pages. They shape input only; the services decide what is allowed."""
from django import forms
from django.utils.translation import gettext_lazy as _

from matters.models import InspectionMatter, NegativeListItem
from subjects.forms import BootstrapMixin, DateInput
from subjects.models import Agency

from .models import GuidancePolicy, OnlineTest, TrainingMaterial, TypicalCase


class UploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))


class TrainingForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("培训名称"), max_length=200)
    date = forms.DateField(label=_("培训日期"), widget=DateInput)
    location = forms.CharField(label=_("地点或方式"), max_length=200, required=False)
    organiser = forms.ModelChoiceField(label=_("主办单位"), queryset=Agency.objects.filter(is_active=True))
    invited_agencies = forms.ModelMultipleChoiceField(
        label=_("受邀单位"), queryset=Agency.objects.filter(is_active=True), required=False,
        help_text=_("不选表示面向全区所有执法单位。"), widget=forms.SelectMultiple(attrs={"size": 8}))
    is_checkcode = forms.BooleanField(label=_("检查码操作培训（计入培训覆盖率）"), required=False)
    description = forms.CharField(label=_("培训内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organisers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisers is not None:
            self.fields["organiser"].queryset = organisers


class MaterialForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=TrainingMaterial.Kind.choices)
    title = forms.CharField(label=_("资料名称"), max_length=200)
    url = forms.URLField(label=_("链接"), max_length=500, required=False, assume_scheme="https")
    file = forms.FileField(label=_("或上传文件"), required=False)


class TestForm(BootstrapMixin, forms.ModelForm):
    question_codes = forms.CharField(
        label=_("固定试题的题目编号"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("固定试题时填写，用逗号或空格分隔，如 JCM-001, JCM-002。"))
    pools = forms.CharField(
        label=_("随机组卷的抽题规则"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("随机组卷时填写，每行“标签:抽题数”，如 检查码:5。"))

    class Meta:
        model = OnlineTest
        fields = ["title", "description", "mode", "pass_mark", "time_limit_minutes", "max_attempts",
                  "is_checkcode_test"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def clean_pools(self):
        rows = []
        for line in self.cleaned_data["pools"].splitlines():
            if not line.strip():
                continue
            tag, sep, count = line.replace("：", ":").partition(":")
            if not sep or not count.strip().isdigit():
                raise forms.ValidationError(_("每行应为“标签:抽题数”。"))
            rows.append((tag.strip(), int(count)))
        return rows

    def clean_question_codes(self):
        raw = self.cleaned_data["question_codes"].replace("，", ",").replace(",", " ")
        return [c for c in raw.split() if c]


class TypicalCaseForm(BootstrapMixin, forms.ModelForm):
    matters = forms.ModelMultipleChoiceField(
        label=_("相关检查事项"), required=False, widget=forms.SelectMultiple(attrs={"size": 6}),
        queryset=InspectionMatter.objects.select_related("agency").order_by("agency__code", "code"))
    negative_items = forms.ModelMultipleChoiceField(
        label=_("相关负面清单事项"), required=False, queryset=NegativeListItem.objects.filter(is_active=True),
        widget=forms.SelectMultiple(attrs={"size": 6}))

    class Meta:
        model = TypicalCase
        fields = ["title", "kind", "category", "agency", "occurred_on", "facts", "rule", "handling", "lesson",
                  "matters", "negative_items"]
        widgets = {"occurred_on": DateInput, **{k: forms.Textarea(attrs={"rows": 4})
                                                for k in ("facts", "rule", "handling", "lesson")}}


class RecognitionForm(BootstrapMixin, forms.Form):
    result = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("互认理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("说明为什么该结果可以代替本次检查，如：同一事项，30日内已检查，未发现问题。"))


class EquivalenceForm(BootstrapMixin, forms.Form):
    matter_a = forms.ModelChoiceField(label=_("事项一"), queryset=InspectionMatter.objects.select_related("agency")
                                      .order_by("agency__code", "code"))
    matter_b = forms.ModelChoiceField(label=_("事项二（其他单位）"), queryset=InspectionMatter.objects
                                      .select_related("agency").order_by("agency__code", "code"))
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class PolicyForm(BootstrapMixin, forms.ModelForm):
    reason = forms.CharField(label=_("修改原因"), max_length=2000)

    class Meta:
        model = GuidancePolicy
        fields = ["recognition_window_days", "checkcode_training_deadline"]
        widgets = {"checkcode_training_deadline": DateInput}
