"""Excel import and export of inspectors (all-or-nothing, per-row error report)."""
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from jiujiang_inspect.audit import audit_record
from jiujiang_inspect.excel import RowErrors, check_xlsx_upload, iter_rows
from jiujiang_inspect.exceptions import ApplicationError, ValidationFailed
from jiujiang_inspect.jobs import job_progress

from . import services
from .models import Agency, Certificate, Inspector, User
from .validators import id_number_error

HEADERS = {
    "单位代码": "agency", "姓名": "name", "身份证号": "id_number", "手机号（选填）": "phone",
    "职务（选填）": "position", "辅助人员（是/否）（选填）": "is_helper", "执法证件号（选填）": "certificate_number",
    "发证机关（选填）": "certificate_issuer", "执法领域（选填）": "certificate_field",
    "证件有效期起（选填）": "certificate_valid_from", "证件有效期至（选填）": "certificate_valid_until",
}
EXPORT_HEADERS = ["单位代码", "单位名称", "姓名", "身份证号（脱敏）", "职务", "辅助人员", "执法证件号", "发证机关",
                  "执法领域", "证件有效期起", "证件有效期至", "证件状态"]


def _as_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not value:
        return None
    try:
        return date.fromisoformat(str(value).replace("/", "-").replace(".", "-"))
    except ValueError:
        return "bad"


def inspectors_import(*, job=None, fileobj, by: User | None = None):
    """Import inspectors from an xlsx. Validates every row first; writes nothing if any row fails.
    Re-importing the same file updates rows in place (idempotent by 身份证号)."""
    by = by or job.created_by
    check_xlsx_upload(fileobj)
    errors = RowErrors()
    rows = []
    agencies = {a.code: a for a in Agency.objects.all()}
    seen_ids, seen_certs = {}, {}
    for n, row in iter_rows(fileobj, header_map=HEADERS):
        agency = agencies.get(str(row.get("agency", "")))
        if agency is None:
            errors.add(n, "单位代码", _("单位代码不存在。"))
        elif not (by.is_superuser or by.role == "reviewer" or by.agency_id == agency.pk):
            errors.add(n, "单位代码", _("只能导入本单位的执法人员。"))
        if not row.get("name"):
            errors.add(n, "姓名", _("姓名不能为空。"))
        elif len(str(row["name"])) > 50:
            errors.add(n, "姓名", _("姓名不能超过50个字符。"))
        idn = str(row.get("id_number", "")).upper()
        err = id_number_error(idn)
        if err:
            errors.add(n, "身份证号", err)
        elif idn in seen_ids:
            errors.add(n, "身份证号", _("与第%(row)d行重复。") % {"row": seen_ids[idn]})
        seen_ids.setdefault(idn, n)
        helper = str(row.get("is_helper", "")).strip() in ("是", "Y", "y", "1", "TRUE", "True")
        cert = None
        if row.get("certificate_number"):
            vf, vu = _as_date(row.get("certificate_valid_from")), _as_date(row.get("certificate_valid_until"))
            if vf in (None, "bad") or vu in (None, "bad"):
                errors.add(n, "证件有效期", _("证件有效期起止日期应为 2025-01-31 格式。"))
            elif vu < vf:
                errors.add(n, "证件有效期至", _("有效期至不能早于有效期起。"))
            num = str(row["certificate_number"])
            if num in seen_certs:
                errors.add(n, "执法证件号", _("与第%(row)d行重复。") % {"row": seen_certs[num]})
            seen_certs.setdefault(num, n)
            cert = {"number": num, "issuer": str(row.get("certificate_issuer", "")),
                    "field": str(row.get("certificate_field", "")), "valid_from": vf, "valid_until": vu}
        elif not helper:
            errors.add(n, "执法证件号", _("非辅助人员必须填写执法证件号。"))
        rows.append((n, agency, row, idn, helper, cert))
        if job is not None and len(rows) % 200 == 0:
            job_progress(job, done=len(rows), total=max(job.total, len(rows)))
    if not rows and not errors:
        raise ValidationFailed(_("文件中没有数据行。"), detail={"rows": []})
    # Certificate numbers held by other people already in the database.
    existing = dict(Certificate.objects.filter(number__in=seen_certs).values_list("number", "inspector__id_number"))
    for n, _agency, _row, idn, _helper, cert in rows:
        if cert and cert["number"] in existing and existing[cert["number"]] != idn:
            errors.add(n, "执法证件号", _("该证件号已登记为其他人员。"))
    if errors:
        raise ValidationFailed(_("共 %(n)d 处错误，未导入任何数据。") % {"n": len(errors.errors)},
                               detail={"rows": errors.errors})
    created = updated = 0
    with transaction.atomic():
        by_id = {i.id_number: i for i in Inspector.objects.filter(id_number__in=seen_ids).select_related("certificate")}
        for i, (n, agency, row, idn, helper, cert) in enumerate(rows, start=1):
            fields = {"agency": agency, "name": str(row["name"]), "phone": str(row.get("phone", "")),
                      "position": str(row.get("position", "")), "is_helper": helper}
            try:
                current = by_id.get(idn)
                if current is None:
                    services.inspector_create(by=by, id_number=idn, certificate=cert, **fields)
                    created += 1
                else:
                    unchanged = all(getattr(current, k) == v for k, v in fields.items()) and (
                        cert is None or (hasattr(current, "certificate") and all(
                            getattr(current.certificate, k) == v for k, v in cert.items())))
                    if not unchanged:
                        services.inspector_update(inspector=current, by=by, certificate=cert, reason="Excel导入",
                                                  **fields)
                        updated += 1
            except ApplicationError as exc:
                # A rule the pre-check could not see: roll back everything and report the row.
                msgs = [f"{k}：{'；'.join(v)}" for k, v in (exc.detail or {}).items()] or [exc.message]
                raise ValidationFailed(_("第%(row)d行：%(msg)s，未导入任何数据。") % {"row": n, "msg": msgs[0]},
                                       detail={"rows": [{"row": n, "field": "", "message": m} for m in msgs]})
            if job is not None:
                job_progress(job, done=i, total=len(rows))
        audit_record(actor=by, action="inspector.imported", changes={"created": created, "updated": updated,
                                                                     "rows": len(rows)})
    return {"created": created, "updated": updated, "rows": len(rows),
            "message": _("导入完成：新增 %(c)d 人，更新 %(u)d 人，未变 %(s)d 人。") % {
                "c": created, "u": updated, "s": len(rows) - created - updated}}


def inspector_export_rows(qs):
    for i in qs.select_related("agency", "certificate").iterator(chunk_size=500):
        cert = getattr(i, "certificate", None) if hasattr(i, "certificate") else None
        yield [i.agency.code, i.agency.name, i.name, i.id_number_masked, i.position, "是" if i.is_helper else "否",
               cert.number if cert else "", cert.issuer if cert else "", cert.field if cert else "",
               cert.valid_from if cert else None, cert.valid_until if cert else None,
               cert.state_label if cert else ""]
