"""HTML forms of the plans pages: enterprises, pools, caps and plans; drafting an inspection by the
user's own agency (joint inspections are formed by merging with other agencies' drafts); 邀约. They only
shape input; the services decide."""
from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matters.models import Industry, InspectionMatter, JointMatterList
from matters.selectors import matters_for_enterprise
from subjects.forms import BootstrapMixin, DateInput
from subjects.models import Agency, Inspector
from subjects.validators import uscc_normalise

from .exceptions import InspectorCertificateInvalid
from .models import AnnualPlan, Enterprise, Inspection, Invitation, Pool, Town
from .selectors.enterprises import enterprise_pick_list
from .services.caps import FREQUENCY_FIELDS, FREQUENCY_INT_FIELDS


class EnterpriseForm(BootstrapMixin, forms.Form):
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=64)
    name = forms.CharField(label=_("企业名称"), max_length=200)
    town = forms.ChoiceField(label=_("镇（街道）"), choices=Town.choices)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    industry = forms.ModelChoiceField(label=_("行业"), queryset=Industry.objects.order_by("code"), required=False,
                                      to_field_name="code")
    size = forms.ChoiceField(label=_("规模"), choices=Enterprise.Size.choices, initial=Enterprise.Size.SMALL)
    credit_class = forms.ChoiceField(label=_("信用风险分类"), choices=Enterprise.CreditClass.choices, initial="B")
    joins_joint = forms.BooleanField(label=_("愿意参加联合检查"), required=False, initial=True)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    is_active = forms.BooleanField(label=_("存续"), required=False, initial=True)
    accept_checksum_warning = forms.BooleanField(
        label=_("确认校验位异常（仅司法局审核员）"), required=False,
        help_text=_("部分早期赋码的代码不符合校验规则；核实无误后勾选，系统将记录您的确认。"))
    reason = forms.CharField(label=_("修改原因"), max_length=500, required=False)

    def __init__(self, *args, editing=False, reviewer=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["uscc"].disabled = True
            del self.fields["accept_checksum_warning"]
        else:
            del self.fields["reason"]
            if not reviewer:
                del self.fields["accept_checksum_warning"]

    def clean_uscc(self):
        return uscc_normalise(self.cleaned_data["uscc"])


class PoolMoveForm(BootstrapMixin, forms.Form):
    pool = forms.ChoiceField(label=_("调入对象库"), choices=Pool.choices)
    reason = forms.CharField(label=_("调整原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class CapPolicyForm(BootstrapMixin, forms.Form):
    """One field per pool cap and one per frequency rule, labelled as in the models."""

    reason = forms.CharField(label=_("修改原因"), max_length=500, required=False)

    def __init__(self, *args, caps=(), frequency=None, **kwargs):
        super().__init__(*args, **kwargs)
        for policy in caps:
            self.fields[f"cap_{policy.pool}"] = forms.IntegerField(
                label=_("%(pool)s 年度现场检查上限（次）") % {"pool": policy.get_pool_display()}, min_value=0,
                max_value=1000, initial=policy.yearly_onsite_cap)
        from .models import FrequencyPolicy

        for name in FREQUENCY_FIELDS:
            label = FrequencyPolicy._meta.get_field(name).verbose_name
            if name in FREQUENCY_INT_FIELDS:
                field = forms.IntegerField(label=label, min_value=0, max_value=1000)
            else:
                field = forms.BooleanField(label=label, required=False)
            field.initial = getattr(frequency, name) if frequency else None
            self.fields[name] = field
        self.fields["reason"] = self.fields.pop("reason")
        # BootstrapMixin styled only the fields declared on the class; style the ones added here.
        for field in self.fields.values():
            w = field.widget
            w.attrs.setdefault("class", "form-check-input" if isinstance(w, forms.CheckboxInput) else "form-control")

    def caps_data(self):
        return {k[4:]: v for k, v in self.cleaned_data.items() if k.startswith("cap_")}

    def frequency_data(self):
        return {k: self.cleaned_data[k] for k in FREQUENCY_FIELDS}


class IndustryInput(forms.TextInput):
    """A text box with the industries as its `<datalist>`: the browser filters them as the user types
    (name or code); without a list it is a plain box for a code or a name."""

    template_name = "plans/widgets/industry_input.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["options"] = [f"{code} {name}" for code, name in
                                        Industry.objects.order_by("code").values_list("code", "name")]
        context["widget"]["list_id"] = f"{context['widget']['attrs']['id']}-options"
        context["widget"]["attrs"]["list"] = context["widget"]["list_id"]
        context["widget"]["attrs"].setdefault("autocomplete", "off")
        return context


MONTHS = [(f"{m:02d}", _("%(m)s月") % {"m": m}) for m in range(1, 13)]


class AnnualPlanForm(BootstrapMixin, forms.Form):
    """A plan (issue 15, desk and phone): member agencies as checkboxes with a search box, months as a
    month picker that offers no past month unless asked (`show_past`), the industry typed and found in
    the list of GB/T 4754 industries."""

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("计划名称"), max_length=200)
    member_agencies = forms.ModelMultipleChoiceField(
        label=_("参与单位"), queryset=Agency.objects.filter(is_active=True).order_by("code"), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("联合检查一般为 2–3 个单位；可在上方输入单位名称查找。"))
    industry = forms.CharField(label=_("行业"), required=False, max_length=250, widget=IndustryInput,
                               help_text=_("输入行业名称或代码查找，如“餐饮”或“62”；可不填。"))
    joint_matter_list = forms.ModelChoiceField(label=_("联查事项清单"), required=False, empty_label=_("不使用"),
                                               queryset=JointMatterList.objects.filter(status="published"))
    months = forms.MultipleChoiceField(label=_("计划月份"), choices=MONTHS, widget=forms.CheckboxSelectMultiple,
                                       help_text=_("随机抽取的对象按顺序分配到所选各月。"))

    def __init__(self, *args, editing=False, show_past=False, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["year"].disabled = True
        today = today or timezone.localdate()
        self.fields["member_agencies"].widget.attrs["class"] = "form-check-input me-1"
        self.fields["months"].widget.attrs["class"] = "form-check-input me-1"
        try:
            year = int(self.data.get("year") if self.is_bound and not editing else self.initial.get("year"))
        except (TypeError, ValueError):
            year = today.year
        chosen = {str(m)[-2:] for m in (self.data.getlist("months") if self.is_bound else self.initial.get("months")
                                        or [])}
        # Past months are not offered unless asked for, or already chosen (an older plan being edited):
        # they stay in the page, hidden, so a change of year shows them again (app.js).
        first = 1 if show_past or year > today.year else (today.month if year == today.year else 13)
        self.hidden_past = min(first - 1, 12)
        self.past_months = {v for v, _label in MONTHS if int(v) < first and v not in chosen}
        self.today = today
        self.plan_year = year

    @staticmethod
    def months_initial(months) -> list[str]:
        """"YYYY-MM" months as the picker's values."""
        return [m[-2:] for m in months or []]

    def clean_industry(self):
        text = " ".join(self.cleaned_data["industry"].split())
        if not text:
            return None
        code = text.split(" ", 1)[0]
        found = Industry.objects.filter(code=code).first() or Industry.objects.filter(name=text).first() or \
            Industry.objects.filter(key_label=text).first()
        if found is None:
            raise forms.ValidationError(_("没有找到该行业：请输入行业代码或从列表中选择。"))
        return found

    def clean(self):
        data = super().clean()
        year = data.get("year") or self.plan_year
        if "months" in data:
            data["months"] = sorted({f"{year}-{m}" for m in data["months"]})
        return data


class PlanDrawForm(BootstrapMixin, forms.Form):
    count = forms.IntegerField(label=_("抽取数量（家）"), min_value=1, required=False)
    percent = forms.FloatField(label=_("或抽取比例（%）"), min_value=0.01, max_value=100, required=False)
    stratify_by_credit = forms.BooleanField(label=_("按信用风险分类分层（按比例分配）"), required=False)
    seed = forms.CharField(label=_("随机种子（选填）"), max_length=64, required=False,
                           help_text=_("留空由系统生成；种子会被记录，用同一种子可复现本次抽取结果。"))

    def clean(self):
        data = super().clean()
        if (data.get("count") is None) == (data.get("percent") is None):
            raise forms.ValidationError(_("请填写抽取数量或抽取比例（二选一）。"))
        return data


class PlanTargetsForm(BootstrapMixin, forms.Form):
    usccs = forms.CharField(label=_("按统一社会信用代码添加"), widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("每行一个，或以逗号、空格分隔。"))

    def clean_usccs(self):
        import re

        return [uscc_normalise(u) for u in re.split(r"[\s,，、]+", self.cleaned_data["usccs"]) if uscc_normalise(u)]


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class EnterpriseImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
    accept_checksum_warning = forms.BooleanField(
        label=_("确认导入校验位异常的代码（仅司法局审核员）"), required=False)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format or "%Y-%m-%dT%H:%M")


class SearchInput(forms.TextInput):
    input_type = "search"


class InspectorChoices(forms.CheckboxSelectMultiple):
    """The inspectors as checkboxes; one who cannot take part on the day is shown disabled with the
    reason (`unavailable` = {pk: reason}), a helper with a note that he does not count (issue 15)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unavailable, self.notes = {}, {}

    def __deepcopy__(self, memo):
        # Each form gets its own marks: Widget.__deepcopy__ is shallow, and a shared dict would carry
        # one request's disabled inspectors into the next.
        obj = super().__deepcopy__(memo)
        obj.unavailable, obj.notes = {}, {}
        return obj

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        pk = getattr(value, "value", value)
        if pk in self.unavailable:
            option["attrs"]["disabled"] = True
            option["label"] = f"{label}：{self.unavailable[pk]}"
        elif pk in self.notes:
            option["label"] = f"{label}（{self.notes[pk]}）"
        return option


class MatterChoices(forms.CheckboxSelectMultiple):
    """Matters as checkboxes, those of the industry's 联查事项清单 first and marked (issue 15)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        if getattr(getattr(value, "instance", None), "in_joint_list", False):
            option["label"] = f"{label}（联查事项清单）"
        return option


class InspectionForm(BootstrapMixin, forms.Form):
    """The draft of an inspection by the user's own agency (issue 15, "New inspection"). The enterprise
    is typed (part of its name, its pinyin initials or its 统一社会信用代码) and, when several match,
    picked from the list (`enterprise_pick`, also the plan's targets); fields belong to a kind
    (`KIND_FIELDS`); inspectors who cannot take part on the day are disabled with the reason; matters
    are those for the enterprise's industry, the joint list's first. Works as a plain form; htmx only
    refreshes the parts that depend on what was chosen."""

    #: The fields that belong to one kind of inspection only (the page shows them for that kind).
    KIND_FIELDS = {"plan": "planned", "special_plan": "special", "special_approval_ref": "special",
                   "trigger_source": "triggered", "trigger_reference": "triggered", "trigger_reason": "triggered"}

    enterprise = forms.CharField(label=_("查找企业"), max_length=200, widget=SearchInput(attrs={"autocomplete": "off"}),
                                 help_text=_("输入企业名称的一部分、拼音首字母（如 whjj）或统一社会信用代码"))
    kind = forms.ChoiceField(label=_("检查类型"), choices=Inspection.Kind.choices)
    mode = forms.ChoiceField(label=_("检查方式"), choices=Inspection.Mode.choices)
    date = forms.DateField(label=_("计划检查日期"), widget=DateInput)
    plan = forms.ModelChoiceField(label=_("依据的年度检查计划"), required=False, queryset=AnnualPlan.objects.none(),
                                  empty_label=_("请选择"))
    special_plan = forms.ModelChoiceField(label=_("依据的专项检查计划"), required=False,
                                          queryset=AnnualPlan.objects.none(), empty_label=_("请选择"))
    trigger_source = forms.ChoiceField(label=_("触发来源"), required=False,
                                       choices=[("", _("请选择"))] + list(Inspection.TriggerSource.choices))
    trigger_reference = forms.CharField(label=_("来源编号（如12345工单号）"), required=False, max_length=100)
    trigger_reason = forms.CharField(label=_("触发原因"), required=False, max_length=2000,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    special_approval_ref = forms.CharField(label=_("专项检查审批文号"), required=False, max_length=100)
    inspectors = forms.ModelMultipleChoiceField(label=_("本单位执法人员（至少两名持证人员）"),
                                                queryset=Inspector.objects.none(), widget=InspectorChoices)
    matters = forms.ModelMultipleChoiceField(label=_("检查事项"), queryset=InspectionMatter.objects.none(),
                                             widget=MatterChoices)
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
        self.candidates = []  # enterprises matching the typed text, to pick from
        self.enterprise_obj = self._enterprise_from_input()
        self.on_date = self._date_from_input()
        kind = self._value("kind")
        if agency is not None:
            people = list(Inspector.objects.filter(agency=agency, is_active=True).select_related(
                "certificate").order_by("name", "id"))
            self.fields["inspectors"].queryset = Inspector.objects.filter(pk__in=[i.pk for i in people]).select_related(
                "certificate").order_by("name", "id")
            self._mark_inspectors(people)
            keep = [v for v in self._values("matters") if str(v).isdigit()]
            self.fields["matters"].queryset = matters_for_enterprise(
                agency=agency, industry=getattr(self.enterprise_obj, "industry", None), keep=keep)
            plans = AnnualPlan.objects.filter(
                Q(lead_agency=agency) | Q(member_agencies=agency),
                status__in=[AnnualPlan.Status.FILED, AnnualPlan.Status.PUBLISHED],
                year__gte=timezone.localdate().year - 1).distinct().order_by("-year", "id")
            self.fields["plan"].queryset = plans.filter(kind=AnnualPlan.Kind.ANNUAL)
            self.fields["special_plan"].queryset = plans.filter(kind=AnnualPlan.Kind.SPECIAL)
        self.plan_obj = self._plan_from_input(kind)
        self.plan_targets = (list(self.plan_obj.enterprises.filter(is_active=True).order_by("name")[:200])
                             if self.plan_obj is not None else [])
        for name in ("inspectors", "matters"):
            self.fields[name].widget.attrs["class"] = "form-check-input me-1"
        self.fields["kind"].widget.attrs["data-kind-switch"] = ""
        # htmx: the matches as the user types (the plain form resolves the text when it is submitted).
        self.fields["enterprise"].widget.attrs.update({
            "hx-get": reverse("plans:inspection_enterprise_search"), "hx-trigger": "input changed delay:300ms, search",
            "hx-target": "#enterprise-results", "hx-swap": "innerHTML", "hx-sync": "this:replace"})
        self.fields["inspectors"].label_from_instance = lambda i: i.name + (
            "" if i.is_helper else f"（{getattr(getattr(i, 'certificate', None), 'number', '') or '无证'}）")

    # --- reading what was typed, before validation (it decides the choices) ---------------------------
    def _value(self, name):
        if self.is_bound:
            return self.data.get(self.add_prefix(name), "")
        value = self.initial.get(name, self.fields[name].initial)
        return value if value is not None else ""

    def _values(self, name):
        if self.is_bound:
            return self.data.getlist(self.add_prefix(name)) if hasattr(self.data, "getlist") else []
        return self.initial.get(name) or []

    def _enterprise_from_input(self):
        """The enterprise chosen (a picked radio, an exact code, or the only match of the typed text);
        `candidates` = the matches of the typed text to pick from."""
        # A disabled field (the edit page) is not submitted: its initial value stands.
        text = str(self._value("enterprise") or self.initial.get("enterprise") or "")
        with_industry = Enterprise.objects.select_related("industry")
        exact = with_industry.filter(uscc=uscc_normalise(text)).first() if text else None
        if exact is None:
            self.candidates = enterprise_pick_list(text)
        pick = uscc_normalise(self._value("enterprise_pick")) if self.is_bound else ""
        picked = with_industry.filter(uscc=pick).first() if pick else None
        if picked is not None:
            return picked
        if exact is not None:
            return exact
        return self.candidates[0] if len(self.candidates) == 1 else None

    def _date_from_input(self):
        try:
            return self.fields["date"].clean(self._value("date")) or timezone.localdate()
        except forms.ValidationError:
            return timezone.localdate()

    def _plan_from_input(self, kind):
        name = {"planned": "plan", "special": "special_plan"}.get(kind)
        value = str(self._value(name) or "") if name else ""
        if not value.isdigit():
            return None
        return self.fields[name].queryset.filter(pk=value).first()

    def _mark_inspectors(self, people):
        widget = self.fields["inspectors"].widget
        for i in people:
            cert = getattr(i, "certificate", None) if hasattr(i, "certificate") else None
            if i.is_helper:
                widget.notes[i.pk] = _("辅助人员，不计入两名持证人员")
            elif cert is None or not cert.is_valid_on(self.on_date):
                state = cert.state_on(self.on_date) if cert else "missing"
                widget.unavailable[i.pk] = _("%(day)s %(why)s") % {
                    "day": f"{self.on_date:%Y-%m-%d}", "why": InspectorCertificateInvalid.STATES.get(state, state)}

    # --- validation -------------------------------------------------------------------------------------
    def clean_enterprise(self):
        if self.enterprise_obj is not None:
            return self.enterprise_obj
        if self.candidates:
            raise forms.ValidationError(_("找到%(n)s家企业，请在下方选择一家。") % {"n": len(self.candidates)})
        raise forms.ValidationError(_("未找到该检查对象：请输入企业名称、拼音首字母或统一社会信用代码。"))

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        # A field of another kind is not part of this inspection: whatever it holds is no error.
        for name, its_kind in self.KIND_FIELDS.items():
            if kind and its_kind != kind and name in self._errors:
                del self._errors[name]
                data[name] = None if name in ("plan", "special_plan") else ""
        if kind == Inspection.Kind.SPECIAL:
            data["plan"] = data.get("special_plan")
        elif kind != Inspection.Kind.PLANNED:
            data["plan"] = None
        return data

    def kind_of(self, name) -> str:
        """The kind a field belongs to ('' = every kind), for the page to show it with that kind."""
        return self.KIND_FIELDS.get(name, "")

    @staticmethod
    def initial_for(inspection: Inspection, agency) -> dict:
        """The form's values for editing `inspection` as `agency` (its own participation only)."""
        own = next((p for p in inspection.participations.all() if p.agency_id == agency.pk), None)
        notified = timezone.localtime(inspection.notified_at) if inspection.notified_at else None
        return {
            "enterprise": inspection.enterprise.uscc, "kind": inspection.kind, "mode": inspection.mode,
            "date": inspection.date,
            "plan": inspection.plan_id if inspection.kind == Inspection.Kind.PLANNED else None,
            "special_plan": inspection.plan_id if inspection.kind == Inspection.Kind.SPECIAL else None,
            "trigger_source": inspection.trigger_source,
            "trigger_reference": inspection.trigger_reference, "trigger_reason": inspection.trigger_reason,
            "special_approval_ref": inspection.special_approval_ref,
            "inspectors": [i.pk for i in own.inspectors.all()] if own else [],
            "matters": [m.pk for m in own.matters.all()] if own else [],
            "notified_at": notified, "notice_method": inspection.notice_method,
            "notice_content": inspection.notice_content, "notice_exempt_reason": inspection.notice_exempt_reason,
            "onsite_justification": inspection.onsite_justification}

    def update_kwargs(self, agency, inspection: Inspection) -> dict:
        """`inspection_update` arguments: the form replaces `agency`'s participation, others stay."""
        kwargs = self.service_kwargs(agency)
        kwargs.pop("enterprise")
        own = kwargs.pop("participations")[0]
        kwargs["participations"] = [
            own if p.agency_id == agency.pk else
            {"agency": p.agency, "inspectors": list(p.inspectors.all()), "matters": list(p.matters.all())}
            for p in inspection.participations.select_related("agency")]
        return kwargs

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


class InvitationForm(BootstrapMixin, forms.Form):
    enterprise = forms.CharField(label=_("企业（统一社会信用代码）"), max_length=64)
    activity = forms.ChoiceField(label=_("活动类型"), choices=Invitation.Activity.choices)
    date = forms.DateField(label=_("日期"), widget=DateInput)
    purpose = forms.CharField(label=_("事由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("如：食品安全政策宣讲、产业发展调研、安全生产培训"))
    invited_by_enterprise = forms.BooleanField(label=_("企业主动邀约"), required=False,
                                               help_text=_("企业主动提出的，登记后即视为企业已同意"))

    def clean_enterprise(self):
        value = uscc_normalise(self.cleaned_data["enterprise"])
        ent = Enterprise.objects.filter(uscc=value).first()
        if ent is None:
            raise forms.ValidationError(_("未找到该统一社会信用代码对应的企业。"))
        return ent


class InvitationReasonForm(forms.Form):
    reason = forms.CharField(required=False, max_length=2000)


class PublicInvitationForm(BootstrapMixin, forms.Form):
    uscc = forms.CharField(label=_("本企业统一社会信用代码"), max_length=64,
                           help_text=_("用于确认您是受邀企业。"))
    answer = forms.ChoiceField(label=_("答复"), widget=forms.RadioSelect,
                               choices=[("accept", _("同意")), ("decline", _("不同意"))])
    reason = forms.CharField(label=_("说明（可选）"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].widget.attrs["class"] = "me-1"
