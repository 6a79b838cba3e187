"""HTML forms of supervision. They shape input; the services decide what is allowed."""
from django import forms
from django.utils.translation import gettext_lazy as _

from guidance.models import TypicalCase
from jiujiang_inspect.uploads import ACCEPT
from subjects.forms import BootstrapMixin, DateInput, MultipleFileField, MultipleFileInput
from subjects.models import Agency

from .models import CaseMeasure, SupervisionCase


class MonthForm(BootstrapMixin, forms.Form):
    month = forms.RegexField(label=_("月份"), regex=r"^[0-9]{4}-(0[1-9]|1[0-2])$", max_length=7,
                             help_text=_("格式 YYYY-MM，例如 2025-03"),
                             widget=forms.TextInput(attrs={"placeholder": "2025-03", "inputmode": "numeric"}))


class NoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("处理说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


def _typical_case_field():
    return forms.ModelMultipleChoiceField(
        label=_("相关典型案例"), required=False,
        queryset=TypicalCase.objects.order_by("-occurred_on", "-id"),
        help_text=_("案例指导库中与本案相关的典型案例（可多选）"),
        widget=forms.SelectMultiple(attrs={"size": 6}))


#: Where a case the 司法局 opens by hand comes from (12345 and 智慧督 cases arrive through their own paths).
MANUAL_SOURCES = [c for c in SupervisionCase.Source.choices
                  if c[0] not in (SupervisionCase.Source.HOTLINE, SupervisionCase.Source.PLATFORM)]


class CaseForm(BootstrapMixin, forms.Form):
    source = forms.ChoiceField(label=_("案件来源"), choices=MANUAL_SOURCES,
                               initial=SupervisionCase.Source.CONTACT_POINT)
    agency = forms.ModelChoiceField(label=_("被监督单位"), queryset=Agency.objects.filter(is_active=True))
    title = forms.CharField(label=_("案件名称"), max_length=200)
    problem = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("办理期限"), required=False, widget=DateInput)
    typical_cases = _typical_case_field()


class TypicalCasesForm(BootstrapMixin, forms.Form):
    typical_cases = _typical_case_field()
    reason = forms.CharField(label=_("说明"), required=False, max_length=2000)


class MeasureForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("措施"), choices=CaseMeasure.Kind.choices)
    date = forms.DateField(label=_("日期"), widget=DateInput)
    deadline = forms.DateField(label=_("期限"), required=False, widget=DateInput)
    document = forms.CharField(label=_("文书"), max_length=200, required=False)
    outcome = forms.CharField(label=_("结果"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CloseCaseForm(BootstrapMixin, forms.Form):
    outcome = forms.CharField(label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 2}))


class TriageCaseForm(BootstrapMixin, forms.Form):
    agency = forms.ModelChoiceField(label=_("被监督单位"), queryset=Agency.objects.filter(is_active=True))
    deadline = forms.DateField(label=_("办理期限"), required=False, widget=DateInput)


class UploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))


class SurveyForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("测评名称"), max_length=200)
    period_start = forms.DateField(label=_("测评期间起"), widget=DateInput)
    period_end = forms.DateField(label=_("测评期间止"), widget=DateInput)
    questions = forms.CharField(label=_("题目（每行一题，按 1–5 分作答）"), widget=forms.Textarea(attrs={"rows": 4}))


class SurveyProofForm(BootstrapMixin, forms.Form):
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=64)


class CorrectionReportForm(BootstrapMixin, forms.Form):
    report = forms.CharField(label=_("整改情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}),
                             help_text=_("写明针对责令改正的问题做了哪些整改、何时完成、如何防止再次发生。"))
    files = MultipleFileField(label=_("附件（照片或 PDF，可多选）"), required=False,
                              widget=MultipleFileInput(attrs={"accept": ACCEPT}),
                              help_text=_("最多10个，每个不超过10MB；可直接用手机拍照。"))
