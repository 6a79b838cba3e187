"""HTML forms of the catalogue. They only shape input; the services decide what is allowed.

检查标准 and 常见问题 are edited inline as one line per item, "内容｜标准" (a full-width or ASCII bar),
which works on a phone as well as on a desktop."""
from django import forms
from django.utils.translation import gettext_lazy as _

from subjects.forms import BootstrapMixin, DateInput
from subjects.models import Agency

from .models import Industry, InspectionMatter, LegalBasis


def parse_lines(text: str) -> list[list[str]]:
    """"检查内容｜合格标准" per line → [[item, criterion]]; blank lines are skipped."""
    rows = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        first, _sep, second = line.replace("|", "｜").partition("｜")
        rows.append([first.strip(), second.strip()])
    return rows


def format_lines(pairs) -> str:
    return "\n".join(f"{a}｜{b}" if b else a for a, b in pairs)


class BasisChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        state = "" if obj.status == LegalBasis.Status.IN_FORCE else f"（{obj.get_status_display()}）"
        return f"《{obj.title}》{obj.article}{state}"


class IndustryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}" + (f"【{obj.key_label}】" if obj.key_label else "")


class MatterForm(BootstrapMixin, forms.Form):
    agency = forms.ModelChoiceField(label=_("实施主体"), queryset=Agency.objects.filter(is_active=True))
    code = forms.CharField(label=_("事项编码"), max_length=40,
                           help_text=_("如 SCJG-JC-001；字母、数字、点、下划线或连字符，登记后不能修改。"))
    name = forms.CharField(label=_("事项名称"), max_length=200)
    object_scope = forms.CharField(label=_("检查对象范围"), max_length=2000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    method = forms.CharField(label=_("检查方式"), max_length=200, required=False,
                             help_text=_("如：现场检查、书面核查、远程视频检查"))
    offsite_capable = forms.BooleanField(label=_("可通过非现场方式检查（远程、网络巡查、书面核查）"), required=False)
    legal_bases = BasisChoiceField(label=_("法定依据"), queryset=LegalBasis.objects.order_by("title", "article"),
                                   widget=forms.SelectMultiple(attrs={"size": 8}),
                                   help_text=_("可多选（按住 Ctrl 或 ⌘）。找不到依据时请先在“法定依据”中登记。"))
    industries = IndustryChoiceField(label=_("适用行业（GB/T 4754-2017）"), required=False,
                                     queryset=Industry.objects.exclude(level=Industry.Level.SECTION).order_by("code"),
                                     widget=forms.SelectMultiple(attrs={"size": 6}))
    check_standards = forms.CharField(
        label=_("检查标准（每行一项：检查内容｜合格标准）"), required=False, max_length=50000,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "是否取得食品经营许可证｜许可证在有效期内并在显著位置公示"}))
    common_problems = forms.CharField(
        label=_("常见问题（每行一项：常见问题｜整改指引）"), required=False, max_length=50000,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "健康证明过期｜组织从业人员每年健康体检并及时更新"}))
    reason = forms.CharField(label=_("修改说明（选填）"), max_length=500, required=False,
                             help_text=_("已备案或已公布的事项修改后退回草稿并升级版本，需重新报送备案。"))

    def __init__(self, *args, agencies=None, matter=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies
        if matter is not None:
            for name in ("agency", "code"):
                self.fields[name].disabled = True
                self.fields[name].required = False
        else:
            del self.fields["reason"]

    @classmethod
    def initial_for(cls, matter: InspectionMatter) -> dict:
        return {"agency": matter.agency, "code": matter.code, "name": matter.name,
                "object_scope": matter.object_scope, "method": matter.method,
                "offsite_capable": matter.offsite_capable, "legal_bases": list(matter.legal_bases.all()),
                "industries": list(matter.industries.all()),
                "check_standards": format_lines((s.item, s.criterion) for s in matter.check_standards.all()),
                "common_problems": format_lines((p.problem, p.guidance) for p in matter.common_problems.all())}

    def service_fields(self) -> dict:
        d = self.cleaned_data
        return {"name": d["name"], "object_scope": d["object_scope"], "method": d["method"],
                "offsite_capable": d["offsite_capable"], "legal_bases": list(d["legal_bases"]),
                "industries": list(d["industries"]),
                "check_standards": parse_lines(d["check_standards"]),
                "common_problems": parse_lines(d["common_problems"])}


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class LegalBasisForm(BootstrapMixin, forms.ModelForm):
    reason = forms.CharField(label=_("修改说明（选填）"), max_length=500, required=False,
                             help_text=_("将状态改为“已修改”或“已废止”时，依赖该依据的事项会立即标记为需调整，并提醒相关单位。"))

    class Meta:
        model = LegalBasis
        fields = ["title", "level", "article", "article_text", "effective_date", "status"]
        widgets = {"article_text": forms.Textarea(attrs={"rows": 4}), "effective_date": DateInput}
        help_texts = {"title": _("不含书名号，如：中华人民共和国安全生产法"), "article": _("如：第六十五条")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            del self.fields["reason"]

    def validate_unique(self):
        pass  # the service answers with a field error

    def service_fields(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.Meta.fields}


class MatterChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.agency.short_name or obj.agency.name}｜{obj.code} {obj.name}"


class JointListForm(BootstrapMixin, forms.Form):
    industry = forms.ModelChoiceField(label=_("重点行业"), queryset=Industry.objects.filter(is_key=True).order_by("code"))
    title = forms.CharField(label=_("清单名称"), max_length=200, required=False,
                            help_text=_("留空则按行业自动命名。"))
    lead_agency = forms.ModelChoiceField(label=_("牵头单位"), queryset=Agency.objects.filter(is_active=True))
    member_agencies = forms.ModelMultipleChoiceField(
        label=_("参与单位"), required=False, queryset=Agency.objects.filter(is_active=True),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("联合检查原则上由2–3家单位组成，超过3家会给出提醒。"))
    matters = MatterChoiceField(
        label=_("联查事项（仅已公布事项）"), required=False,
        queryset=InspectionMatter.objects.filter(status=InspectionMatter.Status.PUBLISHED).select_related("agency")
        .order_by("agency__code", "code"), widget=forms.SelectMultiple(attrs={"size": 12}))

    def __init__(self, *args, editing=False, lead_agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["industry"].disabled = True
            self.fields["industry"].required = False
        if lead_agencies is not None:
            self.fields["lead_agency"].queryset = lead_agencies

    def service_fields(self) -> dict:
        d = self.cleaned_data
        return {"title": d["title"] or None, "lead_agency": d["lead_agency"],
                "member_agencies": list(d["member_agencies"]), "matters": list(d["matters"])}
