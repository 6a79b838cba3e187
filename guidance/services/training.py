"""Training sessions and attendance (举措 9 检查码培训, 举措 17). Every change is audited."""
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect.audit import audit_record, model_changes, snapshot
from subjects.models import Agency, Inspector

from ..exceptions import InvalidState, NotInvited, SignInNotOpen
from ..models import TrainingAttendance, TrainingMaterial, TrainingSession
from .common import fail, inspector_of, require_organiser, require_text

SESSION_FIELDS = ["title", "date", "location", "organiser_id", "is_checkcode", "description", "status"]


def _check_invited(session, agencies):
    if session.organiser.is_active is False:
        fail("organiser", _("主办单位已停用。"))
    return agencies


@transaction.atomic
def training_create(*, by, title: str, date: date, organiser: Agency, invited_agencies=(), is_checkcode=False,
                    location: str = "", description: str = "") -> TrainingSession:
    """Schedule a training. Agency admins organise for their own agency; reviewers for anyone."""
    require_organiser(by, organiser)
    session = TrainingSession(title=require_text("title", title, _("培训名称"), 200), date=date, organiser=organiser,
                              is_checkcode=bool(is_checkcode), location=location or "",
                              description=description or "", created_by=by)
    if date is None:
        fail("date", _("请填写培训日期。"))
    session.save()
    session.invited_agencies.set(_check_invited(session, invited_agencies))
    changes = snapshot(session, SESSION_FIELDS) | {"invited_agencies": sorted(a.code for a in invited_agencies)}
    audit_record(actor=by, action="training.created", target=session, changes=changes)
    return session


@transaction.atomic
def training_update(*, session: TrainingSession, by, reason: str = "", invited_agencies=None,
                    **fields) -> TrainingSession:
    require_organiser(by, session.organiser)
    if "organiser" in fields:
        require_organiser(by, fields["organiser"])
    if "status" in fields and fields["status"] not in TrainingSession.Status.values:
        fail("status", _("状态无效。"))
    before = snapshot(session, SESSION_FIELDS)
    for key, value in fields.items():
        setattr(session, key, value)
    session.title = require_text("title", session.title, _("培训名称"), 200)
    session.save()
    changes = model_changes(session, SESSION_FIELDS, before)
    if invited_agencies is not None:
        old = sorted(session.invited_agencies.values_list("code", flat=True))
        new = sorted(a.code for a in invited_agencies)
        if old != new:
            session.invited_agencies.set(invited_agencies)
            changes["invited_agencies"] = [old, new]
    if changes:
        audit_record(actor=by, action="training.updated", target=session, changes=changes, reason=reason)
    return session


@transaction.atomic
def training_material_add(*, session: TrainingSession, by, kind: str, title: str, url: str = "",
                          file=None) -> TrainingMaterial:
    """Attach a document, slide deck or video (an upload or a link) to a session."""
    require_organiser(by, session.organiser)
    if kind not in TrainingMaterial.Kind.values:
        fail("kind", _("资料类别无效。"))
    if not url and not file:
        fail("url", _("请上传文件或填写链接。"))
    material = TrainingMaterial(session=session, kind=kind, title=require_text("title", title, _("资料名称"), 200),
                                url=url or "")
    if file:
        material.file.save(file.name, file, save=False)
    material.save()
    audit_record(actor=by, action="training.material_added", target=session,
                 changes={"material": [None, material.title], "kind": kind})
    return material


def _invited(session, agency_id) -> bool:
    invited = list(session.invited_agencies.values_list("pk", flat=True))
    return not invited or agency_id in invited or agency_id == session.organiser_id


@transaction.atomic
def training_sign_in(*, session: TrainingSession, by, now=None) -> TrainingAttendance:
    """签到 by the inspector themself, on the day of the session only. Signing in twice is harmless."""
    inspector = inspector_of(by)
    now = now or timezone.now()
    if session.status == TrainingSession.Status.CANCELLED:
        raise InvalidState(_("该培训已取消。"))
    if timezone.localdate(now) != session.date:
        raise SignInNotOpen()
    if not _invited(session, inspector.agency_id):
        raise NotInvited()
    attendance, created = TrainingAttendance.objects.get_or_create(
        session=session, inspector=inspector,
        defaults={"method": TrainingAttendance.Method.SELF, "signed_at": now, "recorded_by": by})
    if created:
        audit_record(actor=by, action="training.signed_in", target=session,
                     changes={"inspector": [None, inspector.name]})
    return attendance


def attendance_validate(*, session: TrainingSession, inspectors) -> dict:
    """Per-inspector problems that stop the organiser recording attendance ({inspector_id: message})."""
    problems = {}
    for inspector in inspectors:
        if not inspector.is_active:
            problems[inspector.pk] = _("%(name)s 不在岗。") % {"name": inspector.name}
        elif not _invited(session, inspector.agency_id):
            problems[inspector.pk] = _("%(name)s 所在单位不在受邀范围内。") % {"name": inspector.name}
    return problems


@transaction.atomic
def training_attendance_record(*, session: TrainingSession, by, inspectors, method=TrainingAttendance.Method.ORGANISER,
                               now=None) -> int:
    """The organiser records who attended (from a list or an Excel upload). All-or-nothing: one
    ineligible inspector refuses the whole list. Returns how many new attendances were written.
    Recording attendance marks a past or current session as held."""
    require_organiser(by, session.organiser)
    now = now or timezone.now()
    if session.status == TrainingSession.Status.CANCELLED:
        raise InvalidState(_("该培训已取消。"))
    if session.date > timezone.localdate(now):
        raise InvalidState(_("培训尚未举办，不能登记签到。"))
    inspectors = list(inspectors)
    problems = attendance_validate(session=session, inspectors=inspectors)
    if problems:
        raise_msg = "；".join(problems.values())
        fail("inspectors", raise_msg)
    existing = set(session.attendances.values_list("inspector_id", flat=True))
    new = [TrainingAttendance(session=session, inspector=i, method=method, signed_at=now, recorded_by=by)
           for i in {i.pk: i for i in inspectors}.values() if i.pk not in existing]
    TrainingAttendance.objects.bulk_create(new)
    if session.status == TrainingSession.Status.PLANNED:
        session.status = TrainingSession.Status.DONE
        session.save(update_fields=["status", "updated_at"])
    if new:
        audit_record(actor=by, action="training.attendance_recorded", target=session,
                     changes={"added": sorted(i.inspector.name for i in new), "method": method})
    return len(new)


def inspectors_by_ids(ids):
    return list(Inspector.objects.filter(pk__in=ids).select_related("agency"))
