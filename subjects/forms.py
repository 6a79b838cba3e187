"""HTML forms. They only shape input; the services decide what is allowed."""
from django import forms
from django.utils.translation import gettext_lazy as _

from jiujiang_inspect import roles
from jiujiang_inspect.models import ApiToken
from jiujiang_inspect.outbox import EVENTS, event_label

from .models import Agency, Certificate, Inspector, User
from .validators import id_number_error, id_number_normalise


class BootstrapMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one `<input type=file multiple>` (photos taken with the phone's camera among
    them: `capture` in the widget's attrs). Cleans to a list; the services check each file's content
    (`jiujiang_inspect.uploads.upload_check`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else ([] if not self.required else super().clean(data))


class DateInput(forms.DateInput):
    """`<input type=date>` accepts only YYYY-MM-DD as its value, whatever the locale's display format."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs=attrs, format=format)


class AgencyForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["code", "name", "short_name", "doc_abbreviation", "kind", "entrusting_agency", "uscc", "power_basis",
                  "is_town", "is_active"]
        widgets = {"power_basis": forms.Textarea(attrs={"rows": 3})}

    def validate_unique(self):
        # Uniqueness is the service's rule; it answers with a field error.
        pass


class InspectorForm(BootstrapMixin, forms.Form):
    agency = forms.ModelChoiceField(label=_("所属单位"), queryset=Agency.objects.filter(is_active=True))
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=64, required=False,
                                help_text=_("18位，仅用于身份核验，页面和接口只显示脱敏号码。"))
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    position = forms.CharField(label=_("职务"), max_length=50, required=False)
    is_helper = forms.BooleanField(label=_("辅助人员（不计入两人执法）"), required=False)
    certificate_number = forms.CharField(label=_("执法证件号"), max_length=40, required=False)
    certificate_issuer = forms.CharField(label=_("发证机关"), max_length=100, required=False)
    certificate_field = forms.CharField(label=_("执法领域"), max_length=100, required=False)
    certificate_valid_from = forms.DateField(label=_("证件有效期起"), required=False, widget=DateInput)
    certificate_valid_until = forms.DateField(label=_("证件有效期至"), required=False, widget=DateInput)

    def __init__(self, *args, agencies=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies
        if editing:
            self.fields["id_number"].help_text = _("留空表示不修改。")

    def clean_id_number(self):
        value = id_number_normalise(self.cleaned_data["id_number"])
        if value:
            err = id_number_error(value)
            if err:
                raise forms.ValidationError(err)
        return value

    def clean(self):
        data = super().clean()
        if data.get("certificate_number") and not (data.get("certificate_valid_from")
                                                    and data.get("certificate_valid_until")):
            raise forms.ValidationError(_("登记执法证件时请填写有效期起止日期。"))
        return data

    def certificate_data(self):
        d = self.cleaned_data
        if not d.get("certificate_number"):
            return None
        return {"number": d["certificate_number"], "issuer": d["certificate_issuer"], "field": d["certificate_field"],
                "valid_from": d["certificate_valid_from"], "valid_until": d["certificate_valid_until"]}

    def inspector_data(self):
        d = self.cleaned_data
        return {k: d[k] for k in ("agency", "name", "phone", "position", "is_helper")} | (
            {"id_number": d["id_number"]} if d["id_number"] else {})


class CertificateStatusForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("证件状态"), choices=Certificate.Status.choices)
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)


class UploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))


class UserForm(BootstrapMixin, forms.ModelForm):
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput, required=False,
                               help_text=_("新建账号必填；编辑时留空表示不修改。至少8位，不能全是数字。"))

    class Meta:
        model = User
        fields = ["username", "display_name", "role", "agency", "inspector", "is_active"]

    def __init__(self, *args, by=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [c for c in User.Role.choices if c[0] != "platform"]
        if self.instance.pk:
            self.fields["username"].disabled = True
        if by is not None and not roles.is_reviewer(by):
            # An agency admin: its own inspectors' logins only (subjects.services.may_manage_account).
            self.fields["role"].choices = [c for c in User.Role.choices if c[0] == roles.INSPECTOR]
            self.fields["role"].initial = roles.INSPECTOR
            self.fields["agency"].queryset = Agency.objects.filter(pk=by.agency_id)
            self.fields["agency"].initial = by.agency_id
            self.fields["agency"].empty_label = None
            taken = User.objects.exclude(pk=self.instance.pk).filter(inspector__isnull=False).values("inspector_id")
            self.fields["inspector"].queryset = (Inspector.objects.filter(agency_id=by.agency_id, is_active=True)
                                                 .exclude(pk__in=taken).order_by("name"))
        self.fields["password"].help_text = _("新建账号必填；编辑时留空表示不修改。至少8位，不能全是数字。"
                                              "账号本人首次登录时须改为自己的密码。")

    def validate_unique(self):
        pass


class PlatformTokenForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="客户端名称", max_length=60, help_text="例如：智慧督")
    scopes = forms.MultipleChoiceField(label="权限范围", choices=ApiToken.Scope.choices,
                                       widget=forms.CheckboxSelectMultiple, initial=["read"])
    days = forms.IntegerField(label="有效天数", min_value=1, max_value=730, initial=365)


class WebhookSubscriptionForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="接收方名称", max_length=200, help_text="例如：智慧督")
    url = forms.URLField(label="接收地址", max_length=500, assume_scheme="https", help_text="以 https:// 开头的地址，接收 POST 的 JSON")
    events = forms.MultipleChoiceField(label="订阅事件", choices=[("*", "全部事件（*）")] + [
                                           (e, f"{event_label(e)}（{e}）") for e in EVENTS],
                                       widget=forms.CheckboxSelectMultiple, initial=["*"])
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
