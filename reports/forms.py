from django import forms
from django.utils.translation import gettext_lazy as _

from guidance.models import TypicalCase
from subjects.forms import BootstrapMixin, DateInput


class ReportRequestForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("报告名称"), max_length=200, required=False, help_text=_("留空自动生成。"))
    period_start = forms.DateField(label=_("统计期间起"), widget=DateInput)
    period_end = forms.DateField(label=_("统计期间止"), widget=DateInput)
    typical_cases = forms.ModelMultipleChoiceField(
        label=_("选用典型案例"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=TypicalCase.objects.filter(status=TypicalCase.Status.PUBLISHED).order_by("-occurred_on", "-id"))
    note = forms.CharField(label=_("报告说明"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["typical_cases"].widget.attrs["class"] = "form-check-input"
