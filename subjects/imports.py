"""Excel import and export of inspectors (all-or-nothing, per-row error report). A row with a 登录账号
also creates that inspector's login (issue 15 "Accounts"), its initial password sent by SMS."""
import re

from django.db import transaction
from django.utils.translation import gettext as _

from jiujiang_inspect.audit import audit_record
from jiujiang_inspect.excel import (
    CODE,
    DATE,
    IDENTIFIER,
    RowErrors,
    SheetSpec,
    check_xlsx_upload,
    import_result,
    provided,
    read_sheet,
)
from jiujiang_inspect.exceptions import ApplicationError, ValidationFailed
from jiujiang_inspect.identifiers import CodeIndex
from jiujiang_inspect.jobs import job_progress

from . import services
from .models import Agency, Certificate, Inspector, User
from .validators import id_number_error

HEADERS = {
    "单位代码": "agency", "姓名": "name", "身份证号": "id_number", "手机号（选填）": "phone",
    "职务（选填）": "position", "辅助人员（是/否）（选填）": "is_helper", "执法证件号（选填）": "certificate_number",
    "发证机关（选填）": "certificate_issuer", "执法领域（选填）": "certificate_field",
    "证件有效期起（选填）": "certificate_valid_from", "证件有效期至（选填）": "certificate_valid_until",
    "登录账号（选填）": "username",
}
# Header texts agencies' own rosters use (compared after jiujiang_inspect.excel.normalize_header).
ALIASES = {
    "单位编码": "agency", "所属单位代码": "agency", "执法人员姓名": "name", "身份证号码": "id_number",
    "公民身份号码": "id_number", "手机号码": "phone", "联系电话": "phone", "手机": "phone", "职务职级": "position",
    "是否辅助人员": "is_helper", "执法证号": "certificate_number", "执法证件号码": "certificate_number",
    "执法证编号": "certificate_number", "发证单位": "certificate_issuer", "执法类别": "certificate_field",
    "有效期起": "certificate_valid_from", "有效期自": "certificate_valid_from", "有效期至": "certificate_valid_until",
    "有效期止": "certificate_valid_until", "证件有效期止": "certificate_valid_until",
    "登录账号": "username", "用户名": "username", "系统账号": "username",
}
SPEC = SheetSpec(headers=HEADERS, aliases=ALIASES, kinds={
    "agency": CODE, "id_number": IDENTIFIER, "certificate_number": CODE, "certificate_valid_from": DATE,
    "certificate_valid_until": DATE})
TEMPLATE_EXAMPLE = ["SCJG", "张三", "340207198805124538", "13900000000", "科员", "否", "340207-2025-0001",
                    "芜湖市人民政府", "市场监管", "2025-01-01", "2030-12-31", "zhangsan"]
USERNAME = re.compile(r"^[A-Za-z0-9_.@+-]{3,150}$")
EXPORT_HEADERS = ["单位代码", "单位名称", "姓名", "身份证号（脱敏）", "职务", "辅助人员", "执法证件号", "发证机关",
                  "执法领域", "证件有效期起", "证件有效期至", "证件状态"]
CERT_KEYS = {"certificate_number": "number", "certificate_issuer": "issuer", "certificate_field": "field",
             "certificate_valid_from": "valid_from", "certificate_valid_until": "valid_until"}
HELPER_WORDS = {"是": True, "Y": True, "1": True, "TRUE": True, "否": False, "N": False, "0": False, "FALSE": False}


def _check_row(n, row, *, by, agencies, errors):
    """Row-level rules of pass 1; returns (agency, id_number, is_helper or None, certificate fields given)."""
    agency = agencies.get(row.get("agency") or "")
    if row.get("agency") is None:
        pass  # refused by the reader (numeric cell)
    elif agency is None:
        errors.add(n, "单位代码", _("单位代码不存在。"))
    elif not (by.is_superuser or by.role == "reviewer" or by.agency_id == agency.pk):
        errors.add(n, "单位代码", _("只能导入本单位的执法人员。"))
    name = str(row.get("name", ""))
    if not name:
        errors.add(n, "姓名", _("姓名不能为空。"))
    elif len(name) > 50:
        errors.add(n, "姓名", _("姓名不能超过50个字符。"))
    idn = row.get("id_number")
    if idn is not None:
        err = id_number_error(idn)
        if err:
            errors.add(n, "身份证号", err)
    helper = None
    if "is_helper" in row and str(row["is_helper"]).strip():
        helper = HELPER_WORDS.get(str(row["is_helper"]).strip().upper())
        if helper is None:
            errors.add(n, "辅助人员", _("请填写“是”或“否”。"))
    cert = provided(row, CERT_KEYS)
    if cert.get("certificate_valid_from") and cert.get("certificate_valid_until") and (
            cert["certificate_valid_until"] < cert["certificate_valid_from"]):
        errors.add(n, "证件有效期至", _("有效期至不能早于有效期起。"))
    return agency, idn or "", helper, {CERT_KEYS[k]: (str(v) if k in ("certificate_issuer", "certificate_field")
                                                        else v) for k, v in cert.items()}


def inspectors_import(*, job=None, fileobj, by: User | None = None):
    """Import inspectors from an xlsx. Validates every row first; writes nothing if any row fails.
    Re-importing updates rows in place (idempotent by 身份证号), following the shared update rule
    (jiujiang_inspect.excel.provided): only columns present in the file, and only non-empty cells, change
    a stored inspector, so a certificate-renewal sheet without 手机号 or 职务 keeps them."""
    by = by or job.created_by
    check_xlsx_upload(fileobj)
    errors = RowErrors()
    rows = []
    agencies = CodeIndex(Agency.objects.all())
    seen_ids, seen_certs, seen_usernames = {}, {}, {}
    reader = read_sheet(fileobj, SPEC, errors)
    for n, row in reader:
        agency, idn, helper, cert = _check_row(n, row, by=by, agencies=agencies, errors=errors)
        if idn and idn in seen_ids:
            errors.add(n, "身份证号", _("与第%(row)d行重复。") % {"row": seen_ids[idn]})
        seen_ids.setdefault(idn, n)
        if cert.get("number"):
            if cert["number"] in seen_certs:
                errors.add(n, "执法证件号", _("与第%(row)d行重复。") % {"row": seen_certs[cert["number"]]})
            seen_certs.setdefault(cert["number"], n)
        username = str(row.get("username") or "").strip()
        if username:
            if not USERNAME.match(username):
                errors.add(n, "登录账号", _("登录账号只能由3至150位字母、数字和 _ . @ + - 组成。"))
            elif username.lower() in seen_usernames:
                errors.add(n, "登录账号", _("与第%(row)d行重复。") % {"row": seen_usernames[username.lower()]})
            if not str(row.get("phone") or "").strip():
                errors.add(n, "手机号", _("创建登录账号须填写手机号：初始密码以短信发送给本人。"))
            seen_usernames.setdefault(username.lower(), n)
        rows.append((n, agency, row, idn, helper, cert))
        if job is not None and len(rows) % 200 == 0:
            job_progress(job, done=len(rows), total=max(job.total, len(rows)))
    if not rows and not errors:
        raise ValidationFailed(_("文件中没有数据行。"), detail={"rows": []})
    by_id = {i.id_number: i for i in Inspector.objects.filter(id_number__in=seen_ids).select_related(
        "agency", "certificate")}
    # Certificate numbers held by other people already in the database.
    existing = dict(Certificate.objects.filter(number__in=seen_certs).values_list("number", "inspector__id_number"))
    for n, _agency, _row, idn, helper, cert in rows:
        if cert.get("number") in existing and existing[cert["number"]] != idn:
            errors.add(n, "执法证件号", _("该证件号已登记为其他人员。"))
        current = by_id.get(idn)
        current_cert = getattr(current, "certificate", None) if current is not None and hasattr(
            current, "certificate") else None
        if current_cert is None and cert and not cert.get("number"):
            errors.add(n, "执法证件号", _("填写证件信息时须同时填写执法证件号。"))
        elif current_cert is None and cert.get("number") and not (cert.get("valid_from") and cert.get("valid_until")):
            errors.add(n, "证件有效期", _("登记新证件时请填写证件有效期起止日期，如 2025-01-31。"))
        elif current is None and not helper and not cert.get("number"):
            errors.add(n, "执法证件号", _("非辅助人员必须填写执法证件号。"))
    _check_logins(rows, by_id, errors)
    if errors:
        raise ValidationFailed(_("共 %(n)d 处错误，未导入任何数据。") % {"n": len(errors.errors)},
                               detail={"rows": errors.errors})
    created = updated = logins = 0
    with transaction.atomic():
        for i, (n, agency, row, idn, helper, cert) in enumerate(rows, start=1):
            fields = {"agency": agency, "name": str(row["name"]), **{k: str(v) for k, v in provided(
                row, ("phone", "position")).items()}, **({"is_helper": helper} if helper is not None else {})}
            try:
                current = by_id.get(idn)
                if current is None:
                    current = services.inspector_create(by=by, id_number=idn, certificate=cert or None,
                                                        **{"is_helper": False, **fields})
                    created += 1
                else:
                    current_cert = getattr(current, "certificate", None) if hasattr(current, "certificate") else None
                    unchanged = all(getattr(current, k) == v for k, v in fields.items()) and (
                        not cert or (current_cert is not None and all(
                            getattr(current_cert, k) == v for k, v in cert.items())))
                    if not unchanged:
                        services.inspector_update(inspector=current, by=by, certificate=cert or None,
                                                  reason="Excel导入", **fields)
                        updated += 1
                username = str(row.get("username") or "").strip()
                if username and not User.objects.filter(inspector=current).exists():
                    services.user_create_with_sms(by=by, username=username, inspector=current)
                    logins += 1
            except ApplicationError as exc:
                # A rule the pre-check could not see: roll back everything and report the row.
                msgs = [f"{k}：{'；'.join(v)}" for k, v in (exc.detail or {}).items()] or [exc.message]
                raise ValidationFailed(_("第%(row)d行：%(msg)s，未导入任何数据。") % {"row": n, "msg": msgs[0]},
                                       detail={"rows": [{"row": n, "field": "", "message": m} for m in msgs]})
            if job is not None:
                job_progress(job, done=i, total=len(rows))
        audit_record(actor=by, action="inspector.imported", changes={"created": created, "updated": updated,
                                                                     "rows": len(rows), "accounts": logins})
    message = _("导入完成：新增 %(c)d 人，更新 %(u)d 人，未变 %(s)d 人。") % {
        "c": created, "u": updated, "s": len(rows) - created - updated}
    if logins:
        message += _("新建登录账号 %(n)d 个，初始密码已短信发送本人，首次登录须修改密码。") % {"n": logins}
    return import_result(reader, {"created": created, "updated": updated, "rows": len(rows), "accounts": logins},
                         message)


def _check_logins(rows, by_id, errors):
    """Pass 2 of the 登录账号 column: a username another person's login holds is refused; an inspector who
    already has a login keeps it (a different username for them is an error, the same one is nothing)."""
    wanted = {str(r[2].get("username") or "").strip().lower(): r for r in rows if str(r[2].get("username") or "").strip()}
    if not wanted:
        return
    taken = {u.username.lower(): u for u in User.objects.filter(username__in=[r[2]["username"].strip() for r in wanted.values()])}
    has_login = {u.inspector_id: u.username for u in User.objects.filter(
        inspector__in=[i for i in by_id.values()]).exclude(inspector=None)}
    for name, (n, _agency, _row, idn, _helper, _cert) in wanted.items():
        current = by_id.get(idn)
        existing = has_login.get(current.pk) if current is not None else None
        if existing is not None:
            if existing.lower() != name:
                errors.add(n, "登录账号", _("该执法人员已有登录账号“%(u)s”。") % {"u": existing})
        elif name in taken:
            errors.add(n, "登录账号", _("登录账号已被使用。"))


def inspector_export_rows(qs):
    for i in qs.select_related("agency", "certificate").iterator(chunk_size=500):
        cert = getattr(i, "certificate", None) if hasattr(i, "certificate") else None
        yield [i.agency.code, i.agency.name, i.name, i.id_number_masked, i.position, "是" if i.is_helper else "否",
               cert.number if cert else "", cert.issuer if cert else "", cert.field if cert else "",
               cert.valid_from if cert else None, cert.valid_until if cert else None,
               cert.state_label if cert else ""]
