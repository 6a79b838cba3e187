"""Excel import and export of the 检查对象 registry (the district's register export, ~100,000 rows).

Bounded memory: pass 1 streams the workbook (openpyxl read-only through `read_sheet`) and validates
every row, keeping only a small tuple of strings and ids per row; pass 2 writes in batches of
BATCH rows with bulk inserts (jiujiang_inspect.bulk) / bulk_update inside one transaction, looking up only that batch's
existing rows. All-or-nothing: any row error and nothing is written, with a per-row report.
Idempotent by 统一社会信用代码: re-importing the same file changes nothing. A re-import changes only the
columns the file has and only where the cell is not empty (jiujiang_inspect.excel.provided): a sheet
with just 代码/名称/镇街 leaves credit class, size, industry, address and contact as they are.

Deliberately not per-row services: 100,000 audit entries and 100,000 saves would take an hour; the
import leaves one audit entry with its counts (and the codes whose checksum warning was accepted),
pool history rows for every enterprise it creates or moves out of the joint pool, and one audit entry
per enterprise whose credit class, joint-inspection choice or pool it changes (they decide pools and caps).
"""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record, audit_record_many
from jiujiang_inspect.bulk import bulk_insert
from jiujiang_inspect.excel import (
    IDENTIFIER,
    RowErrors,
    SheetSpec,
    check_xlsx_upload,
    import_result,
    read_sheet,
)
from jiujiang_inspect.exceptions import PermissionDeniedError, ValidationFailed
from jiujiang_inspect.jobs import job_progress
from subjects.validators import uscc_checksum_ok, uscc_shape_ok

from .models import Enterprise, Pool, PoolMembership, Town, name_initials
from .services.sync import enterprise_dependents_touch

BATCH = 1000
HEADERS = {
    "统一社会信用代码": "uscc", "企业名称": "name", "镇（街道）": "town", "行业代码（选填）": "industry",
    "规模（选填）": "size", "信用风险分类（选填）": "credit_class", "愿意参加联合检查（是/否）（选填）": "joins_joint",
    "地址（选填）": "address", "联系人（选填）": "contact_name", "联系电话（选填）": "contact_phone",
    "存续（是/否）（选填）": "is_active",
}
# Header texts of the district register and agencies' own lists (after excel.normalize_header).
ALIASES = {
    "代码": "uscc", "社会信用代码": "uscc", "统一代码": "uscc", "信用代码": "uscc", "名称": "name", "单位名称": "name",
    "企业(单位)名称": "name", "市场主体名称": "name", "镇街": "town", "所属镇街": "town", "镇街道": "town",
    "乡镇街道": "town", "所属镇(街道)": "town", "国民经济行业代码": "industry", "企业规模": "size",
    "信用风险分类": "credit_class", "信用风险等级": "credit_class", "信用等级": "credit_class",
    "是否愿意参加联合检查": "joins_joint", "是否参加联合检查": "joins_joint", "参加联合检查": "joins_joint",
    "愿意参加联合检查": "joins_joint", "企业地址": "address", "经营地址": "address", "住所": "address",
    "联系人姓名": "contact_name", "联系方式": "contact_phone", "联系人电话": "contact_phone", "是否存续": "is_active",
}
SPEC = SheetSpec(headers=HEADERS, aliases=ALIASES, kinds={"uscc": IDENTIFIER, "industry": IDENTIFIER})
TEMPLATE_EXAMPLE = ["91340207MA2NXY12QB", "芜湖鸠江示例商贸有限公司", "四褐山街道", "5212", "小型", "B", "是",
                    "芜湖市鸠江区万春东路1号", "张经理", "13900000000", "是"]
EXPORT_HEADERS = ["统一社会信用代码", "企业名称", "镇（街道）", "行业代码（选填）", "规模（选填）", "信用风险分类（选填）",
                  "愿意参加联合检查（是/否）（选填）", "地址（选填）", "联系人（选填）", "联系电话（选填）",
                  "存续（是/否）（选填）", "对象库"]
# The tuple kept per row in pass 1, and the model fields it maps to, in order.
ROW_FIELDS = ("uscc", "name", "town", "industry_id", "size", "credit_class", "joins_joint", "address",
              "contact_name", "contact_phone", "is_active", "checksum_warning_accepted")
UPDATE_FIELDS = [f for f in ROW_FIELDS if f not in ("uscc", "checksum_warning_accepted")]
# What a new enterprise gets for a field its row does not give.
DEFAULTS = {"industry_id": None, "size": Enterprise.Size.SMALL, "credit_class": "B", "joins_joint": True,
            "address": "", "contact_name": "", "contact_phone": "", "is_active": True}
DECISIVE = {"credit_class", "joins_joint", "pool"}  # they decide pools and caps: audited per enterprise
KEEP = object()
YES = {"是", "Y", "y", "1", "TRUE", "True", "true", "yes", "是的"}
NO = {"否", "N", "n", "0", "FALSE", "False", "false", "no"}
SIZE_BY_LABEL = {str(label): value for value, label in Enterprise.Size.choices} | {
    v: v for v in Enterprise.Size.values} | {"个体": "individual"}
CREDIT_CLASSES = frozenset(Enterprise.CreditClass.values)  # read once, not per row
MAX_LEN = {"name": 200, "address": 200, "contact_name": 50, "contact_phone": 20}


def _flag(value, default):
    text = str(value).strip()
    if text == "":
        return default
    if text in YES:
        return True
    if text in NO:
        return False
    return None


def _validate_rows(reader, *, accept_checksum, errors: RowErrors, job=None):
    """Pass 1: yield one small tuple per valid row (see ROW_FIELDS); record errors for the others.
    A field is None when the file does not give it (column absent or cell empty): the stored value is
    kept, a new enterprise takes the default (jiujiang_inspect.excel.provided)."""
    from matters.models import Industry

    industries = dict(Industry.objects.values_list("code", "id"))
    seen: dict[str, int] = {}
    count = 0
    for n, row in reader:
        count += 1
        ok = True
        uscc = row.get("uscc")
        accepted = False
        if uscc is None:
            ok = False  # a numeric cell, refused by the reader
        elif not uscc_shape_ok(uscc):
            errors.add(n, "统一社会信用代码", _("格式不正确（应为18位数字和大写字母）。"))
            ok = False
        elif not uscc_checksum_ok(uscc):
            if accept_checksum:
                accepted = True
            else:
                errors.add(n, "统一社会信用代码", _("校验位不符；如确属早期赋码，请由区司法局审核员勾选确认后导入。"))
                ok = False
        if uscc in seen:
            errors.add(n, "统一社会信用代码", _("与第%(row)d行重复。") % {"row": seen[uscc]})
            ok = False
        elif uscc:
            seen[uscc] = n
        name = str(row.get("name", "")).strip()
        if not name:
            errors.add(n, "企业名称", _("不能为空。"))
            ok = False
        town = Town.from_text(row.get("town", ""))
        if town is None:
            errors.add(n, "镇（街道）", _("应为鸠江区的镇（街道），如“湾里街道”“沈巷镇”。"))
            ok = False
        industry_code = row.get("industry") or ""
        industry_id = industries.get(industry_code) if industry_code else None
        if row.get("industry") is None and "industry" in row:
            ok = False  # refused by the reader
        elif industry_code and industry_id is None:
            errors.add(n, "行业代码", _("不是已登记的国民经济行业代码（GB/T 4754-2017）。"))
            ok = False
        size_text = str(row.get("size", "")).strip()
        size = SIZE_BY_LABEL.get(size_text) if size_text else None
        if size_text and size is None:
            errors.add(n, "规模", _("应为 大型、中型、小型、微型 或 个体工商户。"))
            ok = False
        credit = str(row.get("credit_class", "")).strip().upper()[:1] or None
        if credit is not None and credit not in CREDIT_CLASSES:
            errors.add(n, "信用风险分类", _("应为 A、B、C、D 之一。"))
            ok = False
        joins = _flag(row.get("joins_joint", ""), KEEP)
        active = _flag(row.get("is_active", ""), KEEP)
        if joins is None or active is None:
            errors.add(n, "是/否", _("请填写“是”或“否”。"))
            ok = False
        texts = {k: (str(row[k]).strip() or None) if k in row else None for k in MAX_LEN if k != "name"}
        for key, limit in MAX_LEN.items():
            if len(name if key == "name" else texts[key] or "") > limit:
                errors.add(n, key, _("不能超过%(n)d个字符。") % {"n": limit})
                ok = False
        if ok:
            yield (uscc, name, town, industry_id, size, credit, None if joins is KEEP else joins, texts["address"],
                   texts["contact_name"], texts["contact_phone"], None if active is KEEP else active, accepted)
        if job is not None and count % 500 == 0:
            # Validation is the first half of the bar, writing the second.
            job_progress(job, done=count, total=max(reader.rows_announced, count) * 2)
    if count == 0:
        raise ValidationFailed(_("文件中没有数据行。"), detail={"rows": []})


def _write_batch(batch, *, by, now, counts):
    """Create or update one batch. Existing rows are looked up for this batch only. An existing
    enterprise changes only in the fields the row gives (None = keep); a change of credit class or
    joint-inspection choice (which decide pools and caps) leaves one audit entry for that enterprise."""
    existing = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=[r[0] for r in batch]).only(
        "id", "pool", *ROW_FIELDS)}
    new, changed, leave_joint, audits, renamed = [], [], [], [], []
    for row in batch:
        values = dict(zip(ROW_FIELDS, row, strict=True))
        current = existing.get(values["uscc"])
        if current is None:
            values = {k: DEFAULTS[k] if v is None and k in DEFAULTS else v for k, v in values.items()}
            values["pool"] = Pool.JOINT if values["joins_joint"] else Pool.NON_JOINT
            new.append(Enterprise(**values, name_initials=name_initials(values["name"])))
            continue
        diff = {f: [getattr(current, f), values[f]] for f in UPDATE_FIELDS
                if values[f] is not None and getattr(current, f) != values[f]}
        if diff:
            for f, (_old, value) in diff.items():
                setattr(current, f, value)
            current.name_initials = name_initials(current.name)
            current.updated_at = now
            if not current.joins_joint and current.pool == Pool.JOINT:
                current.pool = Pool.NON_JOINT
                leave_joint.append(current.pk)
                diff["pool"] = [Pool.JOINT, Pool.NON_JOINT]
            changed.append(current)
            if "name" in diff:  # read on its inspections and plans: they sync too
                renamed.append(current.pk)
            if diff.keys() & DECISIVE:
                if "contact_phone" in diff:
                    diff["contact_phone"] = ["（已修改）", "（已修改）"]
                audits.append((current, diff))
    if new:
        bulk_insert(Enterprise, new, batch_size=BATCH)
        if any(e.pk is None for e in new):  # a database that does not return ids from a bulk insert
            ids = dict(Enterprise.objects.filter(uscc__in=[e.uscc for e in new]).values_list("uscc", "id"))
            for e in new:
                e.pk = ids[e.uscc]
        reason = _("Excel导入登记入库")
        bulk_insert(PoolMembership, [PoolMembership(enterprise_id=e.pk, pool=e.pool, valid_from=now, decided_by=by,
                                                    reason=reason) for e in new], batch_size=BATCH)
    if changed:
        Enterprise.objects.bulk_update(changed, [*UPDATE_FIELDS, "name_initials", "pool", "updated_at"],
                                       batch_size=BATCH)
        enterprise_dependents_touch(renamed)
    if leave_joint:
        PoolMembership.objects.filter(enterprise_id__in=leave_joint, valid_to__isnull=True).update(valid_to=now)
        PoolMembership.objects.bulk_create(
            [PoolMembership(enterprise_id=pk, pool=Pool.NON_JOINT, valid_from=now, decided_by=by,
                            reason=_("Excel导入：企业不参加联合检查，转入非联合检查对象库")) for pk in leave_joint])
    if audits:
        audit_record_many(actor=by, action="enterprise.updated", items=audits, reason=_("Excel导入"))
    counts["created"] += len(new)
    counts["updated"] += len(changed)
    counts["left_joint"] += len(leave_joint)
    counts["accepted"].extend(r[0] for r in batch if r[-1] and r[0] not in existing)


def enterprises_import(*, job=None, fileobj, by=None):
    """Import the enterprise register from an xlsx (see module docstring). With
    `job.params["accept_checksum_warning"]` a reviewer accepts codes whose check character fails."""
    by = by or job.created_by
    if not (roles.is_reviewer(by) or roles.is_agency_admin(by)):
        raise PermissionDeniedError(_("仅区司法局审核员和单位管理员可以导入检查对象。"))
    accept = bool((job.params if job else {}).get("accept_checksum_warning")) and roles.is_reviewer(by)
    check_xlsx_upload(fileobj)
    errors = RowErrors()
    reader = read_sheet(fileobj, SPEC, errors)
    rows = list(_validate_rows(reader, accept_checksum=accept, errors=errors, job=job))
    if errors:
        raise ValidationFailed(_("共 %(n)d 处错误，未导入任何数据。") % {"n": len(errors.errors)},
                               detail={"rows": errors.errors})
    now = timezone.now()
    counts = {"created": 0, "updated": 0, "left_joint": 0, "accepted": []}
    with transaction.atomic():
        for start in range(0, len(rows), BATCH):
            _write_batch(rows[start:start + BATCH], by=by, now=now, counts=counts)
            if job is not None:
                job_progress(job, done=min(len(rows) * 2, len(rows) + start + BATCH), total=len(rows) * 2)
        audit_record(actor=by, action="enterprise.imported", reason=_("Excel导入"), changes={
            "rows": len(rows), "created": counts["created"], "updated": counts["updated"],
            "moved_to_non_joint": counts["left_joint"], "checksum_warning_accepted": counts["accepted"][:1000]})
    unchanged = len(rows) - counts["created"] - counts["updated"]
    return import_result(reader, {"rows": len(rows), "created": counts["created"], "updated": counts["updated"],
                                  "unchanged": unchanged},
                         _("导入完成：新增 %(c)d 家，更新 %(u)d 家，未变 %(s)d 家。") % {
                             "c": counts["created"], "u": counts["updated"], "s": unchanged})


def enterprise_export_rows(qs):
    """Rows for the export (same columns as the import, so an export can be edited and re-imported)."""
    towns = dict(Town.choices)
    sizes = dict(Enterprise.Size.choices)
    pools = dict(Pool.choices)
    fields = ("uscc", "name", "town", "industry__code", "size", "credit_class", "joins_joint", "address",
              "contact_name", "contact_phone", "is_active", "pool")
    for (uscc, name, town, industry, size, credit, joins, address, cname, cphone, active,
         pool) in qs.order_by("uscc").values_list(*fields).iterator(chunk_size=2000):
        yield [uscc, name, str(towns.get(town, town)), industry or "", str(sizes.get(size, size)), credit,
               "是" if joins else "否", address, cname, cphone, "是" if active else "否", str(pools.get(pool, pool))]
